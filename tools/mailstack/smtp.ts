// The mailstack's SMTP submission service (smtp-server): STARTTLS with the mailstack's certificate, AUTH PLAIN/LOGIN
// required and checked by the mailstack's Dovecot itself (`doveadm auth test` with service=smtp), so main passwords
// and protocol-scoped app passwords behave exactly as for IMAP. The envelope sender must be the signed-in user.
// Recipients in the passwd-file are delivered into Dovecot over LMTP; other domains go to the outbox directory
// (<id>.eml + <id>.json) for the demo to show; an unknown user of a local domain is refused at RCPT.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from "smtp-server";
import { deliverLmtp } from "./lmtp";

export interface SubmissionOptions {
  port: number;
  host?: string;
  /** The IMAP-style banner token the start-up check waits for. */
  banner: string;
  certFile: string;
  keyFile: string;
  passwdFile: string;
  outboxDir: string;
  lmtpPort: number;
  doveadm: { binary: string; config: string };
  /** Largest message accepted (bytes). Default 25 MiB. */
  maxBytes?: number;
  log?: (line: string) => void;
}

/** Asks Dovecot whether `user`/`pass` may use `service` (the password goes over stdin, never on a command line). */
export function dovecotAuth(doveadm: { binary: string; config: string }, user: string, pass: string, service: string): Promise<boolean> {
  if (/[\r\n\0]/.test(pass) || /[\s\0]/.test(user) || user === "") return Promise.resolve(false);
  return new Promise((resolve) => {
    // detached: a new session without a terminal, so doveadm reads the password from stdin rather than /dev/tty.
    const child = spawn(doveadm.binary, ["-c", doveadm.config, "auth", "test", "-x", `service=${service}`, "-x", "rip=127.0.0.1", user], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
    });
    child.on("error", () => resolve(false));
    child.on("exit", (code) => resolve(code === 0));
    child.stdin.end(`${pass}\n`);
  });
}

/** The passwd-file's users (lower case) and their domains, read fresh for every recipient. */
function localUsers(passwdFile: string): { users: Set<string>; domains: Set<string> } {
  let text = "";
  try {
    text = readFileSync(passwdFile, "utf8");
  } catch {
    // no users yet
  }
  const users = new Set(text.split("\n").map((line) => line.split(":")[0]!.trim().toLowerCase()).filter((user) => user.includes("@")));
  return { users, domains: new Set([...users].map((user) => user.slice(user.lastIndexOf("@") + 1))) };
}

type SmtpError = Error & { responseCode?: number };
const smtpError = (code: number, message: string): SmtpError => Object.assign(new Error(message), { responseCode: code });

export function createSubmissionServer(options: SubmissionOptions): SMTPServer {
  const log = options.log ?? (() => {});
  const kinds = new Map<string, Map<string, "local" | "external">>();
  const server = new SMTPServer({
    name: "localhost",
    banner: options.banner,
    secure: false,
    key: readFileSync(options.keyFile),
    cert: readFileSync(options.certFile),
    // Like a real submission port: AUTH only after STARTTLS, and nothing without AUTH.
    allowInsecureAuth: false,
    authOptional: false,
    authMethods: ["PLAIN", "LOGIN"],
    size: options.maxBytes ?? 25 * 1024 * 1024,
    disabledCommands: [],
    logger: false,
    onAuth(auth, session, callback) {
      const user = (auth.username ?? "").trim().toLowerCase();
      void dovecotAuth(options.doveadm, user, auth.password ?? "", "smtp").then((ok) => {
        log(`auth ${ok ? "ok" : "refused"} user=${JSON.stringify(user)} session=${session.id}`);
        if (ok) callback(null, { user });
        else callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
      });
    },
    onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, callback) {
      if (address.address.toLowerCase() !== String(session.user)) {
        log(`sender refused from=${JSON.stringify(address.address)} user=${JSON.stringify(session.user)}`);
        return callback(smtpError(553, `5.7.1 Sender address rejected: not owned by ${String(session.user)}`));
      }
      kinds.set(session.id, new Map());
      callback();
    },
    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback) {
      const rcpt = address.address.toLowerCase();
      const { users, domains } = localUsers(options.passwdFile);
      const kind = users.has(rcpt) ? "local" : domains.has(rcpt.slice(rcpt.lastIndexOf("@") + 1)) ? null : "external";
      if (!kind) return callback(smtpError(550, `5.1.1 <${rcpt}>: Recipient address rejected: User unknown`));
      kinds.get(session.id)?.set(rcpt, kind);
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const rcpts = kinds.get(session.id) ?? new Map<string, "local" | "external">();
        kinds.delete(session.id);
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return callback(smtpError(552, "5.3.4 Message too big"));
        const raw = Buffer.concat(chunks);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
        const local = [...rcpts].filter(([, kind]) => kind === "local").map(([rcpt]) => rcpt);
        const external = [...rcpts].filter(([, kind]) => kind === "external").map(([rcpt]) => rcpt);
        void (async () => {
          if (local.length > 0) await deliverLmtp({ port: options.lmtpPort }, { from, to: local, raw });
          if (external.length > 0) {
            mkdirSync(options.outboxDir, { recursive: true });
            const id = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID().slice(0, 8)}`;
            writeFileSync(path.join(options.outboxDir, `${id}.eml`), raw);
            writeFileSync(path.join(options.outboxDir, `${id}.json`), `${JSON.stringify({ from, to: external, receivedAt: new Date().toISOString(), bytes: raw.length }, null, 2)}\n`);
          }
          log(`accepted from=${from} local=${local.join(",")} outbox=${external.join(",")} bytes=${raw.length}`);
        })().then(
          () => callback(null, "2.0.0 Ok: queued"),
          (error: unknown) => {
            log(`delivery failed: ${error instanceof Error ? error.message : String(error)}`);
            callback(smtpError(451, "4.3.0 Local delivery failed, try again later"));
          },
        );
      });
    },
    onClose(session) {
      kinds.delete(session.id);
    },
  });
  server.on("error", (error) => log(`error: ${error.message}`));
  return server;
}
