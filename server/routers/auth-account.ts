// The account page's procedures, merged into the auth router: auth.sessions.* and auth.totp.*, and the second
// step that auth.login and auth.deleteAccount take when two-factor sign-in is on.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { InvitationTokenSchema, SignupInfoInputSchema, SignupInfoSchema, type SignupInfo } from "../../shared/schemas/admin";
import { adminCore } from "../admin/core";
import {
  RevokeSessionSchema,
  SessionSummarySchema,
  TotpDisableSchema,
  TotpEnableResultSchema,
  TotpEnableSchema,
  TotpSetupSchema,
  TotpStatusSchema,
} from "../../shared/schemas/account";
import { TOTP_REQUIRED } from "../../shared/schemas/auth";
import { verifyCurrentPassword } from "../auth/current-password";
import { deleteOtherSessions, findSessionByHandle, listSessions } from "../auth/sessions-list";
import type { Context } from "../context";
import { fieldError, protectedProcedure, publicProcedure, router } from "../trpc";
import { unwrap } from "./problems";

type SignedIn = Context & { user: NonNullable<Context["user"]>; session: NonNullable<Context["session"]> };

/**
 * The account's password, checked like a sign-in: refused while the name is locked out, a wrong one counts
 * towards the same budget as failed sign-ins.
 */
async function checkAccountPassword(ctx: SignedIn, password: string, field: string, secondStep?: () => Promise<void>) {
  const account = ctx.accounts.findById(ctx.user.id);
  if (!account || account.deleted_at !== null) throw new TRPCError({ code: "UNAUTHORIZED", message: "auth.required" });
  if (!(await verifyCurrentPassword(ctx.limits, ctx.ip, account, password, secondStep))) throw fieldError("BAD_REQUEST", field, "auth.wrongPassword");
  return account;
}

/** A TOTP code (6 digits) or else a recovery code, in one field. */
const asSecondFactor = (code: string | undefined) =>
  code && /^\d{3}\s?\d{3}$/.test(code.trim()) ? { totp: code.replace(/\s/g, "") } : { recoveryCode: code };

/**
 * auth.login's second step, after the password was right: nothing when two-factor sign-in is off or the code is
 * good; otherwise the typed "code required" refusal or a wrong-code refusal (counted like a failed sign-in).
 * Runs before any session exists.
 */
export async function totpLoginStep(ctx: Context, userId: string, input: { login: string; totp?: string | undefined; recoveryCode?: string | undefined }) {
  const result = ctx.totp.check(userId, input);
  if (result === "ok" || result === "not_enabled") return;
  if (result === "missing") throw fieldError(TOTP_REQUIRED.code, TOTP_REQUIRED.field, TOTP_REQUIRED.message);
  // A wrong code keeps the sign-in attempt's points taken (it runs inside the attempt, login-guard.ts).
  throw input.totp ? fieldError("UNAUTHORIZED", "totp", "totp.invalid") : fieldError("UNAUTHORIZED", "recoveryCode", "totp.recoveryInvalid");
}

/** auth.deleteAccount's second factor (a code from the app or a recovery code in `totp`) when it is on. */
export async function requireSecondFactor(ctx: Context, userId: string, code: string | undefined) {
  const result = ctx.totp.check(userId, asSecondFactor(code));
  if (result === "ok" || result === "not_enabled") return;
  if (result === "missing") throw fieldError("BAD_REQUEST", "totp", "auth.totpRequired");
  throw fieldError("BAD_REQUEST", "totp", "totp.invalid");
}

/**
 * "Also set my mailbox password to the same value" of auth.changePassword: exactly what mailbox.updatePassword
 * does (its checks, rate limit, Mailcow call and errors on `newPassword`), by calling that procedure.
 * MERGE POINT: when the mailbox service owns the password change, call it here instead.
 */
/** The account page's "also set my mailbox password": the same service call and limit as mailbox.updatePassword. */
export async function setMailboxPassword(ctx: SignedIn, newPassword: string): Promise<void> {
  await ctx.limits.userAction(ctx.user.id, "mailbox.updatePassword");
  unwrap(await ctx.mailboxes.updatePassword(ctx.user.id, ctx.user.username, newPassword, ctx.locale));
}

