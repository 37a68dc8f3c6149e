import { TRPCClientError } from "@trpc/client";
import { useRef, useState } from "react";
import { Form, Link, redirect, useActionData, useNavigation, useSearchParams, type ActionFunctionArgs, type LoaderFunctionArgs } from "react-router";
import { LoginSchema, TOTP_REQUIRED } from "../../shared/schemas/auth";
import { AuthShell } from "../components/auth-shell";
import { Field, FormAlert, SubmitButton } from "../components/form-fields";
import { linkClass } from "../components/ui";
import { useDocumentTitle, useI18n } from "../i18n";
import { useEntryWords } from "../i18n/entry-words";
import { useMessage } from "../i18n/messages";
import { failedForm, formString, invalidForm } from "../lib/form-result";
import { safeNextPath } from "../lib/next-path";
import { rememberSignedIn } from "../lib/session";
import { useFocusFirstInvalid } from "../lib/use-form-focus";
import { queryUtils, trpcClient } from "../trpc";

const FIELDS = ["login", "password", "totp", "recoveryCode"] as const;

/** auth.login's "two-factor code required" answer (no session was created): show the code field. */
function asksForCode(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const data = (error as TRPCClientError<import("../../server/routers/_app").AppRouter>).data;
  return Boolean(data?.fieldErrors?.totp || data?.fieldErrors?.recoveryCode) && (data?.code === TOTP_REQUIRED.code || data?.code === "UNAUTHORIZED");
}

export async function loader({ request }: LoaderFunctionArgs) {
  // If the server cannot be asked, show the form anyway: submitting will say what is wrong.
  const me = await queryUtils.auth.me.ensureData().catch(() => null);
  if (me) return redirect(safeNextPath(new URL(request.url).searchParams.get("next")) ?? "/");
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const totp = formString(form, "totp");
  const recoveryCode = formString(form, "recoveryCode");
  const secondStep = form.has("totp") || form.has("recoveryCode");
  const parsed = LoginSchema.safeParse({
    login: formString(form, "login"),
    password: formString(form, "password"),
    ...(form.has("totp") && { totp }),
    ...(form.has("recoveryCode") && { recoveryCode }),
  });
  if (!parsed.success) return { ...invalidForm(parsed.error.issues, FIELDS), secondStep };
  try {
    rememberSignedIn(await trpcClient.auth.login.mutate(parsed.data));
  } catch (error) {
    const result = failedForm(error, FIELDS);
    if (!asksForCode(error)) return { ...result, secondStep: false };
    // The first ask for the code is not an error: the code field appears with its explanation.
    return secondStep ? { ...result, secondStep: true } : { fieldErrors: {}, formError: null, secondStep: true };
  }
  return redirect(safeNextPath(formString(form, "next")) ?? "/");
}

export function Component() {
  const { t } = useI18n();
  const w = useEntryWords();
  const message = useMessage();
  useDocumentTitle(w("login.title"));
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, result);

  const busy = navigation.state !== "idle" && navigation.formMethod?.toLowerCase() === "post";
  const next = safeNextPath(searchParams.get("next"));
  const errors = result?.fieldErrors ?? {};
  const secondStep = result?.secondStep ?? false;
  const [useRecovery, setUseRecovery] = useState(false);
  const alert = result?.formError ? message(result.formError) : Object.keys(errors).length ? t("form.checkFields") : null;

  return (
    <AuthShell
      heading={w(secondStep ? "login.totp.heading" : "login.heading")}
      intro={w(secondStep ? "login.totp.intro" : "login.intro")}
      footer={
        <>
          {w("login.noAccount")}{" "}
          <Link to={next ? `/register?next=${encodeURIComponent(next)}` : "/register"} className={linkClass}>
            {w("login.toRegister")}
          </Link>
        </>
      }
    >
      <Form method="post" ref={formRef} noValidate className="space-y-5" aria-busy={busy}>
        <FormAlert message={alert} />
        {next && <input type="hidden" name="next" value={next} />}
        {/* In the second step the name and password stay in the form (hidden) and go with the code. */}
        <div hidden={secondStep} className="space-y-5">
          <Field
            name="login"
            label={w("login.login.label")}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            error={errors.login && message(errors.login)}
          />
          <Field
            name="password"
            type="password"
            label={w("login.password.label")}
            autoComplete="current-password"
            required
            error={errors.password && message(errors.password)}
          />
        </div>
        {secondStep && (
          <>
            {useRecovery ? (
              <Field
                key="recoveryCode"
                name="recoveryCode"
                label={w("login.recovery.label")}
                autoComplete="off"
                autoCapitalize="characters"
                spellCheck={false}
                autoFocus
                required
                error={errors.recoveryCode && message(errors.recoveryCode)}
              />
            ) : (
              <Field
                key="totp"
                name="totp"
                label={w("login.totp.label")}
                autoComplete="one-time-code"
                inputMode="numeric"
                pattern="[0-9 ]*"
                maxLength={7}
                autoFocus
                required
                error={errors.totp && message(errors.totp)}
              />
            )}
            <button type="button" onClick={() => setUseRecovery((v) => !v)} className={`text-sm ${linkClass}`}>
              {w(useRecovery ? "login.totp.use" : "login.recovery.use")}
            </button>
          </>
        )}
        <SubmitButton busy={busy} label={w("login.submit")} busyLabel={w("login.submitting")} />
      </Form>
    </AuthShell>
  );
}
