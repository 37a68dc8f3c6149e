import { useRef, useState } from "react";
import { checkPassword } from "../../../shared/password-policy";
import { ChangePasswordSchema } from "../../../shared/schemas/auth";
import { useI18n } from "../../i18n";
import { useMessage } from "../../i18n/messages";
import { failedForm, invalidForm, type FormResult } from "../../lib/form-result";
import { useFocusFirstInvalid } from "../../lib/use-form-focus";
import { trpc } from "../../trpc";
import { Field, FormAlert, SubmitButton } from "../form-fields";
import { PasswordChecklist } from "../password-checklist";
import { focusRing } from "../ui";
import { formText, Section, Success } from "./section";
import { useAccountWords } from "./words";

const FIELDS = ["currentPassword", "newPassword", "passwordConfirm"] as const;
type PasswordField = (typeof FIELDS)[number];

export function PasswordSection({ username, mailboxActive }: { username: string; mailboxActive: boolean }) {
  const w = useAccountWords();
  const { t } = useI18n();
  const message = useMessage();
  const utils = trpc.useUtils();
  const form = useRef<HTMLFormElement>(null);
  const [result, setResult] = useState<FormResult<PasswordField> | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [password, setPassword] = useState("");
  useFocusFirstInvalid(form, result);
  const change = trpc.auth.changePassword.useMutation();

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const alsoMailbox = mailboxActive && new FormData(element).get("alsoMailbox") === "on";
    const parsed = ChangePasswordSchema.safeParse({
      currentPassword: formText(element, "currentPassword"),
      newPassword: formText(element, "newPassword"),
      alsoMailbox,
    });
    const problems: FormResult<PasswordField> = parsed.success ? { fieldErrors: {}, formError: null } : invalidForm(parsed.error.issues, FIELDS);
    if (formText(element, "passwordConfirm") !== formText(element, "newPassword")) problems.fieldErrors.passwordConfirm = { validation: "password.mismatch" };
    setDone(null);
    if (!parsed.success || problems.fieldErrors.passwordConfirm) return setResult(problems);
    try {
      await change.mutateAsync(parsed.data);
      setResult(null);
      setDone(w(alsoMailbox ? "password.doneMailbox" : "password.done"));
      element.reset();
      setPassword("");
      await Promise.all([utils.auth.sessions.list.invalidate(), alsoMailbox ? utils.mailbox.info.invalidate() : null]);
    } catch (error) {
      setResult(failedForm(error, FIELDS));
    }
  }

  const errors = result?.fieldErrors ?? {};
  const error = (field: PasswordField) => {
    const m = errors[field];
    return m && message(m);
  };
  const alert = result?.formError ? message(result.formError) : Object.keys(errors).length ? t("form.checkFields") : null;
  return (
    <Section id="password" title={w("password.title")} intro={w("password.intro")}>
      <Success text={done} testId="password-done" />
      <form ref={form} onSubmit={submit} noValidate className="max-w-md space-y-5" aria-busy={change.isPending}>
        <FormAlert message={alert} />
        <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
        <Field name="currentPassword" type="password" label={w("password.current")} autoComplete="current-password" required error={error("currentPassword")} />
        <Field
          name="newPassword"
          type="password"
          label={w("password.new")}
          autoComplete="new-password"
          required
          onChange={(e) => setPassword(e.currentTarget.value)}
          describedBy="account-password-rules"
          error={error("newPassword")}
          errorShownElsewhere={password.length > 0 && checkPassword(password, username).some((r) => !r.ok)}
        >
          <PasswordChecklist id="account-password-rules" password={password} username={username} />
        </Field>
        <Field name="passwordConfirm" type="password" label={w("password.confirm")} autoComplete="new-password" required error={error("passwordConfirm")} />
        {mailboxActive && (
          <div className="flex items-start gap-3">
            <input id="alsoMailbox" name="alsoMailbox" type="checkbox" aria-describedby="alsoMailbox-hint" className={`mt-0.5 size-4 rounded border-gray-300 text-pink-600 ${focusRing}`} />
            <div className="text-sm">
              <label htmlFor="alsoMailbox" className="font-medium text-gray-900">
                {w("password.alsoMailbox")}
              </label>
              <p id="alsoMailbox-hint" className="text-gray-600">
                {w("password.alsoMailboxHint")}
              </p>
            </div>
          </div>
        )}
        <SubmitButton busy={change.isPending} label={w("password.submit")} busyLabel={w("password.submitting")} />
      </form>
    </Section>
  );
}
