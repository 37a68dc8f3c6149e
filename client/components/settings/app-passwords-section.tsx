// App passwords: list (the inbox's own marked), create with protocols (the password shown once in a dialog), revoke.
import { KeySquare } from "lucide-react";
import { useState, type FormEvent } from "react";
import {
  APP_PASSWORD_PROTOCOLS,
  CreateAppPasswordSchema,
  DEFAULT_APP_PASSWORD_PROTOCOLS,
  type AppPasswordSummary,
} from "../../../shared/schemas/mail-access";
import { useI18n } from "../../i18n";
import { useMessage } from "../../i18n/messages";
import { failedForm, invalidForm, type FormResult } from "../../lib/form-result";
import { trpc } from "../../trpc";
import { formText, Section, Success } from "../account/section";
import { Field, FormAlert, SubmitButton } from "../form-fields";
import { CopyButton } from "../mail/copy-button";
import { ModalDialog } from "../mail/modal-dialog";
import { primaryButtonClass, smallSecondaryButtonClass, Spinner } from "../ui";
import { useAccessWords } from "./access-words";

type AppField = "name" | "protocols" | "id";

export function AppPasswordsSection() {
  const w = useAccessWords();
  const { formatDate } = useI18n();
  const message = useMessage();
  const utils = trpc.useUtils();
  const list = trpc.mailbox.appPasswords.list.useQuery();
  const create = trpc.mailbox.appPasswords.create.useMutation();
  const revoke = trpc.mailbox.appPasswords.revoke.useMutation();
  const address = trpc.mailbox.info.useQuery().data?.address ?? null;
  const [problem, setProblem] = useState<FormResult<AppField> | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [shown, setShown] = useState<{ name: string; password: string } | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);

  const field = (name: AppField) => {
    const m = problem?.fieldErrors[name];
    return m ? message(m) : undefined;
  };
  const alert = problem?.formError ? message(problem.formError) : (field("id") ?? null);

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const protocols = new FormData(form).getAll("protocols").map(String);
    const parsed = CreateAppPasswordSchema.safeParse({ name: formText(form, "name"), protocols });
    setDone(null);
    if (!parsed.success) return setProblem(invalidForm(parsed.error.issues, ["name", "protocols"]));
    setProblem(null);
    create.mutate(parsed.data, {
      onSuccess: async (made) => {
        form.reset();
        setShown({ name: made.appPassword.name, password: made.password });
        await utils.mailbox.appPasswords.list.invalidate();
      },
      onError: (error) => setProblem(failedForm(error, ["name", "protocols", "id"])),
    });
  }

  async function onRevoke(entry: AppPasswordSummary, confirmInbox = false) {
    setDone(null);
    setProblem(null);
    if (entry.usedBy === "inbox" && !confirmInbox) return setConfirming(entry.id);
    setConfirming(null);
    try {
      await revoke.mutateAsync({ id: entry.id, ...(confirmInbox ? { confirmInbox: true } : {}) });
      setDone(w("apps.revoked", { name: entry.name }));
      await utils.mailbox.appPasswords.list.invalidate();
    } catch (error) {
      setProblem(failedForm(error, ["id"]));
    }
  }

  return (
    <Section id="app-passwords" title={w("apps.title")} intro={w("apps.intro")}>
      <div className="space-y-5">
        <Success text={done} testId="app-passwords-done" />
        <FormAlert message={list.error ? list.error.message : alert} />
        {list.isPending ? (
          <Spinner />
        ) : list.data && list.data.length === 0 ? (
          <p className="text-sm text-gray-600">{w("apps.none")}</p>
        ) : (
          <ul className="divide-y divide-gray-100 rounded-lg ring-1 ring-gray-200" data-testid="app-passwords">
            {list.data?.map((entry) => (
              <li key={entry.id} className="px-3 py-2.5" data-app-password={entry.name}>
                <div className="flex flex-wrap items-center gap-2">
                  <KeySquare aria-hidden="true" className="size-4 shrink-0 text-gray-500" />
                  <div className="min-w-0 flex-1 text-sm">
                    <p className="break-words font-medium text-gray-900">
                      {entry.name}
                      {entry.usedBy === "inbox" && (
                        <span className="ml-2 rounded-full bg-pink-50 px-2 py-0.5 text-xs font-semibold text-pink-700 ring-1 ring-pink-200">{w("apps.inbox")}</span>
                      )}
                      {!entry.active && <span className="ml-2 text-xs text-gray-600">({w("apps.inactive")})</span>}
                    </p>
                    <p className="text-gray-600">
                      {[entry.protocols.map((p) => p.toUpperCase()).join(", "), entry.createdAt ? w("apps.created", { date: formatDate(entry.createdAt, { dateStyle: "medium" }) }) : null]
                        .filter(Boolean)
                        .join(" · ")}
                    </p>
                  </div>
                  <button type="button" className={smallSecondaryButtonClass} disabled={revoke.isPending} aria-label={w("apps.revokeLabel", { name: entry.name })} onClick={() => void onRevoke(entry)}>
                    {w("apps.revoke")}
                  </button>
                </div>
                {confirming === entry.id && (
                  <div role="alertdialog" aria-labelledby={`confirm-${entry.id}`} className="mt-2 rounded-lg bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
                    <p id={`confirm-${entry.id}`}>{w("apps.confirmInbox")}</p>
                    <div className="mt-2 flex gap-2">
                      <button type="button" autoFocus className={smallSecondaryButtonClass} onClick={() => void onRevoke(entry, true)}>
                        {w("apps.confirmInboxYes")}
                      </button>
                      <button type="button" className={smallSecondaryButtonClass} onClick={() => setConfirming(null)}>
                        {w("closeLabel")}
                      </button>
                    </div>
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}

        <form onSubmit={onCreate} noValidate className="space-y-3" data-testid="app-password-create">
          <Field name="name" label={w("apps.name")} error={field("name")} autoComplete="off" maxLength={60} />
          <fieldset aria-describedby="protocols-hint">
            <legend className="text-sm font-medium text-gray-900">{w("apps.protocols")}</legend>
            <p id="protocols-hint" className="text-sm text-gray-600">
              {w("apps.protocolsHint")}
            </p>
            <div className="mt-2 grid gap-2 sm:grid-cols-2">
              {APP_PASSWORD_PROTOCOLS.map((protocol) => (
                <label key={protocol} className="flex items-center gap-2 text-sm text-gray-900">
                  <input type="checkbox" name="protocols" value={protocol} defaultChecked={DEFAULT_APP_PASSWORD_PROTOCOLS.includes(protocol)} className="size-4 accent-pink-600" />
                  {w(`apps.protocol.${protocol}`)}
                </label>
              ))}
            </div>
            {field("protocols") && (
              <p role="alert" className="mt-1 text-sm text-red-700">
                {field("protocols")}
              </p>
            )}
          </fieldset>
          <div className="sm:w-52">
            <SubmitButton busy={create.isPending} label={w("apps.create")} busyLabel={w("apps.creating")} />
          </div>
        </form>
      </div>

      {shown && (
        <ModalDialog id="app-password-shown" title={w("apps.shownTitle")} intro={w("apps.shownIntro")} closeLabel={w("closeLabel")} onClose={() => setShown(null)} fallbackFocusId="field-name">
          <div className="mt-4 space-y-3" data-testid="app-password-shown">
            <p className="text-sm font-medium text-gray-900">{w("apps.shownLabel", { name: shown.name })}</p>
            <div className="flex items-center gap-2 rounded-lg bg-gray-50 px-3 py-2 ring-1 ring-gray-200">
              <code className="flex-1 select-all break-all font-mono text-lg text-pink-700" data-testid="app-password-value">
                {shown.password}
              </code>
              <CopyButton value={shown.password} label={w("apps.copyLabel")} announce={w("apps.copied")} />
            </div>
            {address && <p className="text-sm text-gray-600">{w("apps.shownUser", { address })}</p>}
            <button type="button" className={`w-full ${primaryButtonClass}`} onClick={() => setShown(null)}>
              {w("apps.shownDone")}
            </button>
          </div>
        </ModalDialog>
      )}
    </Section>
  );
}
