// The inbox procedures: the signed-in user's own active mailbox over IMAP (read, flag, move, search) and SMTP
// submission (send), with the platform's own app password (server/inbox/platform.ts). Every call first checks the
// mailbox is active and carries the user's tag; sending and searching are rate-limited; sending is audited (the
// recipients' count and the subject's length, never the text).
import {
  MailListInputSchema,
  MailMessageInputSchema,
  MailMessageSchema,
  MessagePageSchema,
  FolderInfoSchema,
  MoveInputSchema,
  SearchInputSchema,
  SendInputSchema,
  SendResultSchema,
  SetFlagsInputSchema,
  type MailMessage,
} from "../../shared/schemas/mail";
import { z } from "zod";
import { inboxTrpcError } from "../inbox/errors";
import { defaultAttachmentUrl } from "../inbox/inbox";
import { loadMessageRendering } from "../on-demand";
import type { Context } from "../context";
import { protectedProcedure, router } from "../trpc";
import { toTrpcError } from "./problems";

type SignedIn = Context & { user: NonNullable<Context["user"]> };

/** Runs an inbox operation for the signed-in user's own active mailbox; failures become honest tRPC errors. */
async function withInbox<T>(ctx: SignedIn, operation: (userId: string) => Promise<T>): Promise<T> {
  const userId = ctx.user.id;
  // The short live cache answers here; creating or replacing the credential asks Mailcow afresh.
  const owned = await ctx.mailboxes.ownedMailbox(userId, { fresh: false });
  if (!owned.ok) throw toTrpcError(owned.problem);
  try {
    return await ctx.inbox.run(userId, () => operation(userId));
  } catch (error) {
    throw inboxTrpcError(error);
  }
}

/** The origin the message document may load the platform's images from: APP_ORIGIN, else the page's own. */
function selfOrigin(ctx: SignedIn, given: string | undefined): string {
  if (ctx.config.APP_ORIGIN) return new URL(ctx.config.APP_ORIGIN).origin;
  try {
    return given ? new URL(given).origin : `http://${ctx.config.HOST}:${ctx.config.PORT}`;
  } catch {
    return `http://${ctx.config.HOST}:${ctx.config.PORT}`;
  }
}

