// What a route action hands back to its form when it does not redirect: one message per field and
// one for the whole form. Client-side checks keep codes (translated at render time, so they follow a
// language switch); the server's messages arrive already translated (x-platform-locale).
import type { AppRouter } from "../../server/routers/_app";
import type { UiMessage } from "../i18n/types";
import { TRPCClientError } from "@trpc/client";

export interface FormResult<F extends string = string> {
  fieldErrors: Partial<Record<F, UiMessage>>;
  formError: UiMessage | null;
}

interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** zod issues → the first code per field (zod messages in shared schemas are validation codes). */
export function invalidForm<F extends string>(issues: readonly Issue[], fields: readonly F[]): FormResult<F> {
  const fieldErrors: Partial<Record<F, UiMessage>> = {};
  let formError: UiMessage | null = null;
  for (const issue of issues) {
    const field = fields.find((f) => f === issue.path[0]);
    if (field) fieldErrors[field] ??= { validation: issue.message };
    else formError ??= { validation: issue.message };
  }
  return { fieldErrors, formError };
}

/** A failed mutation → messages for the form: the server's per-field errors where a field matches. */
export function failedForm<F extends string>(error: unknown, fields: readonly F[]): FormResult<F> {
  if (!(error instanceof TRPCClientError)) return { fieldErrors: {}, formError: { key: "errors.unexpected" } };
  const { data, message } = error as TRPCClientError<AppRouter>;
  // No `data`: the request never reached tRPC (offline, proxy error page).
  if (!data) {
    const offline = error.cause instanceof TypeError || (typeof navigator !== "undefined" && !navigator.onLine);
    return { fieldErrors: {}, formError: { key: offline ? "errors.network" : "errors.unexpected" } };
  }
  const fieldErrors: Partial<Record<F, UiMessage>> = {};
  let formError: UiMessage | null = null;
  for (const [name, messages] of Object.entries(data.fieldErrors ?? {})) {
    const text = messages[0];
    if (!text) continue;
    const field = fields.find((f) => f === name);
    if (field) fieldErrors[field] ??= { text };
    else formError ??= { text };
  }
  if (!formError && Object.keys(fieldErrors).length === 0) formError = { text: message };
  return { fieldErrors, formError };
}

export function formString(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
