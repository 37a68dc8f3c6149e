// Pieces the settings sections share: the form state (client checks and the server's refusals on fields, by path:
// `to.1` is the second forwarding address), the on/off badge, the button row, the confirmation for a filter rule the
// user made outside the platform, and the loading and failure states of a section.
import { TRPCClientError } from "@trpc/client";
import { CircleAlert } from "lucide-react";
import { useRef, useState, type ReactNode, type RefObject } from "react";
import { useI18n } from "../../i18n";
import type { UiMessage } from "../../i18n/types";
import { failedForm, type FormResult } from "../../lib/form-result";
import { useFocusFirstInvalid } from "../../lib/use-form-focus";
import { Success } from "../account/section";
import { FormAlert } from "../form-fields";
import { ModalDialog } from "../mail/modal-dialog";
import { primaryButtonClass, secondaryButtonClass, Spinner } from "../ui";
import { useSettingsMessage, useSettingsWords } from "./words";

interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** zod issues → the first code per field; a field is the issue's path joined with dots ("to.1") or its first part. */
export function issuesToForm(issues: readonly Issue[], fields: readonly string[]): FormResult {
  const fieldErrors: Record<string, UiMessage> = {};
  let formError: UiMessage | null = null;
  for (const issue of issues) {
    const joined = issue.path.map(String).join(".");
    const field = fields.includes(joined) ? joined : fields.find((f) => f === String(issue.path[0]));
    if (field) fieldErrors[field] ??= { validation: issue.message };
    else formError ??= { validation: issue.message };
  }
  return { fieldErrors, formError };
}

/** The active filter rule the user made outside the platform, when the server refused a save because of it. */
export function foreignRefusal(error: unknown): boolean {
  return error instanceof TRPCClientError && (error as TRPCClientError<never>).data !== undefined && Boolean((error.data as { fieldErrors?: Record<string, unknown> | null }).fieldErrors?.replaceForeign);
}

/** The user's rule's description: as last seen, or asked again (it may have appeared since the page loaded). */
export async function foreignDescription(refetch: () => Promise<{ foreignFilter: { description: string } | null }>, known: { description: string } | null): Promise<string> {
  if (known) return known.description || "—";
  const latest = await refetch().catch(() => null);
  return latest?.foreignFilter?.description || "—";
}

/** A form's errors in words, and the alert above it. */
export function useSettingsForm() {
  const { t } = useI18n();
  const message = useSettingsMessage();
  const [result, setResult] = useState<FormResult | null>(null);
  const errors = result?.fieldErrors ?? {};
  return {
    result,
    setResult,
    fail: (error: unknown, fields: readonly string[]) => setResult(failedForm(error, fields)),
    error: (field: string): string | undefined => {
      const m = errors[field];
      return m && message(m);
    },
    alert: result?.formError ? message(result.formError) : Object.keys(errors).length ? t("form.checkFields") : null,
  };
}

