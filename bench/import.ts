// A 1,000-person direct import (admin.import.start, mode direct) against the Mailcow emulator answering every call
// after 50 ms, with the production worker (PROVISIONING_CONCURRENCY, default 4): time from the start until the last
// imported mailbox is active and every account exists, divided by the ideal N × calls per person × latency ÷
// concurrency. Calls per person are the four a provisioning attempt makes one after the other (look-up, alias
// look-up, add, read-back: bench/drain.ts); the import's own look at Mailcow (three calls per file) and the one-time
// passwords' argon2 hashes are local overhead that counts against the ratio.
import path from "node:path";
import { pino } from "pino";
import { createServices } from "../server/create-services";
import { parseEnv } from "../server/env";
import { CALLS_PER_ATTEMPT } from "./drain";
import { benchEmulator, DOMAIN, MAILCOW_LATENCY_MS, sleep, tempDir } from "./lib/environment";

export interface ImportResult {
  people: number;
  concurrency: number;
  latencyMs: number;
  seconds: number;
  /** Until every account existed (passwords hashed, mailbox jobs queued). */
  accountsSeconds: number;
  idealSeconds: number;
  ratio: number;
  mailcowWrites: number;
  mailcowRequests: number;
  mailcowMaxConcurrent: number;
}

export async function benchImport({ people = 1000, concurrency = 4 } = {}): Promise<ImportResult> {
  const emulator = await benchEmulator(MAILCOW_LATENCY_MS);
  const dir = tempDir("import");
  const parsed = parseEnv({
    NODE_ENV: "development",
    DATA_DIR: dir,
    DATABASE_PATH: path.join(dir, "platform.db"),
    MAILCOW_API_URL: emulator.url,
    MAILCOW_API_KEY: emulator.apiKey,
    MAILCOW_DOMAIN: DOMAIN,
    PROVISIONING_CONCURRENCY: String(concurrency),
    RECONCILE_INTERVAL_MINUTES: "0",
  });
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  const logger = pino({ level: "info" }, pino.destination({ dest: "/dev/null", sync: true }));
  const services = createServices(parsed.config, logger, { mailcow: { baseUrl: emulator.url, apiKey: emulator.apiKey } });
  try {
    const admin = services.accounts.insert({ username: "bench-admin", displayName: null, passwordHash: "x" });
    const csv = ["username,displayName", ...Array.from({ length: people }, (_, i) => `person${i},Person ${i}`)].join("\n");
    emulator.reset();
    emulator.setLatency(MAILCOW_LATENCY_MS);
    services.provisioner.start();

    const started = Date.now();
    const { id } = await services.imports.start(csv, "direct", { id: admin.id, name: "bench-admin", ip: null });
    await services.imports.settled(id);
    const accountsSeconds = (Date.now() - started) / 1000;
    for (;;) {
      const status = services.imports.status(id, { deliverSecrets: false })!;
      if (status.mailboxes.active === people) break;
      if (status.mailboxes.needAttention > 0) throw new Error(`import mailboxes failed: ${JSON.stringify(status.mailboxes)}`);
      if (Date.now() - started > 10 * 60_000) throw new Error(`the import did not finish: ${JSON.stringify(status.mailboxes)}`);
      await sleep(50);
    }
    const { last } = services.db.prepare("SELECT MAX(provisioned_at) AS last FROM mailbox").get() as { last: number };
    const seconds = (Math.max(last, started + accountsSeconds * 1000) - started) / 1000;
    const idealSeconds = (people * CALLS_PER_ATTEMPT * MAILCOW_LATENCY_MS) / concurrency / 1000;
    const stats = emulator.stats();
    return {
      people,
      concurrency,
      latencyMs: MAILCOW_LATENCY_MS,
      seconds,
      accountsSeconds,
      idealSeconds,
      ratio: seconds / idealSeconds,
      mailcowWrites: stats.writes,
      mailcowRequests: stats.requests,
      mailcowMaxConcurrent: stats.maxConcurrent,
    };
  } finally {
    await services.provisioner.stop();
    services.db.close();
    await emulator.close();
  }
}
