// The Mail page's form submissions (create the mailbox, change its password, retry now), checked with
// the shared zod schemas and sent to the mailbox router. Loaded on the first submit (see routes/mail.tsx).
import type { ActionFunctionArgs } from "react-router";
import type { MailboxInfo } from "../../shared/schemas/mailbox";
import { CheckLoginSchema, CreateMailboxSchema, UpdateMailboxPasswordSchema } from "../../shared/schemas/mailbox";
import type { MailActionResult, MailField } from "../components/mail/action-result";
import { failedForm, formString, invalidForm } from "../lib/form-result";
import { queryUtils, trpcClient } from "../trpc";


async function submit(intent: string, call: () => Promise<MailboxInfo>): Promise<MailActionResult> {
  try {
    queryUtils.mailbox.info.setData(undefined, await call());
    return { intent, ok: true, fieldErrors: {}, formError: null };
  } catch (error) {
    return { intent, ok: false, ...failedForm<MailField>(error, ["password", "newPassword", "passwordConfirm"]) };
  }
}

/** The password and its confirmation, checked with the shared schema. */
function checkPassword(form: FormData, field: "password" | "newPassword") {
  const password = formString(form, field);
  const parsed =
    field === "password" ? CreateMailboxSchema.safeParse({ password }) : UpdateMailboxPasswordSchema.safeParse({ newPassword: password });
  const result = parsed.success ? { fieldErrors: {}, formError: null } : invalidForm<MailField>(parsed.error.issues, [field]);
  if (password && formString(form, "passwordConfirm") !== password) result.fieldErrors.passwordConfirm = { validation: "password.mismatch" };
  return { password, problems: Object.keys(result.fieldErrors).length || result.formError ? result : null };
}

export async function mailAction({ request }: ActionFunctionArgs): Promise<MailActionResult> {
  const form = await request.formData();
  const intent = formString(form, "intent");
  switch (intent) {
    case "retry":
      return submit(intent, () => trpcClient.mailbox.retry.mutate());
    case "create": {
      const { password, problems } = checkPassword(form, "password");
      return problems ? { intent, ok: false, ...problems } : submit(intent, () => trpcClient.mailbox.create.mutate({ password }));
    }
    case "password": {
      const { password, problems } = checkPassword(form, "newPassword");
      return problems ? { intent, ok: false, ...problems } : submit(intent, () => trpcClient.mailbox.updatePassword.mutate({ newPassword: password }));
    }
    case "checkLogin": {
      const password = formString(form, "password");
      const parsed = CheckLoginSchema.safeParse({ password });
      if (!parsed.success) return { intent, ok: false, ...invalidForm<MailField>(parsed.error.issues, ["password"]) };
      try {
        return { intent, ok: true, fieldErrors: {}, formError: null, check: await trpcClient.mailbox.checkLogin.mutate(parsed.data) };
      } catch (error) {
        return { intent, ok: false, ...failedForm<MailField>(error, ["password"]) };
      }
    }
    default:
      throw new Response(`Unknown intent "${intent}"`, { status: 400 });
  }
}
