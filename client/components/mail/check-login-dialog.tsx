import { CheckCircle2, CircleAlert } from "lucide-react";
import { useEffect, useRef } from "react";
import { useFetcher } from "react-router";
import { CHECK_LOGIN_TEXT, waitMinutes } from "../../../shared/i18n/mailbox";
import { useI18n } from "../../i18n";
import { useMessage } from "../../i18n/messages";
import { useFocusFirstInvalid } from "../../lib/use-form-focus";
import type { MailActionResult } from "./action-result";
import { Field, FormAlert, SubmitButton } from "../form-fields";
import { CHECK_LOGIN_BUTTON_ID } from "./mailbox-overview";
import { ModalDialog } from "./modal-dialog";

/**
 * "Check my login": the server tries a real IMAP login with the password typed here and says what happened
 * (works, wrong password, server unreachable, TLS problem). The password is sent once and never shown or kept.
 */
export function CheckLoginDialog({ onClose }: { onClose: () => void }) {
  const { t } = useI18n();
  return (
    <ModalDialog
      id="check-dialog"
      title={t("mail.check.title")}
      intro={t("mail.check.intro")}
      closeLabel={t("mail.check.close")}
      onClose={onClose}
      fallbackFocusId={CHECK_LOGIN_BUTTON_ID}
    >
      <CheckLoginForm />
    </ModalDialog>
  );
}

function CheckLoginForm() {
  const { t, locale, formatNumber } = useI18n();
  const message = useMessage();
  const fetcher = useFetcher<MailActionResult>();
  const form = useRef<HTMLFormElement>(null);
  const result = fetcher.data;
  useFocusFirstInvalid(form, result);
  const busy = fetcher.state !== "idle";
  const check = result?.ok ? result.check : undefined;
  const errors = result?.ok ? {} : (result?.fieldErrors ?? {});
  const alert = result && !result.ok ? (result.formError ? message(result.formError) : t("form.checkFields")) : null;
  const passwordError = errors.password ? message(errors.password) : undefined;

  useEffect(() => {
    // A new attempt starts from an empty field: the password is not kept on the page.
    if (result?.ok && form.current) form.current.reset();
  }, [result]);

  return (
    <>
      <div role="status" aria-live="polite" className="mt-4 empty:hidden" data-testid="check-login-result">
        {check && (
          <div
            data-result={check.result}
            className={`flex items-start gap-2 rounded-lg p-3 text-sm ring-1 ${
              check.result === "ok" ? "bg-green-50 text-green-900 ring-green-200" : "bg-amber-50 text-amber-900 ring-amber-300"
            }`}
          >
            {check.result === "ok" ? (
              <CheckCircle2 aria-hidden="true" className="mt-0.5 size-4 shrink-0 text-green-600" />
            ) : (
              <CircleAlert aria-hidden="true" className="mt-0.5 size-4 shrink-0 text-amber-600" />
            )}
            <p>
              {CHECK_LOGIN_TEXT[check.result][locale]
                .replace("{ms}", formatNumber(check.elapsedMs))
                .replace("{minutes}", formatNumber(waitMinutes(check.retryAfterSeconds ?? 0)))}
              {check.result !== "paused" && (
                <span className="mt-0.5 block text-xs opacity-80">
                  {check.simulated ? t("mail.check.simulated") : t("mail.check.where", { host: check.host, port: String(check.port) })}
                </span>
              )}
            </p>
          </div>
        )}
      </div>
      <fetcher.Form method="post" ref={form} noValidate className="mt-4 space-y-5" aria-busy={busy}>
        <input type="hidden" name="intent" value="checkLogin" />
        <FormAlert message={alert} />
        <Field name="password" type="password" autoComplete="current-password" label={t("mail.check.password")} error={passwordError} required />
        <SubmitButton busy={busy} label={t("mail.check.submit")} busyLabel={t("mail.check.submitting")} />
      </fetcher.Form>
    </>
  );
}
