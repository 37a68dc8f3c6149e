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
} from "../../shared/schemas/auth";
import { checkPassword } from "../../shared/password-policy";
import { UsernameTakenError, type AccountRow } from "../auth/accounts";
import { guardSignup, hashInQueue, verifyLogin } from "../auth/login-guard";
import { hashPassword, verifyPassword } from "../auth/password";
import { assertMailboxPassword } from "../mailbox/password-checks";
import { isMailcowError } from "../mailcow";
import type { Services } from "../services";
import { fieldError, protectedProcedure, publicProcedure, router } from "../trpc";

function toPublicUser(row: AccountRow, mailDomain: string): PublicUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: `${row.username}@${mailDomain}`,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function ensureNotUsername(field: string, password: string, username: string) {
  const rule = checkPassword(password, username).find((r) => r.rule === "notUsername");
  if (rule && !rule.ok) throw fieldError("BAD_REQUEST", field, rule.code);
}

/** Resolves with `fallback` if `work` has not settled within `ms` (the work itself goes on). */
async function within<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timeout: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<T>((resolve) => (timeout = setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    clearTimeout(timeout);
  }
}

/**
 * True when the address already exists in Mailcow as a mailbox or an alias (this platform creates mailboxes only
 * for new accounts, so any existing one is somebody else's). Unknown (Mailcow down or slow) counts as free: the
 * provisioning worker looks again before every add and reports a conflict instead of taking the mailbox over.
 */
async function takenInMailcow(services: Services, address: string, deadlineMs: number): Promise<boolean> {
  const check = Promise.all([services.mailcow.getMailbox(address), services.mailcow.getAlias(address)]).then(
    ([mailbox, alias]) => mailbox !== null || alias !== null,
    (error: unknown) => {
      services.logger.warn({ kind: isMailcowError(error) ? error.kind : "unknown" }, "sign-up: could not check the address in Mailcow");
      return false;
    },
  );
  return within(check, deadlineMs, false);
}

const RegisterResultSchema = PublicUserSchema.extend({
  mailbox: z.object({ state: MailboxStateSchema, reason: MailboxReasonSchema.nullable() }),
});

