// Delivery into mailstack mailboxes over LMTP (RFC 2033) with nodemailer's LMTP transport: for the e2e suite, the
// SMTP submission service and `npm run mailstack -- deliver <address> [--file message.eml]`.
import nodemailer from "nodemailer";

/** A simple text message built here, or a ready message (`raw`, e.g. an .eml file) delivered byte for byte. */
export type LmtpMessage =
  | { from: string; to: string | string[]; subject: string; text: string }
  | { from: string; to: string | string[]; raw: Buffer | string };

export class LmtpError extends Error {}

/**
 * Resolves with the server's answer to the end of DATA (e.g. "250 2.0.0 <ada@example.test> … Saved"); rejects with
 * LmtpError when any recipient is refused.
 */
export async function deliverLmtp(target: { host?: string; port: number }, message: LmtpMessage, timeoutMs = 10_000): Promise<string> {
  const transport = nodemailer.createTransport({
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
  } finally {
    transport.close();
  }
}
