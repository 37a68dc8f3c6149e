// What the mailbox service answers instead of throwing: a value, or a problem with a code. Only the routers turn a
// problem into a tRPC error (server/routers/problems.ts), so the business code knows nothing of HTTP or tRPC.
import type { MailSettingsCode } from "../../shared/i18n/mail-settings";
import type { ValidationCode } from "../../shared/i18n/validation";

export type MailboxProblem =
  /**
   * A refusal that belongs to one form field, with a validation code: bad input (Mailcow's password policy), a name
   * that is taken (conflict), or nothing the user can change right now (unavailable: the domain is full).
   */
  | { kind: "field"; field: string; code: ValidationCode | MailSettingsCode; params?: Record<string, string | number>; status?: "conflict" | "unavailable" }
  /** The action needs an active mailbox that this user owns. */
  | { kind: "not_active" }
  /** The mailbox cannot be created now (conflict, deleting…): `reasonText` says why in the user's language. */
  | { kind: "not_creatable"; reasonText: string }
  /** Mailcow could not be asked (or refused our API key): temporary, nothing the user did. */
  | { kind: "mailcow_unavailable"; cause: unknown }
  | { kind: "unexpected"; cause: unknown };

export type Result<T> = { ok: true; value: T } | { ok: false; problem: MailboxProblem };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(problem: MailboxProblem): Result<T> => ({ ok: false, problem });
