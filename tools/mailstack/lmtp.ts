// Just enough LMTP (RFC 2033) to drop a message into a mailstack mailbox: for the e2e suite and
// `npm run mailstack -- deliver <address>`. One recipient, one message, dot-stuffed, CRLF line ends.
import { randomUUID } from "node:crypto";
import { connect } from "node:net";

export interface LmtpMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
}

export class LmtpError extends Error {}

/** Resolves with the server's answer to the end of DATA (e.g. "250 2.0.0 <ada@example.test> … Saved"). */
export function deliverLmtp(target: { host?: string; port: number }, message: LmtpMessage, timeoutMs = 10_000): Promise<string> {
  const body = [
    `From: <${message.from}>`,
    `To: <${message.to}>`,
    `Subject: ${message.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${randomUUID()}@mailstack.invalid>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    ...message.text.split(/\r?\n/).map((line) => (line.startsWith(".") ? `.${line}` : line)),
  ].join("\r\n");
  const steps: { send: string | null; expect: string }[] = [
    { send: null, expect: "220" },
    { send: "LHLO mailstack.invalid", expect: "250" },
    { send: `MAIL FROM:<${message.from}>`, expect: "250" },
    { send: `RCPT TO:<${message.to}>`, expect: "250" },
    { send: "DATA", expect: "354" },
    { send: `${body}\r\n.`, expect: "250" },
    { send: "QUIT", expect: "221" },
  ];
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host ?? "127.0.0.1", port: target.port });
    socket.setTimeout(timeoutMs, () => fail(new LmtpError(`LMTP timed out after ${timeoutMs} ms`)));
    let buffer = "";
    let step = 0;
    let delivered = "";
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.on("error", fail);
    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let end: number;
      while ((end = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        // Multi-line replies ("250-…") end with the line whose code is followed by a space.
        if (/^\d{3}-/.test(line)) continue;
        const current = steps[step];
        if (!current) continue;
        if (!line.startsWith(current.expect)) return fail(new LmtpError(`LMTP: expected ${current.expect}, got "${line}"`));
        if (step === 5) delivered = line;
        step++;
        const next = steps[step];
        if (!next) {
          socket.end();
          return resolve(delivered);
        }
        socket.write(`${next.send}\r\n`);
      }
    });
  });
}
