import { useRef, useState } from "react";
import type { TotpSetup, TotpStatus } from "../../../shared/schemas/account";
import { TotpDisableSchema, TotpEnableSchema } from "../../../shared/schemas/account";
import { useI18n } from "../../i18n";
import { useMessage } from "../../i18n/messages";
import { failedForm, invalidForm, type FormResult } from "../../lib/form-result";
import { useFocusFirstInvalid } from "../../lib/use-form-focus";
import { trpc } from "../../trpc";
import { CopyButton } from "../mail/copy-button";
import { Field, FormAlert, SubmitButton } from "../form-fields";
import { primaryButtonClass, secondaryButtonClass, Spinner } from "../ui";
import { QrCode } from "./qr-code";
import { formText, Section, Success } from "./section";
import { useAccountWords } from "./words";

type TotpField = "code" | "password";

function useFormState() {
  const { t } = useI18n();
  const message = useMessage();
  const [result, setResult] = useState<FormResult<TotpField> | null>(null);
  const errors = result?.fieldErrors ?? {};
  return {
    result,
    setResult,
    error: (field: TotpField) => {
      const m = errors[field];
      return m && message(m);
    },
    alert: result?.formError ? message(result.formError) : Object.keys(errors).length ? t("form.checkFields") : null,
  };
}

export function TotpSection({ status }: { status: TotpStatus }) {
  const w = useAccountWords();
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const start = trpc.auth.totp.setup.useMutation();
  const startFailure = start.error ? failedForm(start.error, []).formError : null;
  const message = useMessage();

  return (
    <Section id="totp" title={w("totp.title")} intro={status.enabled ? w("totp.on", { count: status.recoveryCodesLeft }) : w("totp.off")}>
      <Success text={done} testId="totp-done" />
      {codes ? (
        <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />
      ) : status.enabled ? (
        <DisableForm onDisabled={() => setDone(w("totp.disabled"))} />
      ) : setup ? (
        <EnableForm
          setup={setup}
          onCancel={() => setSetup(null)}
          onEnabled={(recoveryCodes) => {
            setSetup(null);
            setCodes(recoveryCodes);
          }}
        />
      ) : (
        <>
          <FormAlert message={startFailure ? message(startFailure) : null} />
          <button
            type="button"
            className={primaryButtonClass}
            disabled={start.isPending}
            onClick={() => {
              setDone(null);
              start.mutate(undefined, { onSuccess: setSetup });
            }}
          >
            {start.isPending && <Spinner />}
            {w(start.isPending ? "totp.starting" : "totp.start")}
          </button>
        </>
      )}
    </Section>
  );
}

function EnableForm({ setup, onCancel, onEnabled }: { setup: TotpSetup; onCancel: () => void; onEnabled: (codes: string[]) => void }) {
  const w = useAccountWords();
  const utils = trpc.useUtils();
  const form = useRef<HTMLFormElement>(null);
  const state = useFormState();
  useFocusFirstInvalid(form, state.result);
  const enable = trpc.auth.totp.enable.useMutation();

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = TotpEnableSchema.safeParse({ code: formText(event.currentTarget, "code"), password: formText(event.currentTarget, "password") });
    if (!parsed.success) return state.setResult(invalidForm(parsed.error.issues, ["code", "password"]));
    try {
      const { recoveryCodes } = await enable.mutateAsync(parsed.data);
      await utils.auth.accountSettings.invalidate();
      onEnabled(recoveryCodes);
    } catch (error) {
      state.setResult(failedForm(error, ["code", "password"]));
    }
  }

  return (
    <div className="space-y-4">
      <p className="text-sm text-gray-800">{w("totp.scan")}</p>
      <div className="flex flex-wrap items-center gap-4">
        <QrCode value={setup.uri} label={w("totp.qrLabel")} />
        <div className="min-w-0 text-sm text-gray-700">
          <p>{w("totp.manual")}</p>
          <p className="mt-1 flex items-center gap-1">
            <code className="font-mono text-[13px] break-all text-gray-900" data-testid="totp-secret">
              {setup.secret}
            </code>
            <CopyButton value={setup.secret} label={w("totp.manual")} announce={w("totp.manual")} />
          </p>
        </div>
      </div>
      <p className="text-sm text-gray-800">{w("totp.confirm")}</p>
      <form ref={form} onSubmit={submit} noValidate className="max-w-md space-y-5" aria-busy={enable.isPending}>
        <FormAlert message={state.alert} />
        <Field name="code" label={w("totp.code")} autoComplete="one-time-code" inputMode="numeric" maxLength={7} required error={state.error("code")} />
        <Field name="password" type="password" label={w("totp.password")} autoComplete="current-password" required error={state.error("password")} />
        <div className="flex flex-col-reverse gap-3 sm:flex-row">
          <button type="button" onClick={onCancel} className={secondaryButtonClass}>
            {w("totp.cancel")}
          </button>
          <div className="sm:flex-1">
            <SubmitButton busy={enable.isPending} label={w("totp.enable")} busyLabel={w("totp.enabling")} />
          </div>
        </div>
      </form>
    </div>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const w = useAccountWords();
  return (
    <div className="space-y-3 rounded-lg bg-pink-50 p-4 ring-1 ring-pink-200" role="status">
      <h3 className="font-semibold text-gray-900">{w("totp.codesTitle")}</h3>
      <p className="text-sm text-gray-700">{w("totp.codesIntro")}</p>
      <div className="flex items-start gap-2">
        <ul aria-label={w("totp.codesLabel")} className="grid grid-cols-2 gap-x-6 gap-y-1 font-mono text-sm text-gray-900" data-testid="recovery-codes">
          {codes.map((code) => (
            <li key={code}>{code}</li>
          ))}
        </ul>
        <CopyButton value={codes.join("\n")} label={w("totp.codesLabel")} announce={w("totp.codesLabel")} />
      </div>
      <button type="button" onClick={onDone} className={primaryButtonClass}>
        {w("totp.codesDone")}
      </button>
    </div>
  );
}

function DisableForm({ onDisabled }: { onDisabled: () => void }) {
  const w = useAccountWords();
  const utils = trpc.useUtils();
  const form = useRef<HTMLFormElement>(null);
  const state = useFormState();
  useFocusFirstInvalid(form, state.result);
  const disable = trpc.auth.totp.disable.useMutation();

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = TotpDisableSchema.safeParse({ code: formText(event.currentTarget, "code"), password: formText(event.currentTarget, "password") });
    if (!parsed.success) return state.setResult(invalidForm(parsed.error.issues, ["code", "password"]));
    try {
      await disable.mutateAsync(parsed.data);
      state.setResult(null);
      onDisabled();
      await utils.auth.accountSettings.invalidate();
    } catch (error) {
      state.setResult(failedForm(error, ["code", "password"]));
    }
  }

  return (
    <form ref={form} onSubmit={submit} noValidate className="max-w-md space-y-5" aria-busy={disable.isPending}>
      <h3 className="text-base font-semibold text-gray-900">{w("totp.disableTitle")}</h3>
      <FormAlert message={state.alert} />
      <Field name="password" type="password" label={w("totp.password")} autoComplete="current-password" required error={state.error("password")} />
      <Field name="code" label={w("totp.disableCode")} autoComplete="one-time-code" required error={state.error("code")} />
      <SubmitButton busy={disable.isPending} label={w("totp.disable")} busyLabel={w("totp.disabling")} />
    </form>
  );
}
