import { useState } from "react";
import type { LivePasswordPolicy } from "../../../shared/schemas/mailbox";
import { useI18n } from "../../i18n";
import { useMessage } from "../../i18n/messages";
import type { UiMessage } from "../../i18n/types";
import { checkPassword } from "../../../shared/password-policy";
import { loadMailAction } from "../../lib/load-mail-action";
import { checkMailPolicy } from "../../lib/mail-password-rules";
import { PasswordChecklist } from "../password-checklist";
import { Field } from "../form-fields";

/** A new mailbox password and its confirmation, with the platform's and Mailcow's rules ticked off live. */
export function MailPasswordFields({
  name,
  label,
  username,
  address,
  policy,
  errors,
}: {
  name: "password" | "newPassword";
  label: string;
  username: string;
  /** The mailbox address: a hidden username field, so password managers file the password under the mailbox. */
  address: string;
  policy: LivePasswordPolicy | null | undefined;
  errors: Partial<Record<string, UiMessage>>;
}) {
  const { t } = useI18n();
  const message = useMessage();
  const [password, setPassword] = useState("");
  const error = (field: string) => {
    const m = errors[field];
    return m && message(m);
  };
  // A rule already red in the checklist is not repeated under the field.
  const ruleFails = password.length > 0 && [...checkPassword(password, username), ...checkMailPolicy(password, policy)].some((r) => !r.ok);
  return (
    <>
      <input type="email" name="mailbox-username" autoComplete="username" value={address} readOnly hidden />
      <Field
        name={name}
        errorShownElsewhere={ruleFails}
        type="password"
        label={label}
        autoComplete="new-password"
        required
        // The checks run on submit; fetch them while the user types.
        onFocus={() => void loadMailAction()}
        onChange={(e) => setPassword(e.currentTarget.value)}
        describedBy={`${name}-rules`}
        error={error(name)}
      >
        <PasswordChecklist id={`${name}-rules`} password={password} username={username} policy={policy} />
      </Field>
      <Field
        name="passwordConfirm"
        type="password"
        label={t("mail.password.confirm")}
        autoComplete="new-password"
        required
        error={error("passwordConfirm")}
      />
    </>
  );
}
