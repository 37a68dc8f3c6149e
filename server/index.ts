// Starts the server: validated configuration, services, HTTP, graceful shutdown.
import path from "node:path";
import { loadConfig } from "./env";
import { buildApp } from "./http/app";
import { createLogger } from "./logger";
import { createServices } from "./create-services";

export async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const services = createServices(config, logger);
  const app = await buildApp(services, { clientDir: path.resolve("dist/client") });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => process.exit(1), 10_000).unref();
    await app.close();
    services.db.close();
    clearTimeout(timer);
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));

  await app.listen({ host: config.HOST, port: config.PORT });
  logger.info(
    { url: `http://${config.HOST}:${config.PORT}`, demo: config.demo, database: config.DATABASE_PATH },
    config.demo ? "Platform Mail is running in DEMO mode" : "Platform Mail is running",
  );
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("server/index.ts")) {
  main().catch((error: unknown) => {
    process.stderr.write(`Platform Mail failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
