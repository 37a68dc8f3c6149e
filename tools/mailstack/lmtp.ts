// Delivery into mailstack mailboxes over LMTP (RFC 2033) with nodemailer's LMTP transport: for the e2e suite, the
// SMTP submission service and `npm run mailstack -- deliver <address> [--file message.eml]`.
import nodemailer, { type Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";

/** A simple text message built here, or a ready message (`raw`, e.g. an .eml file) delivered byte for byte. */
export type LmtpMessage =
  | { from: string; to: string | string[]; subject: string; text: string }
  | { from: string; to: string | string[]; raw: Buffer | string };

export class LmtpError extends Error {}

/** One message on a transport: the server's answer, or LmtpError when a recipient is refused or delivery fails. */
async function sendOn(transport: Transporter<SMTPTransport.SentMessageInfo>, message: LmtpMessage): Promise<string> {
  const to = Array.isArray(message.to) ? message.to : [message.to];
  try {
    const info = await transport.sendMail(
      "raw" in message
        ? { envelope: { from: message.from, to }, raw: message.raw }
        : { from: message.from, to, subject: message.subject, text: message.text, envelope: { from: message.from, to } },
    );
    if (info.rejected.length > 0) throw new LmtpError(`LMTP refused ${info.rejected.join(", ")}: ${info.response}`);
    return info.response;
  } catch (error) {
    if (error instanceof LmtpError) throw error;
    throw new LmtpError(`LMTP delivery failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** nodemailer speaking LMTP in clear text to the mailstack (loopback), with one timeout for every step. */
function lmtpTransport(target: { host?: string; port: number }, timeoutMs: number, pool: { pool: true; maxConnections: number; maxMessages: number } | null = null) {
  return nodemailer.createTransport({
    ...pool,
    lmtp: true,
    host: target.host ?? "127.0.0.1",
    port: target.port,
    secure: false,
    ignoreTLS: true,
    name: "mailstack.invalid",
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
}

/**
 * Resolves with the server's answer to the end of DATA (e.g. "250 2.0.0 <ada@example.test> … Saved"); rejects with
 * LmtpError when any recipient is refused.
 */
export async function deliverLmtp(target: { host?: string; port: number }, message: LmtpMessage, timeoutMs = 10_000): Promise<string> {
  const transport = lmtpTransport(target, timeoutMs);
  try {
    return await sendOn(transport, message);
  } finally {
    transport.close();
  }
}

export interface LmtpSession {
  /** Delivers one message on one of the session's open connections (as `deliverLmtp`). */
  deliver(message: LmtpMessage): Promise<string>;
  close(): void;
}

/**
 * Many messages over a few LMTP connections kept open (nodemailer's pool: one LMTP transaction after another on each
 * connection, RSET between): for filling a mailbox with thousands of messages, where a connection per message would
 * cost more than the delivery itself.
 */
export function openLmtpSession(target: { host?: string; port: number }, { connections = 4, timeoutMs = 30_000 } = {}): LmtpSession {
  const transport = lmtpTransport(target, timeoutMs, { pool: true, maxConnections: connections, maxMessages: Number.POSITIVE_INFINITY });
  return {
    deliver: (message) => sendOn(transport, message),
    close: () => transport.close(),
  };
}
