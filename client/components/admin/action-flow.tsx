// One admin action for one person, a selection or a whole filter: parameters (a quota), then a dry-run preview
// ("12 will be retried, 3 skipped because …") before anything changes, then progress for long runs, then results
// (with one-time secrets shown once when the action made them).
import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { ADMIN_ACTION_TYPES } from "../../../shared/schemas/admin";
import { primaryButtonClass, secondaryButtonClass, Spinner } from "../ui";
import { AdminDialog, codeText, dangerButtonClass, ErrorNote, inputClass, labelClass, Progress, ShownOnce } from "./ui";
import { useAdminWords } from "./words";
import { useI18n } from "../../i18n";
import { trpc, type RouterInputs, type RouterOutputs } from "../../trpc";

export type AdminAction = RouterInputs["admin"]["mailboxes"]["preview"]["action"];
export type AdminActionType = AdminAction["type"];
export type AdminTarget = RouterInputs["admin"]["mailboxes"]["preview"]["target"];
type Preview = RouterOutputs["admin"]["mailboxes"]["preview"];
type Job = RouterOutputs["admin"]["jobs"]["status"];
type Secret = Job["secrets"][number];

/** Actions offered for a selection or a filter (the one-time secrets and conflicts are per person). */
export const BULK_ACTIONS = ["retry", "disable", "enable", "setQuota", "signOut", "delete"] as const satisfies readonly AdminActionType[];
/** Every action on a person's page, in the schema's order, but the conflict's resolution (offered with the conflict). */
export const PERSON_ACTIONS = ADMIN_ACTION_TYPES.filter((type): type is Exclude<AdminActionType, "resolveConflict"> => type !== "resolveConflict");
/** Actions that need more than a click: a quota, or a conflict's resolution. */
export type SimpleActionType = (typeof PERSON_ACTIONS)[number];

const DESTRUCTIVE: ReadonlySet<AdminActionType> = new Set<AdminActionType>(["delete", "disable"]);

/** Builds the action; `setQuota` takes the MiB typed in the dialog. */
function buildAction(type: SimpleActionType, quotaMiB: string): AdminAction {
  if (type === "setQuota") return { type, quotaMiB: Number(quotaMiB) };
  return { type };
}

