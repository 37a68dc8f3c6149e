import { useRef, useState } from "react";
import { Form, Link, redirect, useActionData, useLoaderData, useNavigation, useSearchParams, type ActionFunctionArgs, type LoaderFunctionArgs } from "react-router";
import { checkPassword } from "../../shared/password-policy";
import { RegisterSchema } from "../../shared/schemas/auth";
import { AuthShell } from "../components/auth-shell";
import { PasswordChecklist } from "../components/password-checklist";
import { Field, FormAlert, SubmitButton } from "../components/form-fields";
import { linkClass } from "../components/ui";
import { useDocumentTitle, useI18n } from "../i18n";
import { useEntryWords } from "../i18n/entry-words";
import { useMessage } from "../i18n/messages";
import { failedForm, formString, invalidForm, type FormResult } from "../lib/form-result";
import { safeNextPath } from "../lib/next-path";
import { rememberSignedIn } from "../lib/session";
import { useFocusFirstInvalid } from "../lib/use-form-focus";
import { queryUtils, trpcClient } from "../trpc";

const FIELDS = ["username", "displayName", "password", "passwordConfirm", "invitation"] as const;

// Words for the registration modes live here, with the screen (not in the shell's dictionaries).
const MODE_TEXTS = {
  ru: {
    inviteOnly: "Регистрация только по приглашению. Попросите ссылку-приглашение у администратора.",
    closed: "Регистрация закрыта. Обратитесь к администратору.",
    invitation: "Вы регистрируетесь по приглашению.",
    "invitation.invalid": "Приглашение не найдено: проверьте ссылку.",
    "invitation.expired": "Срок приглашения истёк: попросите новое.",
    "invitation.used": "Это приглашение уже использовано.",
    "invitation.revoked": "Это приглашение отозвано.",
  },
  en: {
    inviteOnly: "Sign-up is by invitation only. Ask an administrator for an invitation link.",
    closed: "Sign-up is closed. Please contact an administrator.",
    invitation: "You are signing up with an invitation.",
    "invitation.invalid": "Invitation not found: check the link.",
    "invitation.expired": "The invitation has expired: ask for a new one.",
    "invitation.used": "This invitation was already used.",
    "invitation.revoked": "This invitation was revoked.",
  },
} as const;
type ModeText = keyof (typeof MODE_TEXTS)["en"];
type RegisterField = (typeof FIELDS)[number];

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await queryUtils.auth.me.ensureData().catch(() => null);
  if (me) return redirect(safeNextPath(new URL(request.url).searchParams.get("next")) ?? "/");
  // The address preview shows the real domain; without an answer it shows "name@…". The mode decides whether there
  // is a form at all; an invitation link (?invitation=) may fix the username.
  const token = new URL(request.url).searchParams.get("invitation")?.trim() || undefined;
  const signup = await queryUtils.auth.signupInfo.ensureData(token ? { invitation: token } : undefined).catch(() => null);
  return { domain: signup?.domain ?? null, mode: signup?.mode ?? "open", invitation: signup?.invitation ?? null, token: token ?? null };
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const displayName = formString(form, "displayName").trim();
  const password = formString(form, "password");
  const parsed = RegisterSchema.safeParse({
    username: formString(form, "username"),
    password,
    displayName: displayName || undefined,
    invitation: formString(form, "invitation") || undefined,
  });
  const result: FormResult<RegisterField> = parsed.success ? { fieldErrors: {}, formError: null } : invalidForm(parsed.error.issues, FIELDS);
  if (password && formString(form, "passwordConfirm") !== password) {
    result.fieldErrors.passwordConfirm = { validation: "password.mismatch" };
  }
  if (!parsed.success || result.fieldErrors.passwordConfirm) return result;
  try {
    rememberSignedIn(await trpcClient.auth.register.mutate(parsed.data));
  } catch (error) {
    return failedForm(error, FIELDS);
  }
  // A new user lands on their mailbox.
  return redirect(safeNextPath(formString(form, "next")) ?? "/mail");
}

