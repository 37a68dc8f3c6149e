// The only initTRPC call. Routers take their base procedures from here.
import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import { isMailSettingsCode, mailSettingsMessage } from "../shared/i18n/mail-settings";
import { DEFAULT_LOCALE, isValidationCode, validationMessage, type Locale } from "../shared/i18n/validation";
import { waitInWords } from "../shared/i18n/wait";
import { BusyError, RateLimitedError } from "./auth/rate-limit";
import type { Context } from "./context";

/** A refusal that belongs to one form field (e.g. "username taken"), reported like a zod error. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly code: string,
    readonly params?: Record<string, string | number>,
  ) {
    super(code);
  }
}

export function fieldError(
  code: TRPCError["code"],
  field: string,
  messageCode: string,
  params?: Record<string, string | number>,
): TRPCError {
  return new TRPCError({ code, message: messageCode, cause: new FieldError(field, messageCode, params) });
}

export type FieldErrors = Record<string, string[]>;

/** Words for a code of the shared validation messages or of the mail settings' messages. */
function codeMessage(code: string, locale: Locale, params?: Record<string, string | number>): string {
  return isMailSettingsCode(code) ? mailSettingsMessage(code, locale, params) : validationMessage(code, locale, params);
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error, ctx }) {
    const locale = ctx?.locale ?? DEFAULT_LOCALE;
    let fieldErrors: FieldErrors | null = null;
    if (error.cause instanceof z.core.$ZodError) {
      const flat = z.flattenError(error.cause) as { fieldErrors: Record<string, string[] | undefined>; formErrors: string[] };
      fieldErrors = {};
      for (const [field, codes] of Object.entries(flat.fieldErrors)) {
        if (codes?.length) fieldErrors[field] = codes.map((code) => codeMessage(code, locale));
      }
      if (flat.formErrors.length) fieldErrors._form = flat.formErrors.map((code) => codeMessage(code, locale));
    } else if (error.cause instanceof FieldError) {
      fieldErrors = { [error.cause.field]: [codeMessage(error.cause.code, locale, error.cause.params)] };
    }
    const retryAfterSeconds = error.cause instanceof RateLimitedError ? error.cause.retryAfterSeconds : null;
    let message = shape.message;
    if (fieldErrors) message = Object.values(fieldErrors)[0]?.[0] ?? validationMessage("field.invalid", locale);
    else if (isMailSettingsCode(message)) message = mailSettingsMessage(message, locale);
    else if (isValidationCode(message)) message = validationMessage(message, locale, { wait: waitInWords(retryAfterSeconds ?? 1, locale) });
    else if (error.code === "INTERNAL_SERVER_ERROR") message = validationMessage("server.internal", locale);
    // NOTE: stack traces stay in the server log; they never reach a client.
    const { stack: _stack, ...data } = shape.data;
    return { ...shape, message, data: { ...data, fieldErrors, retryAfterSeconds } };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Any rate-limit refusal thrown inside a procedure becomes TOO_MANY_REQUESTS with the wait in seconds. */
const rateLimits = t.middleware(async function mapRateLimits({ next }) {
  const result = await next();
  if (!result.ok && result.error.cause instanceof RateLimitedError) throw tooManyRequests(result.error.cause);
  return result;
});

export const publicProcedure = t.procedure.use(rateLimits);

export const protectedProcedure = publicProcedure.use(function requireUser({ ctx, next }) {
  if (!ctx.user || !ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "auth.required" });

  return next({ ctx: { ...ctx, user: ctx.user, session: ctx.session } });
});

/** Admin console procedures: a signed-in account with the admin role (granted with `npm run admin -- grant`). */
export const adminProcedure = protectedProcedure.use(function requireAdmin({ ctx, next }) {
  if (!ctx.accounts.isAdmin(ctx.user.id)) throw new TRPCError({ code: "FORBIDDEN", message: "auth.adminOnly" });
  return next();
});

/**
 * Turns a rate-limit refusal into TOO_MANY_REQUESTS with the wait in seconds; a full argon2 queue (the server at
 * capacity, not this client's doing) into SERVICE_UNAVAILABLE, also with Retry-After.
 */
export function tooManyRequests(error: RateLimitedError): TRPCError {
  if (error instanceof BusyError) return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "server.busy", cause: error });
  return new TRPCError({ code: "TOO_MANY_REQUESTS", message: "rateLimit.tooMany", cause: error });
}
