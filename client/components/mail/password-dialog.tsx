import { X } from "lucide-react";
import { useEffect, useRef } from "react";
import { useFetcher } from "react-router";
import type { LivePasswordPolicy } from "../../../shared/schemas/mailbox";
import { useI18n } from "../../i18n";
import { useMessage } from "../../i18n/messages";
import { useFocusFirstInvalid } from "../../lib/use-form-focus";
import type { MailActionResult } from "../../routes/mail";
import { FormAlert, SubmitButton } from "../form-fields";
import { focusRing, secondaryButtonClass } from "../ui";
import { CHANGE_PASSWORD_BUTTON_ID } from "./mailbox-overview";
import { MailPasswordFields } from "./password-fields";

/**
 * "Change mailbox password" in a modal <dialog>, open while mounted: the browser keeps focus inside and
 * closes it on Escape; focus goes to the first field on open and back to the button that opened it on close.
 * Each opening mounts a new form, so it starts without the last attempt's errors.
 */
export function PasswordDialog({
  onClose,
  onChanged,
  username,
  policy,
}: {
  onClose: () => void;
  onChanged: () => void;
  username: string;
  policy: LivePasswordPolicy | null | undefined;
}) {
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    element.showModal();
    element.querySelector<HTMLInputElement>("input:not([type=hidden])")?.focus();
    return () => {
      if (element.open) element.close();
      // The first step's button disappears once the password is set: then its neighbour in the overview.
      (opener?.isConnected ? opener : document.getElementById(CHANGE_PASSWORD_BUTTON_ID))?.focus();
    };
  }, []);

  return (
    <dialog
      ref={dialog}
      aria-labelledby="password-dialog-title"
      aria-describedby="password-dialog-intro"
      // Escape closes a modal dialog natively; this tells the page.
      onClose={onClose}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-xl bg-white p-0 shadow-xl ring-1 ring-gray-200 backdrop:bg-gray-900/50"
    >
      <PasswordForm onClose={onClose} onChanged={onChanged} username={username} policy={policy} />
    </dialog>
  );
}

function PasswordForm({
  onClose,
  onChanged,
  username,
  policy,
}: {
  onClose: () => void;
  onChanged: () => void;
  username: string;
  policy: LivePasswordPolicy | null | undefined;
}) {
  const { t } = useI18n();
  const message = useMessage();
  const fetcher = useFetcher<MailActionResult>();
  const form = useRef<HTMLFormElement>(null);
  const result = fetcher.data;
  useFocusFirstInvalid(form, result);
  useEffect(() => {
    if (result?.ok) onChanged();
  }, [result, onChanged]);

  const busy = fetcher.state !== "idle";
  const errors = result?.ok ? {} : (result?.fieldErrors ?? {});
  const alert = result?.formError ? message(result.formError) : Object.keys(errors).length ? t("form.checkFields") : null;

  return (
    <div className="p-5 sm:p-6">
      <div className="flex items-start justify-between gap-4">
        <h2 id="password-dialog-title" className="text-lg font-semibold text-gray-900">
          {t("mail.password.title")}
        </h2>
        <button
          type="button"
          onClick={onClose}
          className={`-mr-2 -mt-1 grid size-9 shrink-0 place-items-center rounded-lg text-gray-600 hover:bg-gray-100 hover:text-gray-900 ${focusRing}`}
        >
          <X aria-hidden="true" className="size-5" />
          <span className="sr-only">{t("mail.password.close")}</span>
        </button>
      </div>
      <p id="password-dialog-intro" className="mt-1.5 text-sm text-gray-600">
        {t("mail.password.intro")}
      </p>
      <fetcher.Form method="post" ref={form} noValidate className="mt-5 space-y-5" aria-busy={busy}>
        <input type="hidden" name="intent" value="password" />
        <FormAlert message={alert} />
        <MailPasswordFields name="newPassword" label={t("mail.password.new")} username={username} policy={policy} errors={errors} />
        <div className="flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">
          <button type="button" onClick={onClose} className={secondaryButtonClass}>
            {t("mail.password.cancel")}
          </button>
          <div className="sm:w-auto">
            <SubmitButton busy={busy} label={t("mail.password.submit")} busyLabel={t("mail.password.submitting")} />
          </div>
        </div>
      </fetcher.Form>
    </div>
  );
}