export function Component() {
  const { t, locale } = useI18n();
  const w = useEntryWords();
  const message = useMessage();
  useDocumentTitle(w("register.title"));
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [searchParams] = useSearchParams();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(formRef, result);
  const data = useLoaderData<typeof loader>();
  const [username, setUsername] = useState(data?.invitation?.valid ? (data.invitation.username ?? "") : "");
  const [password, setPassword] = useState("");

  const busy = navigation.state !== "idle" && navigation.formMethod?.toLowerCase() === "post";
  const next = safeNextPath(searchParams.get("next"));
  const errors = result?.fieldErrors ?? {};
  const error = (field: RegisterField) => {
    const m = errors[field];
    return m && message(m);
  };
  const alert = result?.formError ? message(result.formError) : Object.keys(errors).length ? t("form.checkFields") : null;
  const localPart = username.trim().toLowerCase();
  const domain = data?.domain ?? null;
  const texts = MODE_TEXTS[locale];
  const invitation = data?.invitation ?? null;
  const presetName = invitation?.valid ? invitation.username : null;
  // No form that would fail: closed, or invite-only without a usable invitation, says so instead.
  const blocked = data?.mode === "closed" ? texts.closed : data?.mode === "invite" && !invitation?.valid ? (invitation?.problem ? texts[invitation.problem as ModeText] ?? texts.inviteOnly : texts.inviteOnly) : null;
  const invitationNote = !blocked && invitation ? (invitation.valid ? texts.invitation : texts[invitation.problem as ModeText] ?? null) : null;

  return (
    <AuthShell
      heading={w("register.heading")}
      intro={w("register.intro")}
      footer={
        <>
          {w("register.haveAccount")}{" "}
          <Link to={next ? `/login?next=${encodeURIComponent(next)}` : "/login"} className={linkClass}>
            {w("register.toLogin")}
          </Link>
        </>
      }
    >
      {blocked ? (
        <p role="status" className="rounded-lg border border-gray-200 bg-gray-50 p-4 text-sm text-gray-800">
          {blocked}
        </p>
      ) : (
      <Form method="post" ref={formRef} noValidate className="space-y-5" aria-busy={busy}>
        <FormAlert message={alert ?? (error("invitation") || null)} />
        {invitationNote && (
          <p role="status" className="text-sm text-gray-700">
            {invitationNote}
          </p>
        )}
        {next && <input type="hidden" name="next" value={next} />}
        {invitation?.valid && data?.token && <input type="hidden" name="invitation" value={data.token} />}
        <Field
          name="username"
          label={w("register.username.label")}
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          {...(presetName ? { defaultValue: presetName, readOnly: true } : {})}
          onChange={(e) => setUsername(e.currentTarget.value)}
          error={error("username")}
          hint={
            <>
              {w("register.username.hint")}
              {localPart && (
                <span className="mt-1 block font-medium text-gray-800">
                  {w("register.username.preview", { address: `${localPart}@${domain ?? "…"}` })}
                </span>
              )}
            </>
          }
        />
        <Field
          name="displayName"
          label={w("register.displayName.label")}
          optional
          autoComplete="name"
          hint={w("register.displayName.hint")}
          error={error("displayName")}
        />
        <Field
          name="password"
          type="password"
          label={w("register.password.label")}
          autoComplete="new-password"
          required
          onChange={(e) => setPassword(e.currentTarget.value)}
          describedBy="password-rules"
          error={error("password")}
          // A rule already red in the checklist is not repeated under the field.
          errorShownElsewhere={password.length > 0 && checkPassword(password, username).some((r) => !r.ok)}
        >
          <PasswordChecklist id="password-rules" password={password} username={username} />
        </Field>
        <Field
          name="passwordConfirm"
          type="password"
          label={w("register.passwordConfirm.label")}
          autoComplete="new-password"
          required
          error={error("passwordConfirm")}
        />
        <SubmitButton busy={busy} label={w("register.submit")} busyLabel={w("register.submitting")} />
      </Form>
      )}
    </AuthShell>
  );
}
