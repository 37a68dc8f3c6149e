// The one place where the mailbox service's problems become tRPC errors.
import { TRPCError } from "@trpc/server";
import type { MailboxProblem, Result } from "../mailbox/problems";
import { fieldError } from "../trpc";

const FIELD_STATUS = { invalid: "BAD_REQUEST", conflict: "CONFLICT", unavailable: "SERVICE_UNAVAILABLE" } as const;

export function toTrpcError(problem: MailboxProblem): TRPCError {
  switch (problem.kind) {
    case "field":
      return fieldError(FIELD_STATUS[problem.status ?? "invalid"], problem.field, problem.code, problem.params);
    case "not_active":
      return new TRPCError({ code: "PRECONDITION_FAILED", message: "mailbox.notActive" });
    case "not_creatable":
      return new TRPCError({ code: "PRECONDITION_FAILED", message: problem.reasonText });
    case "mailcow_unavailable":
      return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "mailbox.mailcowUnavailable", cause: problem.cause });
    case "unexpected":
      return new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: problem.cause });
  }
}

/** The value, or the problem thrown as a tRPC error. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw toTrpcError(result.problem);
  return result.value;
}
