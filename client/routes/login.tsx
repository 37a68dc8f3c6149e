import { useRef } from "react";
import { Form, Link, redirect, useActionData, useNavigation, useSearchParams, type ActionFunctionArgs, type LoaderFunctionArgs } from "react-router";
import { LoginSchema } from "../../shared/schemas/auth";
import { AuthShell } from "../components/auth-shell";
import { Field, FormAlert, SubmitButton } from "../components/form-fields";
import { linkClass } from "../components/ui";
import { useDocumentTitle, useI18n } from "../i18n";
import { useMessage } from "../i18n/messages";
import { failedForm, formString, invalidForm } from "../lib/form-result";
import { safeNextPath } from "../lib/next-path";
import { rememberSignedIn } from "../lib/session";
import { useFocusFirstInvalid } from "../lib/use-form-focus";
import { queryUtils, trpcClient } from "../trpc";

const FIELDS = ["login", "password"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  // If the server cannot be asked, show the form anyway: submitting will say what is wrong.
  const me = await queryUtils.auth.me.ensureData().catch(() => null);
  if (me) return redirect(safeNextPath(new URL(request.url).searchParams.get("next")) ?? "/");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const parsed = LoginSchema.safeParse({ login: formString(form, "login"), password: formString(form, "password") });
  if (!parsed.success) return invalidForm(parsed.error.issues, FIELDS);
  try {
    rememberSignedIn(await trpcClient.auth.login.mutate(parsed.data));
  } catch (error) {
    return failedForm(error, FIELDS);
  }
  return redirect(safeNextPath(formString(form, "next")) ?? "/");
}

export function Component() {
  const { t } = useI18n();
  const message = useMessage();
  useDocumentTitle(t("login.title"));
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, result);

  const busy = navigation.state !== "idle" && navigation.formMethod?.toLowerCase() === "post";
  const next = safeNextPath(searchParams.get("next"));
  const errors = result?.fieldErrors ?? {};
  const alert = result?.formError ? message(result.formError) : Object.keys(errors).length ? t("form.checkFields") : null;

  return (
    <AuthShell
      heading={t("login.heading")}
      intro={t("login.intro")}
      footer={
        <>
          {t("login.noAccount")}{" "}
          <Link to={next ? `/register?next=${encodeURIComponent(next)}` : "/register"} className={linkClass}>
            {t("login.toRegister")}
          </Link>
        </>
      }
    >
      <Form method="post" ref={formRef} noValidate className="space-y-5" aria-busy={busy}>
        <FormAlert message={alert} />
        {next && <input type="hidden" name="next" value={next} />}
        <Field
          name="login"
          label={t("login.login.label")}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          error={errors.login && message(errors.login)}
        />
        <Field
          name="password"
          type="password"
          label={t("login.password.label")}
          autoComplete="current-password"
          required
          error={errors.password && message(errors.password)}
        />
        <SubmitButton busy={busy} label={t("login.submit")} busyLabel={t("login.submitting")} />
      </Form>
    </AuthShell>
  );
}