export const mailRouter = router({
  /** Folders: Inbox, Sent, Drafts, Trash, Junk, then the user's own; with message and unread counts. */
  folders: protectedProcedure.output(z.array(FolderInfoSchema)).query(({ ctx }) => withInbox(ctx, (userId) => ctx.inbox.inbox.folders(userId))),

  /** One page of a folder, newest first (50 at most); `cursor` = the previous page's `nextCursor`. */
  list: protectedProcedure
    .input(MailListInputSchema)
    .output(MessagePageSchema)
    .query(({ ctx, input }) => withInbox(ctx, (userId) => ctx.inbox.inbox.list(userId, input.folder, { cursor: input.cursor, limit: input.limit }))),

  /**
   * A message for reading: headers, the sanitised HTML as an iframe document with its own CSP (remote images only
   * with `showImages`) or, for a message without HTML, its plain text; attachments with their download URLs (read
   * from the message's structure, fetched only when downloaded). Does not change \Seen.
   */
  message: protectedProcedure
    .input(MailMessageInputSchema)
    .output(MailMessageSchema)
    .query(({ ctx, input }) =>
      withInbox(ctx, async (userId): Promise<MailMessage> => {
        const view = await ctx.inbox.inbox.message(userId, input.folder, input.uid, { allowRemoteImages: input.showImages === true });
        const { buildSrcdoc } = await loadMessageRendering();
        let html = view.html;
        if (html !== null) {
          // Inline images load inside the sandboxed document, which sends no session cookie: a token names them. Only
          // the parts shown inline can be in the HTML (each rewrite copies the whole document).
          const token = ctx.inbox.imageTokens.sign(userId, input.folder, input.uid);
          for (const attachment of view.attachments) {
            if (!attachment.inline) continue;
            const url = defaultAttachmentUrl(input.folder, input.uid, attachment.part);
            html = html.split(`"${url}"`).join(`"${url}?inline=1&amp;t=${token}"`);
          }
        }
        return {
          folder: view.folder,
          uid: view.uid,
          seen: view.seen,
          size: view.size,
          subject: view.subject,
          from: view.from,
          to: view.to,
          cc: view.cc,
          replyTo: view.replyTo,
          date: view.date,
          messageId: view.messageId,
          listId: view.listId,
          text: view.text,
          srcdoc: html === null ? null : buildSrcdoc(html, { selfOrigin: selfOrigin(ctx, input.origin), allowRemoteImages: view.remote.allowed, lang: ctx.locale }),
          remote: view.remote,
          attachments: view.attachments.map((a) => ({
            part: a.part,
            filename: a.filename,
            contentType: a.contentType,
            size: a.size,
            inline: a.inline,
            url: defaultAttachmentUrl(input.folder, input.uid, a.part),
          })),
        };
      }),
    ),

  /** Marks messages read (seen: true) or unread. */
  setFlags: protectedProcedure
    .input(SetFlagsInputSchema)
    .mutation(async ({ ctx, input }) => {
      await withInbox(ctx, (userId) => ctx.inbox.inbox.setFlags(userId, input.folder, input.uids, input.seen));
      return { ok: true as const };
    }),

  /** Moves messages to a role ("trash", "junk", "inbox", …) or folder; Trash → Trash deletes them for good. */
  move: protectedProcedure
    .input(MoveInputSchema)
    .output(z.object({ moved: z.number(), deleted: z.boolean(), to: z.string() }))
    .mutation(({ ctx, input }) => withInbox(ctx, (userId) => ctx.inbox.inbox.move(userId, input.folder, input.uids, input.to))),

  /** IMAP SEARCH in From, Subject and the body; the newest 50 matches. Rate-limited per user. */
  search: protectedProcedure
    .input(SearchInputSchema)
    .output(MessagePageSchema)
    .query(async ({ ctx, input }) => {
      await ctx.limits.userAction(ctx.user.id, "mail.search");
      return withInbox(ctx, (userId) => ctx.inbox.inbox.search(userId, input.folder, input.query));
    }),

  /** Sends a plain-text message as the user (SMTP submission), a copy kept in Sent. Rate-limited and audited. */
  send: protectedProcedure
    .input(SendInputSchema)
    .output(SendResultSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.limits.userAction(ctx.user.id, "mail.send");
      const audit = (result: "ok" | "failed", detail: Record<string, unknown>) =>
        ctx.audit.record({
          actorId: ctx.user.id,
          actorName: ctx.user.username,
          action: "mail.send",
          targetUserId: ctx.user.id,
          result,
          // Never the text or the subject: how many recipients, whether it was a reply.
          detail: { recipients: input.to.length + (input.cc?.length ?? 0), reply: input.inReplyTo !== undefined, ...detail },
          ip: ctx.ip,
        });
      try {
        const sent = await withInbox(ctx, (userId) =>
          ctx.inbox.send(userId, { to: input.to, cc: input.cc, subject: input.subject, text: input.text, inReplyTo: input.inReplyTo }, ctx.locale),
        );
        audit("ok", { rejected: sent.rejected.length });
        return { accepted: sent.accepted, rejected: sent.rejected, savedToSent: sent.sentFolder !== null };
      } catch (error) {
        audit("failed", { error: error instanceof Error ? error.message : "unknown" });
        throw error;
      }
    }),

  /**
   * Unread messages in the Inbox, for the navigation. null when there is nothing to count yet: the mailbox is not
   * active, or the inbox was never opened (the platform's app password is created by opening it, not by this poll).
   */
  unreadCount: protectedProcedure.output(z.object({ unread: z.number().nullable() })).query(async ({ ctx }) => {
    const credential = ctx.inbox.credentials.status(ctx.user.id);
    if (!credential || credential.brokenAt !== null) return { unread: null };
    const owned = await ctx.mailboxes.ownedMailbox(ctx.user.id, { fresh: false });
    if (!owned.ok) return { unread: null };
    return { unread: await withInbox(ctx, (userId) => ctx.inbox.inbox.unreadCount(userId)) };
  }),
});
