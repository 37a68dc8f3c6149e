// Starts the server: validated configuration, Mailcow (or the demo emulator), services, worker, HTTP,
// graceful shutdown.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { startAuditRetention } from "./admin/core";
import { startSessionSweeper } from "./auth/session-sweeper";
import { createServices, DEMO_DOMAIN, type MailcowConnection } from "./create-services";
import type { DemoMode } from "./mailbox/demo";
import { loadConfig, type AppConfig } from "./env";
import { buildApp } from "./http/app";
import { createLogger, logFormat } from "./logger";
import { lockDatabase } from "./ops/server-lock";
import { createSealer, loadSealingKey } from "./provisioning/seal";
import { checkSealedPasswords } from "./sealing-key-check";

/**
 * Demo mode: the built-in Mailcow emulator on a loopback port, its state kept under DATA_DIR. When a mailstack runs
 * from DATA_DIR/mailstack (`npm run mailstack -- start`), the emulator is backed by its Dovecot, and mail apps (and
 * the login check) are pointed at it: 127.0.0.1, its IMAPS port, its self-signed certificate trusted.
 */
async function startDemoMailcow(config: AppConfig, logger: Logger) {
  const { startMailcowEmulator } = await import("../tools/mailcow-emulator/index");
  const { runningMailstack } = await import("../tools/mailstack/index");
  mkdirSync(config.DATA_DIR, { recursive: true });
  const mailstack = runningMailstack(path.join(config.DATA_DIR, "mailstack"));
  const emulator = await startMailcowEmulator({
    host: "127.0.0.1",
    port: 0,
    databasePath: path.join(config.DATA_DIR, "mailcow-emulator.db"),
    domain: config.MAILCOW_DOMAIN ?? DEMO_DOMAIN,
    ...(mailstack && { dovecot: { passwdFile: mailstack.passwdFile, doveadm: mailstack.doveadm, lastLoginFile: mailstack.lastLoginFile } }),
  });
  logger.warn(
    demoBanner(
      mailstack
        ? [
            "DEMO MODE with the mailstack: MAILCOW_API_URL is not set",
            `Mailcow is the built-in emulator (${emulator.url}, domain ${emulator.domain}); no real Mailcow is touched.`,
            `Mailboxes are real IMAP mailboxes in a local Dovecot: mail apps connect to 127.0.0.1:${mailstack.imapsPort} (SSL/TLS), SMTP submission 127.0.0.1:${mailstack.smtpPort} (STARTTLS).`,
            `Dovecot: pid ${mailstack.pid}, files in ${mailstack.dir}.`,
          ]
        : [
            "DEMO MODE: MAILCOW_API_URL is not set",
            `Mailboxes are simulated by the built-in Mailcow emulator (${emulator.url}, domain ${emulator.domain}).`,
            "Set MAILCOW_API_URL, MAILCOW_API_KEY and MAILCOW_DOMAIN to use a real Mailcow.",
          ],
    ),
  );
  if (!mailstack) {
    // No IMAP server: "check my login" asks the emulator (an active mailbox with this password).
    const checkPassword = (address: string, password: string) => emulator.mailbox(address)?.active === 1 && emulator.checkPassword(address, password);
    return { emulator, config, demoMode: { checkPassword, mailstack: null } satisfies DemoMode };
  }
  const withMailstack: AppConfig = {
    ...config,
    MAIL_HOST: "127.0.0.1",
    MAIL_IMAP_PORT: mailstack.imapsPort,
    MAIL_IMAP_SECURITY: "ssl",
    MAIL_SMTP_PORT: mailstack.smtpPort,
    MAIL_SMTP_SECURITY: "starttls",
    MAIL_TLS_CA_FILE: config.MAIL_TLS_CA_FILE ?? mailstack.certFile,
  };
  // The mailstack serves IMAP, LMTP and SMTP submission (its SMTP process beside Dovecot, when it runs).
  const demoMode: DemoMode = { checkPassword: null, mailstack: { imap: true, lmtp: true, smtp: mailstack.smtpPid > 0 } };
  return { emulator, config: withMailstack, demoMode };
}

/** A title over a framed block of lines, so the demo notice stands out among the log lines. */
function demoBanner([title, ...lines]: [string, ...string[]]): string {
  const width = Math.max(...lines.map((line) => line.length));
  const rule = `+${"-".repeat(width + 2)}+`;
  return [title, rule, ...lines.map((line) => `| ${line.padEnd(width)} |`), rule].join("\n");
}

export async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, logFormat(config));
  // Held while the server runs: `npm run restore` refuses to replace a database in use (and a second server stops).
  const databaseLock = config.DATABASE_PATH === ":memory:" ? null : lockDatabase(config.DATABASE_PATH, "server");
  const demo = config.demo ? await startDemoMailcow(config, logger) : null;
  const emulator = demo?.emulator ?? null;
  const mailcow: MailcowConnection = emulator
    ? { baseUrl: emulator.url, apiKey: emulator.apiKey }
    : { baseUrl: config.MAILCOW_API_URL!, apiKey: config.MAILCOW_API_KEY! };
  const services = createServices(demo?.config ?? config, logger, { mailcow, ...(demo && { demoMode: demo.demoMode }) });
  // The same key createServices loaded (configured, or the development key file in DATA_DIR).
  const sealingKey = loadSealingKey(config.MAILBOX_SECRET_KEY, config.DATA_DIR, config.DATABASE_PATH === ":memory:");
  checkSealedPasswords(services.db, createSealer(sealingKey), logger);
  const app = await buildApp(services, { clientDir: path.resolve("dist/client"), checkMailcowAtStart: true });

  let sweeper: ReturnType<typeof startSessionSweeper> | undefined;
  let auditRetention: ReturnType<typeof startAuditRetention> | undefined;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => process.exit(1), 10_000).unref();
    await app.close();
    sweeper?.stop();
    auditRetention?.stop();
    await services.reconciler.stop();
    await services.imports.settled();
    await services.provisioner.stop();
    await services.inbox.close();
    await services.snapshots.stop();
    services.db.close();
    databaseLock?.release();
    await emulator?.close();
    clearTimeout(timer);
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));

  await app.listen({ host: config.HOST, port: config.PORT });
  services.provisioner.start();
  services.snapshots.start();
  sweeper = startSessionSweeper(services.sessions, logger, config.SESSION_CLEANUP_INTERVAL_MINUTES * 60_000);
  auditRetention = startAuditRetention(services);
  const interrupted = services.imports.failInterrupted();
  if (interrupted) logger.warn({ imports: interrupted }, "CSV imports cut short by the last stop are marked failed");
  services.reconciler.start();
  logger.info(
    { url: `http://${config.HOST}:${config.PORT}`, demo: config.demo, database: config.DATABASE_PATH, domain: services.mailDomain },
    config.demo ? "Platform Mail is running in DEMO mode (see the notice above)" : "Platform Mail is running",
  );
}

export function fail(error: unknown): never {
  process.stderr.write(`Platform Mail failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1])) && process.argv[1].endsWith("index.ts")) {
  main().catch(fail);
}
