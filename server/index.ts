// Starts the server: validated configuration, Mailcow (or the demo emulator), services, worker, HTTP,
// graceful shutdown.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import { createServices, DEMO_DOMAIN, type MailcowConnection } from "./create-services";
import { loadConfig, type AppConfig } from "./env";
import { buildApp } from "./http/app";
import { createLogger } from "./logger";

/** Demo mode: the built-in Mailcow emulator on a loopback port, its state kept under DATA_DIR. */
async function startDemoMailcow(config: AppConfig, logger: Logger) {
  const { startMailcowEmulator } = await import("./mailcow-emulator/index");
  mkdirSync(config.DATA_DIR, { recursive: true });
  const emulator = await startMailcowEmulator({
    host: "127.0.0.1",
    port: 0,
    databasePath: path.join(config.DATA_DIR, "mailcow-emulator.db"),
    domain: config.MAILCOW_DOMAIN ?? DEMO_DOMAIN,
  });
  logger.warn(
    { url: emulator.url, domain: emulator.domain },
    "DEMO MODE: MAILCOW_API_URL is not set, so mailboxes are simulated by the built-in Mailcow emulator",
  );
  return emulator;
}

export async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const emulator = config.demo ? await startDemoMailcow(config, logger) : null;
  const mailcow: MailcowConnection = emulator
    ? { baseUrl: emulator.url, apiKey: emulator.apiKey }
    : { baseUrl: config.MAILCOW_API_URL!, apiKey: config.MAILCOW_API_KEY! };
  const services = createServices(config, logger, { mailcow });
  const app = await buildApp(services, { clientDir: path.resolve("dist/client") });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => process.exit(1), 10_000).unref();
    await app.close();
    await services.provisioner.stop();
    services.db.close();
    await emulator?.close();
    clearTimeout(timer);
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));

  await app.listen({ host: config.HOST, port: config.PORT });
  services.provisioner.start();
  logger.info(
    { url: `http://${config.HOST}:${config.PORT}`, demo: config.demo, database: config.DATABASE_PATH, domain: services.mailDomain },
    config.demo ? "Platform Mail is running in DEMO mode (simulated mailboxes)" : "Platform Mail is running",
  );
}

export function fail(error: unknown): never {
  process.stderr.write(`Platform Mail failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1])) && process.argv[1].endsWith("index.ts")) {
  main().catch(fail);
}
