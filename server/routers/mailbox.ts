import { TRPCError } from "@trpc/server";
import { mailboxReasonText } from "../../shared/i18n/mailbox";
import {
  CheckLoginResultSchema,
  CheckLoginSchema,
  ClientSettingsSchema,
  CreateMailboxSchema,
  LivePasswordPolicySchema,
  MailboxInfoSchema,
  UpdateMailboxPasswordSchema,
} from "../../shared/schemas/mailbox";
import { checkMailboxLogin } from "../mailbox/check-login";
import { clientSettings } from "../mailbox/client-settings";
import { assertMailboxPassword } from "../mailbox/password-checks";
import { mailboxInfo } from "../mailbox/view";
import { isMailcowError } from "../mailcow";
import { fieldError, protectedProcedure, publicProcedure, router } from "../trpc";
import type { Context } from "../context";

/** Maps a Mailcow failure during a user's request to an honest answer. */
function mailcowFailure(ctx: Context, error: unknown, field: string): TRPCError {
  if (isMailcowError(error)) {
    if (error.kind === "rejected" && (error.messageKey === "password_complexity" || error.messageKey === "password_mismatch")) {
      return fieldError("BAD_REQUEST", field, "password.mailRejected");
    }
    if (error.kind === "unauthorized") {
      // Our API key, not the user: log it for the operator, tell the user it is temporary.
      ctx.logger.error({ kind: error.kind, reason: error.reason }, "Mailcow refused the platform's API key");
    }
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "mailbox.mailcowUnavailable", cause: error });
  }
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error });
}

const CREATABLE = new Set(["needs_password", "failed", "none"]);

export const mailboxRouter = router({
  /** State, live figures, mail-app settings, demo flag. */
  info: protectedProcedure.output(MailboxInfoSchema).query(({ ctx }) => mailboxInfo(ctx, ctx.user.id, ctx.user.username, ctx.locale)),

  /** Creates the mailbox (or tries again) with a password the user gives: for needs_password, failed or none. */
  create: protectedProcedure
    .input(CreateMailboxSchema)
    .output(MailboxInfoSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.limits.userAction(ctx.user.id, "mailbox.create");
      const current = await mailboxInfo(ctx, ctx.user.id, ctx.user.username, ctx.locale);
      if (current.state === "active" || current.state === "provisioning") return current;
      if (current.state === "pending") {
        ctx.provisioner.kick(ctx.user.id);
      } else if (!CREATABLE.has(current.state)) {
        const reason = current.reason ? mailboxReasonText(current.reason, ctx.locale) : current.state;
        throw new TRPCError({ code: "PRECONDITION_FAILED", message: `${current.reasonText ?? reason}` });
      } else {
        await assertMailboxPassword(ctx, "password", input.password, ctx.user.username);
        const restarted =
          current.state === "none"
            ? (ctx.provisioner.enqueueSignup(ctx.user.id, current.address, input.password), true)
            : ctx.provisioner.restart(ctx.user.id, current.state === "failed" ? "failed" : "needs_password", input.password);
        if (restarted) await ctx.provisioner.runNow(ctx.user.id, ctx.config.PROVISIONING_SIGNUP_DEADLINE_MS);
      }
      ctx.liveMailboxes.invalidate(current.address);
      return mailboxInfo(ctx, ctx.user.id, ctx.user.username, ctx.locale);
    }),

  /** "Retry now" for a pending mailbox. */
  retry: protectedProcedure.output(MailboxInfoSchema).mutation(async ({ ctx }) => {
    await ctx.limits.userAction(ctx.user.id, "mailbox.retry");
    if (ctx.provisioner.kick(ctx.user.id)) await ctx.provisioner.runNow(ctx.user.id, ctx.config.PROVISIONING_SIGNUP_DEADLINE_MS);
    return mailboxInfo(ctx, ctx.user.id, ctx.user.username, ctx.locale);
  }),

  /** Changes the mailbox password only (not the account's), and clears Mailcow's forced change. */
  updatePassword: protectedProcedure
    .input(UpdateMailboxPasswordSchema)
    .output(MailboxInfoSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.limits.userAction(ctx.user.id, "mailbox.updatePassword");
      const row = ctx.provisioner.store.get(ctx.user.id);
      if (!row || row.state !== "active") throw new TRPCError({ code: "PRECONDITION_FAILED", message: "mailbox.notActive" });
      await assertMailboxPassword(ctx, "newPassword", input.newPassword, ctx.user.username);
      try {
        await ctx.mailcow.editMailbox(row.address, { password: input.newPassword, forcePwUpdate: false });
      } catch (error) {
        throw mailcowFailure(ctx, error, "newPassword");
      }
      ctx.liveMailboxes.invalidate(row.address);
      ctx.logger.info({ userId: ctx.user.id }, "mailbox password changed");
      return mailboxInfo(ctx, ctx.user.id, ctx.user.username, ctx.locale);
    }),

  /** The webmail URL and the mail-app settings (the original GET /mailbox/webmail-url). */
  webmailUrl: protectedProcedure.output(ClientSettingsSchema).query(({ ctx }) => {
    const address = ctx.provisioner.store.get(ctx.user.id)?.address ?? `${ctx.user.username}@${ctx.mailDomain}`;
    return clientSettings(ctx.endpoints, address);
  }),

  /**
   * "Check my login": an IMAP login to the mail host the Mail page names, with the user's own address and this
   * password; answers ok / wrong_password / unreachable / tls_error and the time it took. Rate-limited per user.
   */
  checkLogin: protectedProcedure
    .input(CheckLoginSchema)
    .output(CheckLoginResultSchema)
    .mutation(({ ctx, input }) => {
      const address = ctx.provisioner.store.get(ctx.user.id)?.address ?? `${ctx.user.username}@${ctx.mailDomain}`;
      return checkMailboxLogin(ctx, ctx.user.id, address, input.password);
    }),

  /** Mailcow's live password policy, for the forms' checklist. */
  passwordPolicy: publicProcedure.output(LivePasswordPolicySchema).query(async ({ ctx }) => {
    return ctx.passwordPolicy.toPublic(await ctx.passwordPolicy.get());
  }),
});