export function StatusBadge({ on, testId }: { on: boolean; testId: string }) {
  const w = useSettingsWords();
  return (
    <span
      data-testid={testId}
      className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${on ? "bg-green-50 text-green-800 ring-green-200" : "bg-gray-50 text-gray-700 ring-gray-300"}`}
    >
      {w(on ? "on" : "off")}
    </span>
  );
}

/** Save (and, when the setting is on, turn off): full width on a phone, side by side from `sm`. */
export function Actions({ busy, onTurnOff, turningOff, testId }: { busy: boolean; onTurnOff?: (() => void) | null; turningOff: boolean; testId: string }) {
  const w = useSettingsWords();
  return (
    <div className="flex flex-col gap-3 sm:flex-row">
      <button type="submit" disabled={busy || turningOff} className={primaryButtonClass} data-testid={`${testId}-save`}>
        {busy && <Spinner />}
        <span>{busy ? w("saving") : w("save")}</span>
      </button>
      {onTurnOff && (
        <button type="button" onClick={onTurnOff} disabled={busy || turningOff} className={secondaryButtonClass} data-testid={`${testId}-off`}>
          {turningOff && <Spinner />}
          <span>{turningOff ? w("turningOff") : w("turnOff")}</span>
        </button>
      )}
    </div>
  );
}

/**
 * Asks before the platform's rule replaces the user's own active one (Mailcow runs only one at a time). `description`
 * null: nothing to ask (the dialog is not shown). Confirming closes the dialog, then calls `onConfirm`.
 */
export function ForeignFilterDialog({ description, onConfirm, onClose, fallbackFocusId }: { description: string | null; onConfirm: () => void; onClose: () => void; fallbackFocusId: string }) {
  const w = useSettingsWords();
  if (description === null) return null;
  return (
    <ModalDialog id="foreign-filter" title={w("foreign.title")} intro={w("foreign.intro", { description })} closeLabel={w("close")} onClose={onClose} fallbackFocusId={fallbackFocusId}>
      <p className="mt-3 text-sm text-gray-700">{w("foreign.body")}</p>
      <div className="mt-5 flex flex-col gap-3 sm:flex-row-reverse">
        <button
          type="button"
          onClick={() => {
            onClose();
            onConfirm();
          }}
          className={primaryButtonClass}
          data-testid="foreign-confirm"
          autoFocus
        >
          {w("foreign.confirm")}
        </button>
        <button type="button" onClick={onClose} className={secondaryButtonClass}>
          {w("foreign.cancel")}
        </button>
      </div>
    </ModalDialog>
  );
}

/**
 * The state of a FilterRuleForm: the form's errors, the success line and the pending question; `frame` goes to it.
 * `run` does one save or turn-off: a refusal because the user's own rule is active becomes the question (described
 * by `foreign`), any other failure lands on the form's `fields`.
 */
export function useFilterRuleForm({ fields, foreign }: { fields: readonly string[]; foreign: () => Promise<string> }) {
  const formRef = useRef<HTMLFormElement>(null);
  const form = useSettingsForm();
  useFocusFirstInvalid(formRef, form.result);
  const [done, setDone] = useState<string | null>(null);
  /** The description of the user's own rule while asking whether to replace it. */
  const [confirming, setConfirming] = useState<string | null>(null);
  const frame = { formRef, done, alert: form.alert, confirming, onCloseConfirm: () => setConfirming(null) };
  async function run(task: () => Promise<void>) {
    setDone(null);
    try {
      await task();
    } catch (error) {
      if (foreignRefusal(error)) return setConfirming(await foreign());
      form.fail(error, fields);
    }
  }
  /** A save or turn-off went through: clear the errors, say `text`. */
  const succeeded = (text: string) => {
    form.setResult(null);
    setDone(text);
  };
  return { form, run, succeeded, frame };
}

/**
 * The frame of a setting kept as the platform's Sieve rule (forwarding, out-of-office): its status line, the notice of
 * the user's own rule, the success line, the form with its alert, fields (`children`) and buttons, and the question
 * before replacing the user's own rule (`confirming`: its description, or null).
 */
export function FilterRuleForm(props: {
  testId: string;
  enabled: boolean;
  status: string;
  foreignFilter: { description: string } | null;
  done: string | null;
  alert: string | null;
  formRef: RefObject<HTMLFormElement | null>;
  saving: boolean;
  turningOff: boolean;
  onSave: (replaceForeign: boolean) => void;
  onTurnOff: () => void;
  confirming: string | null;
  onCloseConfirm: () => void;
  fallbackFocusId: string;
  children: ReactNode;
}) {
  const { testId } = props;
  return (
    <>
      <div className="mb-4 flex flex-wrap items-center gap-2 text-sm text-gray-700">
        <StatusBadge on={props.enabled} testId={`${testId}-status`} />
        <span>{props.status}</span>
      </div>
      {props.foreignFilter && <ForeignNotice description={props.foreignFilter.description} />}
      <Success text={props.done} testId={`${testId}-done`} />
      <form
        ref={props.formRef}
        noValidate
        className="max-w-lg space-y-5"
        aria-busy={props.saving || props.turningOff}
        onSubmit={(event) => {
          event.preventDefault();
          props.onSave(false);
        }}
      >
        <FormAlert message={props.alert} />
        {props.children}
        <Actions busy={props.saving} turningOff={props.turningOff} onTurnOff={props.enabled ? props.onTurnOff : null} testId={testId} />
      </form>
      <ForeignFilterDialog description={props.confirming} fallbackFocusId={props.fallbackFocusId} onClose={props.onCloseConfirm} onConfirm={() => props.onSave(true)} />
    </>
  );
}

/** A note that an active rule made outside the platform exists (before anything is saved). */
export function ForeignNotice({ description }: { description: string }) {
  const w = useSettingsWords();
  return (
    <p className="mb-4 flex items-start gap-2 rounded-lg bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="foreign-notice">
      <CircleAlert aria-hidden="true" className="mt-0.5 size-4 shrink-0 text-amber-600" />
      {w("foreign.notice", { description })}
    </p>
  );
}

/** Loading and failure of a section's data, with a retry. */
export function Loading({ query, children }: { query: { isPending: boolean; error: unknown; refetch: () => unknown }; children: () => ReactNode }) {
  const w = useSettingsWords();
  const message = useSettingsMessage();
  if (query.isPending) {
    return (
      <p role="status" className="flex items-center gap-2 text-sm text-gray-600">
        <Spinner className="size-4 text-pink-600" />
        {w("loading")}
      </p>
    );
  }
  if (query.error) {
    const problem = failedForm(query.error, []).formError;
    return (
      <div role="alert" className="flex flex-wrap items-center gap-3 text-sm text-red-800">
        <span>{w("loadFailed", { error: problem ? message(problem) : "" })}</span>
        <button type="button" className={secondaryButtonClass} onClick={() => void query.refetch()}>
          {w("retry")}
        </button>
      </div>
    );
  }
  return <>{children()}</>;
}

export const inputClass = (invalid: boolean) =>
  `block w-full rounded-lg border bg-white px-3 py-2 text-base text-gray-900 shadow-xs placeholder:text-gray-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-pink-500 sm:text-sm ${
    invalid ? "border-red-600" : "border-gray-300 focus-visible:border-pink-500"
  }`;

export function FieldError({ id, text }: { id: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <p id={id} className="flex items-start gap-1.5 text-sm text-red-700">
      <CircleAlert aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
      <span>{text}</span>
    </p>
  );
}
