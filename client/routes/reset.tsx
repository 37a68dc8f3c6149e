// /reset/:token — a platform password reset an admin made (there is no e-mail outside the platform, so the admin
// hands the link over). The link works once; setting the password signs the person out everywhere.
import { useRef, useState } from "react";
import { Form, Link, useActionData, useLoaderData, useNavigation, type ActionFunctionArgs, type LoaderFunctionArgs } from "react-router";
import { PasswordSchema } from "../../shared/schemas/auth";
import { AuthShell } from "../components/auth-shell";
import { Field, FormAlert, SubmitButton } from "../components/form-fields";
import { PasswordChecklist } from "../components/password-checklist";
import { linkClass } from "../components/ui";
import { useDocumentTitle, useI18n } from "../i18n";
import { useMessage } from "../i18n/messages";
import { failedForm, formString, invalidForm, type FormResult } from "../lib/form-result";
import { useFocusFirstInvalid } from "../lib/use-form-focus";
import { queryUtils, trpcClient } from "../trpc";

const FIELDS = ["newPassword", "passwordConfirm"] as const;
type ResetField = (typeof FIELDS)[number];

// This screen's words live with it (not in the shell's dictionaries).
const TEXTS = {
  ru: {
    title: "Новый пароль",
    intro: "Задайте новый пароль для входа на платформу",
    invalid: "Ссылка недействительна: она уже использована, устарела или заменена новой. Попросите администратора о новой.",
    account: "Учётная запись: {username}",
    password: "Новый пароль",
    confirm: "Пароль ещё раз",
    submit: "Сохранить пароль",
    submitting: "Сохраняем…",
    done: "Пароль изменён. Войдите с новым паролем.",
    toLogin: "Ко входу",
  },
  en: {
    title: "New password",
    intro: "Choose a new password for signing in to the platform",
    invalid: "This link cannot be used: it was used already, has expired or was replaced by a newer one. Ask an administrator for a new one.",
    account: "Account: {username}",
    password: "New password",
    confirm: "Password again",
    submit: "Save password",
    submitting: "Saving…",
    done: "Your password was changed. Sign in with the new password.",
    toLogin: "To sign-in",
  },
} as const;

export async function loader({ params }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const check = await queryUtils.auth.passwordReset.check.fetch({ token }).catch(() => ({ valid: false, username: null }));
  return { token, ...check };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await request.formData();
  const newPassword = formString(form, "newPassword");
  const parsed = PasswordSchema.safeParse(newPassword);
  const result: FormResult<ResetField> & { done?: boolean } = parsed.success
    ? { fieldErrors: {}, formError: null }
    : invalidForm(parsed.error.issues.map((issue) => ({ ...issue, path: ["newPassword"] })), FIELDS);
  if (newPassword && formString(form, "passwordConfirm") !== newPassword) result.fieldErrors.passwordConfirm = { validation: "password.mismatch" };
  if (!parsed.success || result.fieldErrors.passwordConfirm) return result;
  try {
    await trpcClient.auth.passwordReset.complete.mutate({ token: params.token ?? "", newPassword });
  } catch (error) {
    return failedForm(error, FIELDS);
  }
  return { fieldErrors: {}, formError: null, done: true };
}

export function Component() {
  const { locale } = useI18n();
  const texts = TEXTS[locale];
  const message = useMessage();
  useDocumentTitle(texts.title);
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, result);
  const [password, setPassword] = useState("");
  const busy = navigation.state !== "idle" && navigation.formMethod?.toLowerCase() === "post";
  const errors: FormResult<ResetField>["fieldErrors"] = result?.fieldErrors ?? {};
  const error = (field: ResetField) => {
    const m = errors[field];
    return m && message(m);
  };
  const alert = result?.formError ? message(result.formError) : null;
  const footer = (
    <Link to="/login" className={linkClass}>
      {texts.toLogin}
    </Link>
  );

  return (
    <AuthShell heading={texts.title} intro={texts.intro} footer={footer}>
      {result && "done" in result && result.done ? (
        <p role="status" className="text-sm text-gray-800">
          {texts.done}
        </p>
      ) : !data.valid ? (
        <p role="alert" className="rounded-lg border border-gray-200 bg-gray-50 p-4 text-sm text-gray-800">
          {texts.invalid}
        </p>
      ) : (
        <Form method="post" ref={formRef} noValidate className="space-y-5" aria-busy={busy}>
          <FormAlert message={alert} />
          <p className="text-sm text-gray-700">{texts.account.replace("{username}", data.username ?? "")}</p>
          <Field
            name="newPassword"
            type="password"
            label={texts.password}
            autoComplete="new-password"
            required
            onChange={(e) => setPassword(e.currentTarget.value)}
            describedBy="password-rules"
            error={error("newPassword")}
          >
            <PasswordChecklist id="password-rules" password={password} username={data.username ?? ""} />
          </Field>
          <Field name="passwordConfirm" type="password" label={texts.confirm} autoComplete="new-password" required error={error("passwordConfirm")} />
          <SubmitButton busy={busy} label={texts.submit} busyLabel={texts.submitting} />
        </Form>
      )}
    </AuthShell>
  );
}
