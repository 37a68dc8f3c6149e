import { useEffect, useRef } from "react";
import { useFetcher } from "react-router";
import type { LivePasswordPolicy } from "../../../shared/schemas/mailbox";
import { useI18n } from "../../i18n";
import { useMessage } from "../../i18n/messages";
import { useFocusFirstInvalid } from "../../lib/use-form-focus";
import type { MailActionResult } from "./action-result";
import { FormAlert, SubmitButton } from "../form-fields";
import { secondaryButtonClass } from "../ui";
import { CHANGE_PASSWORD_BUTTON_ID } from "./mailbox-overview";
import { ModalDialog } from "./modal-dialog";
import { MailPasswordFields } from "./password-fields";

interface PasswordDialogProps {
  onClose: () => void;
  onChanged: () => void;
  username: string;
  /** The mailbox address, in a hidden username field so password managers file the new password under it. */
  address: string;
  policy: LivePasswordPolicy | null | undefined;
}

/**
 * "Change mailbox password" in a modal dialog. Each opening mounts a new form, so it starts without the last
 * attempt's errors. The first step's button disappears once the password is set: focus then goes to the
 * overview's button.
 */
export function PasswordDialog({
  onClose,
  onChanged,
  username,
  address,
  policy,
}: PasswordDialogProps) {
  const { t } = useI18n();
  return (
    <ModalDialog
      id="password-dialog"
      title={t("mail.password.title")}
      intro={t("mail.password.intro")}
      closeLabel={t("mail.password.close")}
      onClose={onClose}
      fallbackFocusId={CHANGE_PASSWORD_BUTTON_ID}
    >
      <PasswordForm onClose={onClose} onChanged={onChanged} username={username} address={address} policy={policy} />
    </ModalDialog>
  );
}

function PasswordForm({
  onClose,
  onChanged,
  username,
  address,
  policy,
}: PasswordDialogProps) {
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
    <>
      <fetcher.Form method="post" ref={form} noValidate className="mt-5 space-y-5" aria-busy={busy}>
        <input type="hidden" name="intent" value="password" />
        <FormAlert message={alert} />
        <MailPasswordFields name="newPassword" label={t("mail.password.new")} username={username} address={address} policy={policy} errors={errors} />
        <div className="flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">
          <button type="button" onClick={onClose} className={secondaryButtonClass}>
            {t("mail.password.cancel")}
          </button>
          <div className="sm:w-auto">
            <SubmitButton busy={busy} label={t("mail.password.submit")} busyLabel={t("mail.password.submitting")} />
          </div>
        </div>
      </fetcher.Form>
    </>
  );
}