export const authRouter = router({
  register: publicProcedure
    .input(RegisterSchema)
    .output(RegisterResultSchema)
    .mutation(async ({ ctx, input }) => {
      if ((await guardSignup(ctx, ctx.ip, input.username, ctx.config.RESERVED_USERNAMES)).reserved) {
        throw fieldError("BAD_REQUEST", "username", "username.reserved");
      }
      if (ctx.accounts.findByUsername(input.username)) throw fieldError("CONFLICT", "username", "username.taken");
      // One deadline covers the checks against Mailcow and the first attempt: sign-up answers in about that time.
      const deadline = ctx.config.PROVISIONING_SIGNUP_DEADLINE_MS;
      const startedAt = ctx.now();
      const address = `${input.username}@${ctx.mailDomain}`;
      // NOTE: refusing existing Mailcow addresses stops a newcomer from taking over, say, the director's
      // mailbox by signing up with its name and then "changing its password".
      const [taken] = await Promise.all([
        takenInMailcow(ctx, address, deadline / 2),
        assertMailboxPassword(ctx, "password", input.password, input.username, deadline / 2),
      ]);
      if (taken) throw fieldError("CONFLICT", "username", "username.takenInMail");
      const passwordHash = await hashInQueue(ctx.limits, ctx.ip, input.password);
      const signUp = ctx.db.transaction(() => {
          const account = ctx.accounts.insert({
            username: input.username,
            displayName: input.displayName || null,
            passwordHash,
          });
          const { cookie } = ctx.sessions.createSync(account.id);
          // The mailbox job is part of the account: both exist, or neither. The worker leaves it alone
          // until the sign-up attempt below has had its chance.
          ctx.provisioner.enqueueSignup(account.id, address, input.password, startedAt + deadline);
          return { account, cookie };
      });
      let result: ReturnType<typeof signUp>;
      try {
        result = signUp.immediate();
      } catch (error) {
        if (error instanceof UsernameTakenError) throw fieldError("CONFLICT", "username", "username.taken");
        throw error;
      }
      ctx.cookies.set(result.cookie);
      ctx.logger.info({ userId: result.account.id, username: result.account.username }, "account registered");
      // Try to create the mailbox right away; whatever happens, the account stands and the row says why.
      const mailbox = await ctx.provisioner.runNow(result.account.id, Math.max(0, deadline - (ctx.now() - startedAt)));
      return {
        ...toPublicUser(result.account, ctx.mailDomain),
        mailbox: { state: mailbox?.state ?? "provisioning", reason: mailbox?.reason ?? null },
      };
    }),

  login: publicProcedure
    .input(LoginSchema)
    .output(PublicUserSchema)
    .mutation(async ({ ctx, input }) => {
      // Budgets are taken before argon2 runs, and given back on success (server/auth/login-guard.ts).
      const account = await verifyLogin(ctx, ctx.ip, input.login, input.password);
      if (!account) throw new TRPCError({ code: "UNAUTHORIZED", message: "auth.invalidCredentials" });
      // A new session id on every sign-in; the one this browser had (if any) is dropped.
      if (ctx.session) await ctx.sessions.invalidate(ctx.session.id);
      const { cookie } = await ctx.sessions.create(account.id);
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
    await ctx.limits.loginAllowed(ctx.ip, account.username);
    if (!(await verifyPassword(account.password_hash, input.currentPassword))) {
      await ctx.limits.loginFailed(ctx.ip, account.username);
      throw fieldError("BAD_REQUEST", "currentPassword", "auth.wrongPassword");
    }
    ensureNotUsername("newPassword", input.newPassword, account.username);
    ctx.accounts.setPasswordHash(account.id, await hashPassword(input.newPassword));
    // Every other session is signed out; this browser gets a fresh session.
    await ctx.sessions.invalidateUserSessions(account.id);
    const { cookie } = await ctx.sessions.create(account.id);
    ctx.cookies.set(cookie);
    return { ok: true as const };
  }),

  /** Signs out everywhere, disables the mailbox at once and deletes it after the grace period. */
  deleteAccount: protectedProcedure.input(DeleteAccountSchema).mutation(async ({ ctx, input }) => {
    const account = ctx.accounts.findById(ctx.user.id);
    if (!account || account.deleted_at !== null) throw new TRPCError({ code: "UNAUTHORIZED", message: "auth.required" });
    await ctx.limits.userAction(account.id, "auth.deleteAccount");
    await ctx.limits.loginAllowed(ctx.ip, account.username);
    if (!(await verifyPassword(account.password_hash, input.password))) {
      await ctx.limits.loginFailed(ctx.ip, account.username);
      throw fieldError("BAD_REQUEST", "password", "auth.wrongPassword");
    }
    ctx.db.transaction(() => {
      ctx.accounts.markDeleted(account.id, ctx.now());
      const address = ctx.provisioner.store.get(account.id)?.address ?? `${account.username}@${ctx.mailDomain}`;
      ctx.provisioner.store.startDeletion(account.id, address, ctx.now(), ctx.now() + ctx.config.ACCOUNT_DELETION_GRACE_HOURS * 3_600_000);
    })();
    await ctx.sessions.invalidateUserSessions(account.id);
    ctx.cookies.set(ctx.sessions.blankCookie());
    ctx.logger.info({ userId: account.id }, "account deletion started");
    // Disable the mailbox now (best effort within the sign-up deadline; the worker retries otherwise).
    await ctx.provisioner.runNow(account.id, ctx.config.PROVISIONING_SIGNUP_DEADLINE_MS);
    return { ok: true as const };
  }),
});
