// Sending as the user: SMTP submission (nodemailer) with the user's own credential (the same IMAP+SMTP app password the
// pool uses), plain text, for a reply the quoted original with In-Reply-To/References, and the sent copy appended to
// the Sent folder over IMAP (Mailcow's Postfix keeps no copy of submitted mail). A refused login counts towards the
// failed-login budget and marks the credential broken, exactly like an IMAP one.
import { randomUUID } from "node:crypto";
import { simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer";
import { InboxError, type ImapPool } from "./imap-pool";
import type { Inbox } from "./inbox";

export interface SmtpServer {
  host: string;
  port: number;
  security: "ssl" | "starttls" | "none";
  /** PEM of an extra CA to trust (MAIL_TLS_CA_FILE). */
  ca?: string;
  /** TLS server name when `host` is an IP address the certificate does not name (e.g. "localhost" for the mailstack). */
  servername?: string;
  timeoutMs?: number;
}

export interface SendInput {
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  /** The message replied to: quoted below the text, In-Reply-To/References set, flagged \Answered after sending. */
  inReplyTo?: { folder: string; uid: number };
}

export interface SendResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** Where the sent copy was stored (null when appending failed; the message was sent all the same). */
  sentFolder: string | null;
  sentUid: number | null;
}

export interface SenderOptions {
  smtp: SmtpServer;
  pool: ImapPool;
  inbox: Inbox;
  /** The display name put before the user's address in From (optional). */
  displayName?: (userId: string) => Promise<string | null>;
  /** The time zone of the "… wrote:" line of a quote. */
  timeZone?: string;
  /** Where a failure to store the sent copy is reported (the send itself succeeded). */
  onSentCopyError?: (userId: string, error: unknown) => void;
}

const WROTE = {
  ru: (when: string, who: string) => `${when}, ${who} пишет:`,
  en: (when: string, who: string) => `On ${when}, ${who} wrote:`,
};

export type QuoteLocale = keyof typeof WROTE;

/** The original quoted below a reply: a "… wrote:" line, then every line prefixed with "> ". */
export function quoteOriginal(original: { from: string; date: Date | null; text: string }, locale: QuoteLocale = "ru", timeZone = "UTC"): string {
  const when = original.date
    ? new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", { dateStyle: "medium", timeStyle: "short", timeZone }).format(original.date)
    : "";
  const lines = original.text.replace(/\r\n/g, "\n").replace(/\n+$/, "").split("\n");
  return `${WROTE[locale](when, original.from)}\n${lines.map((line) => (line.startsWith(">") ? `>${line}` : `> ${line}`)).join("\n")}\n`;
}

function smtpError(error: unknown): { auth: boolean; rejected: boolean } {
  const e = error as { code?: unknown; responseCode?: unknown } | null;
  const responseCode = typeof e?.responseCode === "number" ? e.responseCode : 0;
  return { auth: e?.code === "EAUTH" || responseCode === 535, rejected: e?.code === "EENVELOPE" || (responseCode >= 550 && responseCode < 560) };
}

export function createSender({ smtp, pool, inbox, displayName, timeZone = "UTC", onSentCopyError }: SenderOptions) {
  return {
    async send(userId: string, input: SendInput, { locale = "ru" }: { locale?: QuoteLocale } = {}): Promise<SendResult> {
      const credentials = await pool.credentialsFor(userId);
      const address = credentials.user;
      const name = (await displayName?.(userId)) ?? null;
      const domain = address.split("@")[1] ?? "localhost";

      let text = input.text;
      const headers: Record<string, string> = {};
      if (input.inReplyTo) {
        const original = await simpleParser(await inbox.source(userId, input.inReplyTo.folder, input.inReplyTo.uid), { skipTextToHtml: true, skipImageLinks: true });
        const from = original.from?.value[0];
        const who = from ? (from.name ? `${from.name} <${from.address}>` : (from.address ?? "")) : "";
        text = `${text.replace(/\s+$/, "")}\n\n${quoteOriginal({ from: who, date: original.date ?? null, text: original.text ?? "" }, locale, timeZone)}`;
        if (original.messageId) {
          const earlier = original.references === undefined ? [] : Array.isArray(original.references) ? original.references : [original.references];
          headers["In-Reply-To"] = original.messageId;
          // The last 20 are plenty for threading and keep the header bounded.
          headers.References = [...earlier, original.messageId].slice(-20).join(" ");
        }
      }

      const messageId = `<${randomUUID()}@${domain}>`;
      const raw = await new MailComposer({
        from: name ? { name, address } : address,
        to: input.to,
        cc: input.cc && input.cc.length > 0 ? input.cc : undefined,
        subject: input.subject,
        text,
        messageId,
        date: new Date(),
        headers,
      })
        .compile()
        .build();

      const transport = nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.security === "ssl",
        requireTLS: smtp.security === "starttls",
        ignoreTLS: smtp.security === "none",
        tls: { ...(smtp.ca ? { ca: smtp.ca } : {}), ...(smtp.servername ? { servername: smtp.servername } : {}) },
        auth: { user: credentials.user, pass: credentials.pass },
        connectionTimeout: smtp.timeoutMs ?? 10_000,
        greetingTimeout: smtp.timeoutMs ?? 10_000,
        socketTimeout: 60_000,
      });
      let accepted: string[];
      let rejected: string[];
      try {
        const info = await transport.sendMail({ envelope: { from: address, to: [...input.to, ...(input.cc ?? [])] }, raw });
        accepted = info.accepted.map(String);
        rejected = info.rejected.map(String);
      } catch (error) {
        const kind = smtpError(error);
        if (kind.auth) {
          await pool.reportLoginFailure(userId);
          throw new InboxError("auth_failed", "The mail server refused the mailbox credential for sending", { cause: error });
        }
        if (kind.rejected) throw new InboxError("rejected", "The mail server refused the message or its recipients", { cause: error });
        throw new InboxError("unreachable", "The mail server cannot be reached for sending", { cause: error });
      } finally {
        transport.close();
      }

      let sentFolder: string | null = null;
      let sentUid: number | null = null;
      try {
        const stored = await inbox.appendTo(userId, "sent", raw, ["\\Seen"]);
        sentFolder = stored.path;
        sentUid = stored.uid;
        if (input.inReplyTo) await inbox.markAnswered(userId, input.inReplyTo.folder, [input.inReplyTo.uid]);
      } catch (error) {
        onSentCopyError?.(userId, error);
      }
      return { messageId, accepted, rejected, sentFolder, sentUid };
    },
  };
}

export type Sender = ReturnType<typeof createSender>;
