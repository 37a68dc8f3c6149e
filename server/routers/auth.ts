import { TRPCError } from "@trpc/server";
import {
  ChangePasswordSchema,
  LoginSchema,
  PublicUserSchema,
  RegisterSchema,
  type PublicUser,
} from "../../shared/schemas/auth";
import { checkPassword } from "../../shared/password-policy";
import { UsernameTakenError, type AccountRow } from "../auth/accounts";
import { dummyPasswordHash, hashPassword, verifyPassword } from "../auth/password";
import { RateLimitedError } from "../auth/rate-limit";
import type { Context } from "../context";
import { fieldError, protectedProcedure, publicProcedure, router, tooManyRequests } from "../trpc";

function toPublicUser(row: AccountRow, mailDomain: string): PublicUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: `${row.username}@${mailDomain}`,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

async function limited<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RateLimitedError) throw tooManyRequests(error);
    throw error;
  }
}

/** "ada" or "ada@<our domain>" → "ada"; an address in another domain matches nobody. */
function usernameFromLogin(login: string, mailDomain: string): string | null {
  const at = login.lastIndexOf("@");
  if (at === -1) return login;
  return login.slice(at + 1) === mailDomain ? login.slice(0, at) : null;
}

function ensureNotUsername(ctx: Context, field: string, password: string, username: string) {
  const rule = checkPassword(password, username).find((r) => r.rule === "notUsername");
  if (rule && !rule.ok) throw fieldError("BAD_REQUEST", field, rule.code);
}

export const authRouter = router({
  register: publicProcedure
    .input(RegisterSchema)
    .output(PublicUserSchema)
    .mutation(async ({ ctx, input }) => {
      await limited(() => ctx.limits.register(ctx.ip));
      if (ctx.accounts.findByUsername(input.username)) throw fieldError("CONFLICT", "username", "username.taken");
      const passwordHash = await hashPassword(input.password);
      const signUp = ctx.db.transaction(() => {
          const account = ctx.accounts.insert({
            username: input.username,
            displayName: input.displayName || null,
            passwordHash,
          });
          const { cookie } = ctx.sessions.createSync(account.id);
          // SEAM (issue 4): the mailbox record is created here, in the same transaction, and the
          // mailbox is provisioned in Mailcow right after commit.
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
      return toPublicUser(result.account, ctx.mailDomain);
    }),

  login: publicProcedure
    .input(LoginSchema)
    .output(PublicUserSchema)
    .mutation(async ({ ctx, input }) => {
      await limited(() => ctx.limits.loginAllowed(ctx.ip, input.login));
      const username = usernameFromLogin(input.login, ctx.mailDomain);
      const account = username ? ctx.accounts.findByUsername(username) : null;
      // The same work and the same answer for an unknown user and a wrong password.
      const ok = await verifyPassword(account?.password_hash ?? (await dummyPasswordHash()), input.password);
      if (!account || !ok) {
        await limited(() => ctx.limits.loginFailed(ctx.ip, input.login));
        throw new TRPCError({ code: "UNAUTHORIZED", message: "auth.invalidCredentials" });
      }
      await ctx.limits.loginSucceeded(input.login);
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
    return account ? toPublicUser(account, ctx.mailDomain) : null;
  }),

  changePassword: protectedProcedure.input(ChangePasswordSchema).mutation(async ({ ctx, input }) => {
    const account = ctx.accounts.findById(ctx.user.id);
    if (!account) throw new TRPCError({ code: "UNAUTHORIZED", message: "auth.required" });
    await limited(() => ctx.limits.loginAllowed(ctx.ip, account.username));
    if (!(await verifyPassword(account.password_hash, input.currentPassword))) {
      await limited(() => ctx.limits.loginFailed(ctx.ip, account.username));
      throw fieldError("BAD_REQUEST", "currentPassword", "auth.wrongPassword");
    }
    ensureNotUsername(ctx, "newPassword", input.newPassword, account.username);
    ctx.accounts.setPasswordHash(account.id, await hashPassword(input.newPassword));
    // Every other session is signed out; this browser gets a fresh session.
    await ctx.sessions.invalidateUserSessions(account.id);
    const { cookie } = await ctx.sessions.create(account.id);
    ctx.cookies.set(cookie);
    return { ok: true as const };
  }),
});