export function ActionFlow({
  type,
  action: givenAction,
  target,
  onClose,
  onDone,
}: {
  type: AdminActionType;
  /** A ready action (a conflict's resolution); otherwise built from `type`. */
  action?: AdminAction;
  target: AdminTarget;
  onClose: () => void;
  onDone: () => void;
}) {
  const w = useAdminWords();
  const { locale } = useI18n();
  const [quotaMiB, setQuotaMiB] = useState("");
  const [preview, setPreview] = useState<{ action: AdminAction; answer: Preview } | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const utils = trpc.useUtils();
  // The preview is a query (it changes nothing): fetched on demand, never cached.
  const previewMutation = useMutation({ mutationFn: (input: RouterInputs["admin"]["mailboxes"]["preview"]) => utils.admin.mailboxes.preview.fetch(input, { staleTime: 0, gcTime: 0 }) });
  const performMutation = trpc.admin.mailboxes.perform.useMutation();
  const needsQuota = type === "setQuota";
  const title = w(`action.${type}`);

  async function runPreview() {
    const action = givenAction ?? buildAction(type as SimpleActionType, quotaMiB);
    setPreview({ action, answer: await previewMutation.mutateAsync({ action, target }) });
  }
  async function perform() {
    if (!preview) return;
    const performed = await performMutation.mutateAsync({ action: preview.action, target });
    setJobId(performed.jobId);
  }

  return (
    <AdminDialog id="admin-action" title={jobId ? w("action.resultTitle", { action: title }) : w("action.previewTitle", { action: title })} intro={jobId ? undefined : w("action.previewIntro")} onClose={onClose} wide>
      <div className="space-y-4" data-testid="action-dialog">
        {!preview && (
          <form
            className="space-y-3"
            onSubmit={(event) => {
              event.preventDefault();
              void runPreview().catch(() => undefined);
            }}
          >
            {needsQuota && (
              <div className="space-y-1">
                <label htmlFor="action-quota" className={labelClass}>
                  {w("action.quotaMiB")}
                </label>
                <input id="action-quota" name="quotaMiB" type="number" min={0} step={1} required inputMode="numeric" value={quotaMiB} onChange={(event) => setQuotaMiB(event.target.value)} className={inputClass} />
              </div>
            )}
            <ErrorNote error={previewMutation.error} />
            <div className="flex flex-wrap justify-end gap-2">
              <button type="button" className={secondaryButtonClass} onClick={onClose}>
                {w("common.cancel")}
              </button>
              <button type="submit" data-autofocus={needsQuota ? undefined : true} className={primaryButtonClass} disabled={previewMutation.isPending}>
                {previewMutation.isPending && <Spinner />}
                {w(previewMutation.isPending ? "action.previewing" : "import.preview")}
              </button>
            </div>
          </form>
        )}

        {preview && !jobId && (
          <div className="space-y-3">
            <div className="space-y-2 text-sm" data-testid="action-preview" aria-live="polite">
              {preview.answer.blocked ? (
                <p className="rounded-lg bg-red-50 p-3 text-red-800 ring-1 ring-red-200" role="alert">
                  {w("action.blocked", { message: codeText(w, locale, preview.answer.blocked.code, preview.answer.blocked.params) })}
                </p>
              ) : (
                <p className="font-semibold text-gray-900">{w("action.willApply", { count: preview.answer.will })}</p>
              )}
              {preview.action.type === "setQuota" && <p className="text-gray-800">{w("action.newQuota", { quota: preview.action.quotaMiB })}</p>}
              {preview.answer.skipped > 0 && (
                <>
                  <p className="text-gray-800">{w("action.willSkip", { count: preview.answer.skipped })}</p>
                  <ul className="list-disc space-y-1 pl-5 text-gray-700">
                    {Object.entries(preview.answer.skippedBy).map(([reason, count]) => (
                      <li key={reason}>{w("action.skipReason", { reason: codeText(w, locale, reason), count })}</li>
                    ))}
                  </ul>
                </>
              )}
              {preview.answer.items.length > 0 && (
                <details className="text-gray-700">
                  <summary className="cursor-pointer rounded text-sm font-medium text-pink-700">{w("action.who", { count: preview.answer.items.length })}</summary>
                  <ul className="mt-1 max-h-40 space-y-0.5 overflow-y-auto text-xs">
                    {preview.answer.items.map((item) => (
                      <li key={item.userId}>
                        {item.username ?? item.userId}: {item.outcome === "will" ? w("action.outcomeWill") : codeText(w, locale, item.why ?? "skip")}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </div>
            <ErrorNote error={performMutation.error} />
            <div className="flex flex-wrap justify-end gap-2">
              <button type="button" className={secondaryButtonClass} onClick={onClose}>
                {w("common.cancel")}
              </button>
              <button
                type="button"
                data-autofocus
                className={DESTRUCTIVE.has(type) ? dangerButtonClass : primaryButtonClass}
                disabled={performMutation.isPending || preview.answer.will === 0 || preview.answer.blocked !== null}
                onClick={() => void perform().catch(() => undefined)}
              >
                {performMutation.isPending && <Spinner />}
                {performMutation.isPending ? w("action.running") : preview.answer.will === 0 ? w("action.nothing") : w("action.confirm", { count: preview.answer.will })}
              </button>
            </div>
          </div>
        )}

        {jobId && <JobProgress jobId={jobId} onFinished={onDone} />}
        {jobId && (
          <div className="flex justify-end">
            <button type="button" className={primaryButtonClass} onClick={onClose}>
              {w("common.done")}
            </button>
          </div>
        )}
      </div>
    </AdminDialog>
  );
}

/** Polls the job until it is done; secrets come in ONE answer only, so they are kept once seen. */
function JobProgress({ jobId, onFinished }: { jobId: string; onFinished: () => void }) {
  const w = useAdminWords();
  const { locale } = useI18n();
  const [secrets, setSecrets] = useState<readonly Secret[]>([]);
  const job = trpc.admin.jobs.status.useQuery({ id: jobId }, { refetchInterval: (query) => (query.state.data?.state === "done" ? false : 500), gcTime: 0 });
  const data = job.data;
  useEffect(() => {
    if (data && data.secrets.length > 0) setSecrets(data.secrets);
  }, [data]);
  const finished = data?.state === "done";
  const finishedCallback = useRef(onFinished);
  useEffect(() => {
    finishedCallback.current = onFinished;
  }, [onFinished]);
  useEffect(() => {
    if (finished) finishedCallback.current();
  }, [finished]);

  return (
    <div className="space-y-3" data-testid="action-result" data-state={data?.state ?? "starting"}>
      <ErrorNote error={job.error} />
      {data ? <Progress done={data.done} total={data.total} /> : <Spinner />}
      {data && (
        <ul className="space-y-1 text-sm text-gray-800" aria-live="polite">
          <li>{w("action.succeeded", { count: data.ok })}</li>
          {data.failed > 0 && <li className="text-red-800">{w("action.failedCount", { count: data.failed })}</li>}
          {data.skipped > 0 && <li>{w("action.skippedCount", { count: data.skipped })}</li>}
        </ul>
      )}
      {data && data.items.some((item) => item.result !== "ok") && (
        <ul className="max-h-40 space-y-0.5 overflow-y-auto text-xs text-gray-700">
          {data.items
            .filter((item) => item.result !== "ok")
            .map((item) => (
              <li key={item.userId}>
                {item.username ?? item.userId}: {item.code ? codeText(w, locale, item.code, item.params) : item.result}
              </li>
            ))}
        </ul>
      )}
      {secrets.map((secret) => (
        <div key={secret.userId} className="space-y-2">
          {secret.temporaryPassword && <ShownOnce label={w("action.tempPassword")} hint={w("action.tempPasswordHint")} value={secret.temporaryPassword} />}
          {secret.resetLink && <ShownOnce label={w("action.resetLink")} hint={w("action.resetLinkHint")} value={secret.resetLink} />}
        </div>
      ))}
    </div>
  );
}
