// Inbox failures as tRPC errors: each InboxError kind has its own honest message (ru/en via the validation codes);
// a mailbox problem (not active, not the user's, Mailcow unavailable) goes through the mailbox service's mapping.
import { TRPCError } from "@trpc/server";
import { toTrpcError } from "../routers/problems";
import { InboxError, type InboxErrorKind } from "./imap-pool";
import { InboxMailboxProblem } from "./platform";

const BY_KIND: Record<InboxErrorKind, { code: TRPCError["code"]; message: string }> = {
  auth_failed: { code: "PRECONDITION_FAILED", message: "mail.credentialBroken" },
  credential_broken: { code: "PRECONDITION_FAILED", message: "mail.credentialBroken" },
  unreachable: { code: "SERVICE_UNAVAILABLE", message: "mail.unreachable" },
  busy: { code: "SERVICE_UNAVAILABLE", message: "mail.busy" },
  login_paused: { code: "SERVICE_UNAVAILABLE", message: "mail.loginPaused" },
  not_found: { code: "NOT_FOUND", message: "mail.notFound" },
  too_large: { code: "PAYLOAD_TOO_LARGE", message: "mail.tooLarge" },
  rejected: { code: "BAD_REQUEST", message: "mail.rejected" },
};

/** The tRPC error for an inbox failure; anything else is returned as it is (a 500 with the generic message). */
export function inboxTrpcError(error: unknown): unknown {
  if (error instanceof InboxMailboxProblem) return toTrpcError(error.problem);
  if (error instanceof InboxError) return new TRPCError({ ...BY_KIND[error.kind], cause: error });
  return error;
}

/** The HTTP status of an inbox failure (the attachment route). */
export function inboxHttpStatus(error: unknown): number | null {
  if (error instanceof InboxMailboxProblem) return error.problem.kind === "not_active" ? 409 : 503;
  if (!(error instanceof InboxError)) return null;
  const statuses: Record<InboxErrorKind, number> = {
    auth_failed: 409,
    credential_broken: 409,
    unreachable: 503,
    busy: 503,
    login_paused: 503,
    not_found: 404,
    too_large: 413,
    rejected: 400,
  };
  return statuses[error.kind];
}

export function inboxErrorCode(error: unknown): string {
  if (error instanceof InboxMailboxProblem) return error.problem.kind === "not_active" ? "mailbox.notActive" : "mailbox.mailcowUnavailable";
  if (error instanceof InboxError) return BY_KIND[error.kind].message;
  return "server.internal";
}

