import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { MailboxReasonSchema, MailboxStateSchema } from "../../shared/schemas/mailbox";
import {
  ChangePasswordSchema,
  DeleteAccountSchema,
  LoginSchema,
  PublicUserSchema,
  RegisterSchema,
  type PublicUser,
  type RegisterInput,
} from "../../shared/schemas/auth";
import { checkPassword } from "../../shared/password-policy";
import { UsernameTakenError, type AccountRow } from "../auth/accounts";
import { verifyCurrentPassword } from "../auth/current-password";
import { guardSignup, hashInQueue, verifyLogin } from "../auth/login-guard";
import { hashPassword } from "../auth/password";
import { adminCore } from "../admin/core";
import type { Context } from "../context";
import { fieldError, protectedProcedure, publicProcedure, router } from "../trpc";
import { passwordResetRouter } from "./password-reset";
import { toTrpcError } from "./problems";
import { seenFrom } from "../auth/sessions-list";
import { accountRouters, requireSecondFactor, setMailboxPassword, totpLoginStep } from "./auth-account";

function toPublicUser(row: AccountRow, mailDomain: string): PublicUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: `${row.username}@${mailDomain}`,
    createdAt: new Date(row.created_at).toISOString(),
    isAdmin: row.role === "admin",
    ...(row.must_change_password ? { mustChangePassword: true } : {}),
  };
}

function ensureNotUsername(field: string, password: string, username: string) {
  const rule = checkPassword(password, username).find((r) => r.rule === "notUsername");
  if (rule && !rule.ok) throw fieldError("BAD_REQUEST", field, rule.code);
}

class InvitationUsedError extends Error {}

/**
 * REGISTRATION_MODE: closed refuses; invite needs a usable invitation (open takes one too, e.g. for a preset name).
 * Answers the invitation token to use in the sign-up transaction, or null.
 */
function checkRegistration(ctx: Context, input: RegisterInput): string | null {
  const mode = ctx.config.REGISTRATION_MODE;
  if (mode === "closed") throw new TRPCError({ code: "FORBIDDEN", message: "registration.closed" });
  if (!input.invitation) {
    if (mode === "invite") throw fieldError("FORBIDDEN", "invitation", "invitation.required");
    return null;
  }
  const checked = adminCore(ctx).invitations.check(input.invitation);
  if (!checked.ok) throw fieldError("BAD_REQUEST", "invitation", checked.problem);
  const preset = checked.invitation.username;
  if (preset && preset !== input.username) throw fieldError("BAD_REQUEST", "username", "invitation.usernameFixed", { username: preset });
  return input.invitation;
}

const RegisterResultSchema = PublicUserSchema.extend({
  mailbox: z.object({ state: MailboxStateSchema, reason: MailboxReasonSchema.nullable() }),
});

