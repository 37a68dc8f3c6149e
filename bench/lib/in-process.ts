// The platform's services in this process (no HTTP server), pointed at a benchmark emulator answering every call after
// MAILCOW_LATENCY_MS: what the drain and import benchmarks run the production worker on.
import path from "node:path";
import { pino } from "pino";
import { createServices } from "../../server/create-services";
import type { Services } from "../../server/services";
import { parseEnv } from "../../server/env";
import type { MailcowEmulator } from "../../tools/mailcow-emulator/index";
import { benchEmulator, DOMAIN, MAILCOW_LATENCY_MS, tempDir } from "./environment";

/** The Mailcow calls a provisioning attempt makes one after the other: look-up, alias look-up, add, read-back. */
export const CALLS_PER_ATTEMPT = 4;

export interface InProcessPlatform {
  emulator: MailcowEmulator;
  services: Services;
  /** The ideal time for `people` mailboxes: N × calls per attempt × latency ÷ concurrency, in seconds. */
  idealSeconds(people: number): number;
  /** When the last mailbox became active (ms since the epoch). */
  lastProvisionedAt(): number;
  close(): Promise<void>;
}

export async function startInProcessPlatform({ name, concurrency, env = {} }: { name: string; concurrency: number; env?: Record<string, string> }): Promise<InProcessPlatform> {
  const emulator = await benchEmulator(MAILCOW_LATENCY_MS);
  const dir = tempDir(name);
  const parsed = parseEnv({
    NODE_ENV: "development",
    DATA_DIR: dir,
    DATABASE_PATH: path.join(dir, "platform.db"),
    MAILCOW_API_URL: emulator.url,
    MAILCOW_API_KEY: emulator.apiKey,
    MAILCOW_DOMAIN: DOMAIN,
    PROVISIONING_CONCURRENCY: String(concurrency),
    ...env,
  });
  if (!parsed.ok) {
    await emulator.close();
    throw new Error(parsed.problems.join("; "));
  }
  // The production logger's cost (a line per state change) without the noise on the terminal.
  const logger = pino({ level: "info" }, pino.destination({ dest: "/dev/null", sync: true }));
  const services = createServices(parsed.config, logger, { mailcow: { baseUrl: emulator.url, apiKey: emulator.apiKey } });
  return {
    emulator,
    services,
    idealSeconds: (people) => (people * CALLS_PER_ATTEMPT * MAILCOW_LATENCY_MS) / concurrency / 1000,
    lastProvisionedAt: () => (services.db.prepare("SELECT MAX(provisioned_at) AS last FROM mailbox").get() as { last: number }).last,
    async close() {
      await services.provisioner.stop();
      services.db.close();
      await emulator.close();
    },
  };
}
