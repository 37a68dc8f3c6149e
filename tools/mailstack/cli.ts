// `npm run mailstack -- start|stop|status|deliver`: the development Dovecot under $DATA_DIR/mailstack. While it runs,
// `npm start` in demo mode backs the Mailcow emulator with it, so mail apps can log in at 127.0.0.1.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../../server/env";
import { DEFAULT_PORTS } from "./config";
import { deliverLmtp } from "./lmtp";
import { runningMailstack, startMailstack, stopMailstack, type Mailstack } from "./mailstack";

const USAGE = `Usage: npm run mailstack -- <command> [options]
  start                 start a throw-away Dovecot under $DATA_DIR/mailstack (127.0.0.1 only)
    --imaps-port <n>    IMAP with TLS (default ${DEFAULT_PORTS.imaps})
    --imap-port <n>     IMAP, STARTTLS optional (default ${DEFAULT_PORTS.imap})
    --lmtp-port <n>     LMTP for delivering test mail (default ${DEFAULT_PORTS.lmtp})
    --smtp-port <n>     SMTP submission, STARTTLS + AUTH (default ${DEFAULT_PORTS.smtp})
  stop                  stop it (by its PIDs)
  status                is it running; ports, files, mail-app settings
  deliver <address>     put a message into a mailbox over LMTP
    --file <message.eml>  deliver this message as it is
    --subject <text>    otherwise a simple text message (default "Hello from the mailstack")
    --text <text>
Needs Debian's dovecot-imapd and dovecot-lmtpd (apt-get install -y dovecot-imapd dovecot-lmtpd) and openssl.`;

function describe(stack: Mailstack): string {
  return [
    `Dovecot is running (pid ${stack.pid}) from ${stack.dir}`,
    `  IMAP (SSL/TLS):   127.0.0.1:${stack.imapsPort}`,
    `  IMAP (STARTTLS):  127.0.0.1:${stack.imapPort}`,
    `  LMTP:             127.0.0.1:${stack.lmtpPort}`,
    `  SMTP (STARTTLS):  127.0.0.1:${stack.smtpPort} (pid ${stack.smtpPid}; AUTH required, sender = the signed-in user)`,
    `  passwd-file:      ${stack.passwdFile}`,
    `  app passwords:    ${stack.appPasswordsFile}`,
    `  outbox:           ${stack.outboxDir} (mail sent to other domains)`,
    `  certificate:      ${stack.certFile} (self-signed: a mail app asks once to accept it)`,
    `  log:              ${stack.logFile}, ${stack.smtpLogFile}`,
    "`npm start` in demo mode now creates real mailboxes here: log in with the full address and the sign-up password.",
  ].join("\n");
}

function portOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`--${name} must be 1–65535, got "${value}"`);
  return port;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "imaps-port": { type: "string" },
      "imap-port": { type: "string" },
      "lmtp-port": { type: "string" },
      "smtp-port": { type: "string" },
      file: { type: "string" },
      subject: { type: "string", default: "Hello from the mailstack" },
      text: { type: "string", default: "This message was delivered over LMTP by `npm run mailstack -- deliver`." },
      help: { type: "boolean", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const dir = path.join(loadConfig().DATA_DIR, "mailstack");
  switch (command) {
    case "start": {
      const stack = await startMailstack({
        dir,
        ports: {
          imaps: portOption(values["imaps-port"], "imaps-port", DEFAULT_PORTS.imaps),
          imap: portOption(values["imap-port"], "imap-port", DEFAULT_PORTS.imap),
          lmtp: portOption(values["lmtp-port"], "lmtp-port", DEFAULT_PORTS.lmtp),
          smtp: portOption(values["smtp-port"], "smtp-port", DEFAULT_PORTS.smtp),
        },
      });
      console.log(describe(stack));
      return 0;
    }
    case "stop": {
      const stack = runningMailstack(dir);
      await stopMailstack(dir);
      console.log(stack ? `Dovecot (pid ${stack.pid}) and SMTP (pid ${stack.smtpPid}) stopped.` : "No mailstack was running.");
      return 0;
    }
    case "status": {
      const stack = runningMailstack(dir);
      console.log(stack ? describe(stack) : `No mailstack is running from ${dir}. Start one: npm run mailstack -- start`);
      return stack ? 0 : 3;
    }
    case "deliver": {
      const stack = runningMailstack(dir);
      if (!stack) throw new Error("No mailstack is running. Start one: npm run mailstack -- start");
      const to = rest[0];
      if (!to?.includes("@")) throw new Error("deliver needs the full address, e.g. npm run mailstack -- deliver ada@example.test");
      const from = "mailstack@example.test";
      const answer = values.file
        ? await deliverLmtp({ port: stack.lmtpPort }, { from, to, raw: readFileSync(values.file) })
        : await deliverLmtp({ port: stack.lmtpPort }, { from, to, subject: values.subject, text: values.text });
      console.log(answer);
      return 0;
    }
    default:
      console.error(`Unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