export const authRouter = router({
  ...accountRouters,
  passwordReset: passwordResetRouter,
  register: publicProcedure
    .input(RegisterSchema)
    .output(RegisterResultSchema)
    .mutation(async ({ ctx, input }) => {
      const invitation = checkRegistration(ctx, input);
      if ((await guardSignup(ctx, ctx.ip, input.username, ctx.config.RESERVED_USERNAMES)).reserved) {
        throw fieldError("BAD_REQUEST", "username", "username.reserved");
      }
      if (ctx.accounts.findByUsername(input.username)) throw fieldError("CONFLICT", "username", "username.taken");
      // One deadline covers the checks against Mailcow and the first attempt: sign-up answers in about that time.
      const startedAt = ctx.now();
      const problem = await ctx.mailboxes.signUpProblem(input.username, input.password);
      if (problem) throw toTrpcError(problem);
      const passwordHash = await hashInQueue(ctx.limits, ctx.ip, input.password);
      const signUp = ctx.db.transaction(() => {
          const account = ctx.accounts.insert({
            username: input.username,
            displayName: input.displayName || null,
            passwordHash,
          });
          // Used in the same transaction as the account: two sign-ups with one invitation cannot both succeed.
          if (invitation && !adminCore(ctx).invitations.consume(invitation, account.id)) throw new InvitationUsedError();
          const { cookie } = ctx.sessions.createSync(account.id, seenFrom(ctx));
          // The mailbox job is part of the account: both exist, or neither. The worker leaves it alone
          // until the sign-up attempt below has had its chance.
          ctx.mailboxes.enqueueSignup(account.id, account.username, input.password, startedAt + ctx.config.PROVISIONING_SIGNUP_DEADLINE_MS);
          return { account, cookie };
      });
      let result: ReturnType<typeof signUp>;
      try {
        result = signUp.immediate();
      } catch (error) {
        if (error instanceof UsernameTakenError) throw fieldError("CONFLICT", "username", "username.taken");
        if (error instanceof InvitationUsedError) throw fieldError("CONFLICT", "invitation", "invitation.used");
        throw error;
      }
      ctx.cookies.set(result.cookie);
      ctx.logger.info({ userId: result.account.id, username: result.account.username }, "account registered");
      // Try to create the mailbox right away; whatever happens, the account stands and the row says why.
      const mailbox = await ctx.mailboxes.provisionAfterSignUp(result.account.id, startedAt);
      return { ...toPublicUser(result.account, ctx.mailDomain), mailbox };
    }),

  login: publicProcedure
    .input(LoginSchema)
    .output(PublicUserSchema)
    .mutation(async ({ ctx, input }) => {
      // Budgets are taken before argon2 runs, and given back on success (server/auth/login-guard.ts).
      const account = await verifyLogin(ctx, ctx.ip, input.login, input.password, (found) => totpLoginStep(ctx, found.id, input));
      if (!account) throw new TRPCError({ code: "UNAUTHORIZED", message: "auth.invalidCredentials" });
      // A new session id on every sign-in; the one this browser had (if any) is dropped.
      if (ctx.session) await ctx.sessions.invalidate(ctx.session.id);
      const { cookie } = await ctx.sessions.create(account.id, seenFrom(ctx));
      ctx.cookies.set(cookie);
      return toPublicUser(account, ctx.mailDomain);
    }),

  logout: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.session) await ctx.sessions.invalidate(ctx.session.id);
    ctx.cookies.set(ctx.sessions.blankCookie());
    return { ok: true as const };
  }),

  me: publicProcedure.output(PublicUserSchema.nullable()).query(({ ctx }) => {
    if (!ctx.user) return null;
    const account = ctx.accounts.findById(ctx.user.id);
    return account && account.deleted_at === null ? toPublicUser(account, ctx.mailDomain) : null;
  }),

  changePassword: protectedProcedure.input(ChangePasswordSchema).mutation(async ({ ctx, input }) => {
    const account = ctx.accounts.findById(ctx.user.id);
    if (!account) throw new TRPCError({ code: "UNAUTHORIZED", message: "auth.required" });
    await ctx.limits.userAction(account.id, "auth.changePassword");
    if (!(await verifyCurrentPassword(ctx.limits, ctx.ip, account, input.currentPassword))) {
      throw fieldError("BAD_REQUEST", "currentPassword", "auth.wrongPassword");
    }
    ensureNotUsername("newPassword", input.newPassword, account.username);
    if (input.alsoMailbox) await setMailboxPassword(ctx, input.newPassword);
    ctx.accounts.setPasswordHash(account.id, await hashPassword(input.newPassword));
    ctx.accounts.setMustChangePassword(account.id, false);
    // Every other session is signed out; this browser gets a fresh session.
    await ctx.sessions.invalidateUserSessions(account.id);
    const { cookie } = await ctx.sessions.create(account.id, seenFrom(ctx));
    ctx.cookies.set(cookie);
    return { ok: true as const };
  }),

  /** Signs out everywhere, disables the mailbox at once and deletes it after the grace period. */
  deleteAccount: protectedProcedure.input(DeleteAccountSchema).mutation(async ({ ctx, input }) => {
    const account = ctx.accounts.findById(ctx.user.id);
    if (!account || account.deleted_at !== null) throw new TRPCError({ code: "UNAUTHORIZED", message: "auth.required" });
    await ctx.limits.userAction(account.id, "auth.deleteAccount");
    const secondFactor = () => requireSecondFactor(ctx, account.id, input.totp);
    if (!(await verifyCurrentPassword(ctx.limits, ctx.ip, account, input.password, secondFactor))) {
      throw fieldError("BAD_REQUEST", "password", "auth.wrongPassword");
    }
    ctx.db.transaction(() => {
      ctx.accounts.markDeleted(account.id, ctx.now());
      ctx.mailboxes.startDeletion(account.id, account.username);
    })();
    await ctx.sessions.invalidateUserSessions(account.id);
    ctx.cookies.set(ctx.sessions.blankCookie());
    ctx.logger.info({ userId: account.id }, "account deletion started");
    await ctx.mailboxes.disableAfterDeletion(account.id);
    return { ok: true as const };
  }),
});