export const sessionsRouter = router({
  /** The user's sessions, this one first. */
  list: protectedProcedure.output(z.array(SessionSummarySchema)).query(({ ctx }) => listSessions(ctx.db, ctx.user.id, ctx.session.id, ctx.now())),

  /** Signs out one session (by its handle) or every other one ("others"). */
  revoke: protectedProcedure
    .input(RevokeSessionSchema)
    .output(z.object({ revoked: z.number().int(), signedOut: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      if (input === "others") return { revoked: deleteOtherSessions(ctx.db, ctx.user.id, ctx.session.id), signedOut: false };
      const sessionId = findSessionByHandle(ctx.db, ctx.user.id, input.sessionId);
      if (!sessionId) throw fieldError("NOT_FOUND", "sessionId", "session.notFound");
      await ctx.sessions.invalidate(sessionId);
      const signedOut = sessionId === ctx.session.id;
      if (signedOut) ctx.cookies.set(ctx.sessions.blankCookie());
      ctx.logger.info({ userId: ctx.user.id, own: signedOut }, "session signed out from the account page");
      return { revoked: 1, signedOut };
    }),
});

export const totpRouter = router({
  status: protectedProcedure.output(TotpStatusSchema).query(({ ctx }) => ctx.totp.status(ctx.user.id)),

  /** A new secret for the authenticator app (replacing an unconfirmed one); on only after auth.totp.enable. */
  setup: protectedProcedure.output(TotpSetupSchema).mutation(({ ctx }) => {
    const setup = ctx.totp.setup(ctx.user.id, ctx.mailboxes.address(ctx.user.id, ctx.user.username));
    if (!setup) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "totp.alreadyEnabled" });
    return setup;
  }),

  /** Turns two-factor sign-in on with the account password and a first code; answers the recovery codes once. */
  enable: protectedProcedure
    .input(TotpEnableSchema)
    .output(TotpEnableResultSchema)
    .mutation(async ({ ctx, input }) => {
      let result: ReturnType<typeof ctx.totp.enable> | undefined;
      // The code is checked inside the password's attempt: a wrong code keeps the attempt's points taken.
      await checkAccountPassword(ctx, input.password, "password", async () => {
        result = ctx.totp.enable(ctx.user.id, input.code);
        if (!result.ok && result.reason === "wrong_code") throw fieldError("BAD_REQUEST", "code", "totp.invalid");
      });
      if (!result?.ok) {
        throw fieldError("PRECONDITION_FAILED", "code", result?.reason === "not_set_up" ? "totp.notSetUp" : "totp.alreadyEnabled");
      }
      ctx.logger.info({ userId: ctx.user.id }, "two-factor sign-in enabled");
      return { recoveryCodes: result.recoveryCodes };
    }),

  /** Turns it off with the account password and a code from the app (or a recovery code). */
  disable: protectedProcedure
    .input(TotpDisableSchema)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await checkAccountPassword(ctx, input.password, "password", async () => {
        if (ctx.totp.isEnabled(ctx.user.id) && ctx.totp.check(ctx.user.id, asSecondFactor(input.code)) !== "ok") {
          throw fieldError("BAD_REQUEST", "code", "totp.invalid");
        }
      });
      ctx.totp.disable(ctx.user.id);
      ctx.logger.info({ userId: ctx.user.id }, "two-factor sign-in disabled");
      return { ok: true as const };
    }),
});

/** What the sign-up page may know about an invitation link: usable or why not, and the name it fixes. */
function invitationInfo(ctx: Context, token: string | undefined): SignupInfo["invitation"] {
  if (token === undefined) return null;
  const parsed = InvitationTokenSchema.safeParse(token);
  const checked = parsed.success ? adminCore(ctx).invitations.check(parsed.data) : ({ ok: false, problem: "invitation.invalid" } as const);
  if (!checked.ok) return { valid: false, problem: checked.problem, username: null, displayName: null, expiresAt: null };
  const { username, displayName, expiresAt } = checked.invitation;
  return { valid: true, problem: null, username, displayName, expiresAt };
}

/** What the account page needs besides sessions and two-factor state. */
const AccountSettingsSchema = z.object({ totp: TotpStatusSchema, deletionGraceHours: z.number().int() });

/** Merged into the auth router: auth.sessions.*, auth.totp.*, auth.accountSettings, auth.signupInfo. */
export const accountRouters = {
  /** What the sign-up form shows before there is an account: the domain addresses are made in. */
  signupInfo: publicProcedure
    .input(SignupInfoInputSchema)
    .output(SignupInfoSchema)
    .query(({ ctx, input }) => ({ domain: ctx.mailDomain, mode: ctx.config.REGISTRATION_MODE, invitation: invitationInfo(ctx, input?.invitation) })),
  sessions: sessionsRouter,
  totp: totpRouter,
  accountSettings: protectedProcedure
    .output(AccountSettingsSchema)
    .query(({ ctx }) => ({ totp: ctx.totp.status(ctx.user.id), deletionGraceHours: ctx.config.ACCOUNT_DELETION_GRACE_HOURS })),
};
