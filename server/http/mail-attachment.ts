// GET /mail/attachment/:folder/:uid/:part — one body part of a message in the signed-in user's own mailbox, as a
// download (Content-Disposition: attachment with an RFC 6266 `filename*` for non-ASCII names, nosniff, the size cap).
// `?inline=1` serves raster images (png, gif, jpeg, webp, bmp) inline, for `cid:` images in the message document;
// the document's sandbox sends no session cookie, so such a request may carry the message's image token (`t`)
// instead, which opens inline raster images of that one message only.
import type { FastifyPluginAsync } from "fastify";
import { DEFAULT_LOCALE, parseLocale, validationMessage } from "../../shared/i18n/validation";
import { LOCALE_HEADER } from "../../shared/constants";
import { inboxErrorCode, inboxHttpStatus } from "../inbox/errors";
import type { Services } from "../services";

const RASTER = /^image\/(?:png|gif|jpeg|pjpeg|webp|bmp)$/i;

/** `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266 / RFC 8187). */
export function contentDisposition(kind: "attachment" | "inline", filename: string): string {
  const clean = filename.replace(/[\r\n\0/\\]/g, "_").trim() || "attachment";
  const ascii = clean.replace(/[^\x20-\x7e]/g, "_").replace(/["%]/g, "_");
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export const mailAttachmentRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get<{ Params: { folder: string; uid: string; part: string }; Querystring: { inline?: string; t?: string } }>(
    "/mail/attachment/:folder/:uid/:part",
    async (req, reply) => {
      const locale = parseLocale(req.headers[LOCALE_HEADER] as string | undefined) ?? DEFAULT_LOCALE;
      const refuse = (status: number, code: string) =>
        reply.code(status).header("cache-control", "no-store").type("text/plain; charset=utf-8").send(`${validationMessage(code, locale)}\n`);
      const { folder, part } = req.params;
      const uid = Number(req.params.uid);
      if (!Number.isSafeInteger(uid) || uid <= 0 || !/^\d+(?:\.\d+)*$/.test(part) || folder === "") return refuse(404, "mail.notFound");
      const wantsInline = req.query.inline === "1";

      const sessionId = req.cookies[services.sessions.cookieName];
      const validated = sessionId ? await services.sessions.validate(sessionId) : null;
      let userId = validated && services.accounts.findById(validated.user.id)?.deleted_at === null ? validated.user.id : null;
      if (!userId && wantsInline && typeof req.query.t === "string") userId = services.inbox.imageTokens.verify(req.query.t, folder, uid);
      if (!userId) return refuse(401, "auth.required");

      const owned = await services.mailboxes.ownedMailbox(userId, { fresh: false });
      if (!owned.ok) return refuse(owned.problem.kind === "not_active" ? 409 : 503, owned.problem.kind === "not_active" ? "mailbox.notActive" : "mailbox.mailcowUnavailable");

      let download;
      try {
        download = await services.inbox.run(userId, () => services.inbox.inbox.attachment(userId, folder, uid, part));
      } catch (error) {
        const status = inboxHttpStatus(error);
        if (status === null) throw error;
        return refuse(status, inboxErrorCode(error));
      }
      const raster = RASTER.test(download.contentType);
      if (wantsInline && !raster && !validated) {
        download.stream.destroy();
        return refuse(404, "mail.notFound");
      }
      const inline = wantsInline && raster;
      reply
        .header("content-type", inline ? download.contentType.toLowerCase() : "application/octet-stream")
        .header("content-disposition", contentDisposition(inline ? "inline" : "attachment", download.filename))
        .header("x-content-type-options", "nosniff")
        .header("cache-control", "private, no-store")
        // Nothing in a served part may run or load anything, should a browser ever render it.
        .header("content-security-policy", "default-src 'none'; sandbox");
      // The message document is sandboxed (an opaque origin): its image loads are cross-origin by definition.
      if (inline) reply.header("cross-origin-resource-policy", "cross-origin");
      download.stream.on("error", (error) => req.log.warn({ err: error }, "attachment stream failed"));
      return reply.send(download.stream);
    },
  );
};
