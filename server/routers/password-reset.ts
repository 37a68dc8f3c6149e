// auth.passwordReset.*: the public side of an admin-made platform password reset (/reset/:token). The link works
// once, within PASSWORD_RESET_TTL_HOURS; setting the password signs the person out everywhere.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { ResetTokenSchema } from "../../shared/schemas/admin";
import { PasswordSchema } from "../../shared/schemas/auth";
import { checkPassword } from "../../shared/password-policy";
import { adminCore } from "../admin/core";
import { hashInQueue } from "../auth/login-guard";
import { fieldError, publicProcedure, router } from "../trpc";

export const passwordResetRouter = router({
  /** Whether the link can be used, and for which username (shown on the page). */
  check: publicProcedure
    .input(z.object({ token: z.string().max(200) }))
    .output(z.object({ valid: z.boolean(), username: z.string().nullable() }))
    .query(({ ctx, input }) => {
      const parsed = ResetTokenSchema.safeParse(input.token);
      const userId = parsed.success ? adminCore(ctx).passwordResets.userFor(parsed.data) : null;
      const account = userId ? ctx.accounts.findById(userId) : null;
      return account && account.deleted_at === null ? { valid: true, username: account.username } : { valid: false, username: null };
    }),

  complete: publicProcedure
    .input(z.object({ token: ResetTokenSchema, newPassword: PasswordSchema }))
    .output(z.object({ ok: z.literal(true), username: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const resets = adminCore(ctx).passwordResets;
      const userId = resets.userFor(input.token);
      const account = userId ? ctx.accounts.findById(userId) : null;
      if (!account || account.deleted_at !== null) throw new TRPCError({ code: "NOT_FOUND", message: "reset.invalid" });
      const rule = checkPassword(input.newPassword, account.username).find((r) => r.rule === "notUsername");
      if (rule && !rule.ok) throw fieldError("BAD_REQUEST", "newPassword", rule.code);
      const hash = await hashInQueue(ctx.limits, ctx.ip, input.newPassword);
      const used = ctx.db.transaction(() => {
        if (!resets.consume(input.token)) return false;
        ctx.accounts.setPasswordHash(account.id, hash);
        return true;
      })();
      if (!used) throw new TRPCError({ code: "NOT_FOUND", message: "reset.invalid" });
      await ctx.sessions.invalidateUserSessions(account.id);
      ctx.audit.record({ actorId: account.id, actorName: account.username, action: "auth.passwordReset", targetUserId: account.id, result: "ok", ip: ctx.ip });
      return { ok: true as const, username: account.username };
    }),
});
