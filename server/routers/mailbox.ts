// Mailbox procedures: rate limits and input here, everything else in the mailbox service (server/mailbox/service.ts).
import {
  CheckLoginResultSchema,
  CheckLoginSchema,
  ClientSettingsSchema,
  CreateMailboxSchema,
  LivePasswordPolicySchema,
  MailboxInfoSchema,
  UpdateMailboxPasswordSchema,
} from "../../shared/schemas/mailbox";
import { protectedProcedure, publicProcedure, router } from "../trpc";
import { aliasesRouter, appPasswordsRouter, deviceSetupRouter } from "./mail-access";
import { forwardingRouter, spamLevelRouter, vacationRouter } from "./mail-settings";
import { unwrap } from "./problems";

export const mailboxRouter = router({
  /** State, live figures, mail-app settings, demo flag. */
  info: protectedProcedure.output(MailboxInfoSchema).query(({ ctx }) => ctx.mailboxes.info(ctx.user.id, ctx.user.username, ctx.locale)),

  /** Creates the mailbox (or tries again) with a password the user gives: for needs_password, failed or none. */
  create: protectedProcedure
    .input(CreateMailboxSchema)
    .output(MailboxInfoSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.limits.userAction(ctx.user.id, "mailbox.create");
      return unwrap(await ctx.mailboxes.create(ctx.user.id, ctx.user.username, input.password, ctx.locale));
    }),

  /** "Retry now" for a pending mailbox. */
  retry: protectedProcedure.output(MailboxInfoSchema).mutation(async ({ ctx }) => {
    await ctx.limits.userAction(ctx.user.id, "mailbox.retry");
    return ctx.mailboxes.retry(ctx.user.id, ctx.user.username, ctx.locale);
  }),

  /** Changes the mailbox password only (not the account's), and clears Mailcow's forced change. */
  updatePassword: protectedProcedure
    .input(UpdateMailboxPasswordSchema)
    .output(MailboxInfoSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.limits.userAction(ctx.user.id, "mailbox.updatePassword");
      return unwrap(await ctx.mailboxes.updatePassword(ctx.user.id, ctx.user.username, input.newPassword, ctx.locale));
    }),

  /** The webmail URL and the mail-app settings (the original GET /mailbox/webmail-url). */
  webmailUrl: protectedProcedure.output(ClientSettingsSchema).query(({ ctx }) => ctx.mailboxes.settings(ctx.user.id, ctx.user.username)),

  /**
   * "Check my login": an IMAP login to the mail host the Mail page names, with the user's own address and this
   * password; answers ok / wrong_password / unreachable / tls_error and the time it took. Only for the user's own
   * active mailbox; rate-limited per user.
   */
  checkLogin: protectedProcedure
    .input(CheckLoginSchema)
    .output(CheckLoginResultSchema)
    .mutation(async ({ ctx, input }) => unwrap(await ctx.mailboxes.checkLogin(ctx.user.id, input.password))),

  /** Mailcow's live password policy, for the forms' checklist. */
  aliases: aliasesRouter,
  appPasswords: appPasswordsRouter,
  deviceSetup: deviceSetupRouter,

  passwordPolicy: publicProcedure.output(LivePasswordPolicySchema).query(async ({ ctx }) => {
    return ctx.passwordPolicy.toPublic(await ctx.passwordPolicy.get());
  }),

  forwarding: forwardingRouter,
  vacation: vacationRouter,
  spamLevel: spamLevelRouter,
});
