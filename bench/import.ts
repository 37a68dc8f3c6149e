// A 1,000-person direct import (admin.import.start, mode direct) against the Mailcow emulator answering every call
// after 50 ms, with the production worker (PROVISIONING_CONCURRENCY, default 4): time from the start until the last
// imported mailbox is active and every account exists, divided by the ideal N × calls per person × latency ÷
// concurrency. Calls per person are the four a provisioning attempt makes one after the other (look-up, alias
// look-up, add, read-back: bench/drain.ts); the import's own look at Mailcow (three calls per file) and the one-time
// passwords' argon2 hashes are local overhead that counts against the ratio.
import { MAILCOW_LATENCY_MS, sleep } from "./lib/environment";
import { startInProcessPlatform } from "./lib/in-process";

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
  const platform = await startInProcessPlatform({ name: "import", concurrency, env: { RECONCILE_INTERVAL_MINUTES: "0" } });
  const { emulator, services } = platform;
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
    const seconds = (Math.max(platform.lastProvisionedAt(), started + accountsSeconds * 1000) - started) / 1000;
    const idealSeconds = platform.idealSeconds(people);
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
    await platform.close();
  }
}
