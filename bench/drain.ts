// Draining a backlog: 1,000 mailboxes pending and due (what an outage leaves once their backoff has passed), Mailcow
// healthy again with 50 ms per call, the production worker (PROVISIONING_CONCURRENCY, default 4) started — time
// until the last one is active, divided by the ideal N × (Mailcow calls per attempt × latency) ÷ concurrency.
//
// "Ideal" counts the four calls an attempt must make one after the other — mailbox look-up, alias look-up, add,
// read-back (docs/provisioning.md: look before every add, active only after a read-back) — so it is the time a
// perfect scheduler with zero local overhead needs at that concurrency. Mailcow's peak number of concurrent
// requests (the emulator's stats().maxConcurrent) must not exceed the configured concurrency.
import { CALLS_PER_ATTEMPT, startInProcessPlatform } from "./lib/in-process";
import { BENCH_PASSWORD, DOMAIN, MAILCOW_LATENCY_MS, sleep } from "./lib/environment";

export { CALLS_PER_ATTEMPT };

export interface DrainResult {
  jobs: number;
  concurrency: number;
  latencyMs: number;
  seconds: number;
  idealSeconds: number;
  ratio: number;
  mailcowMaxConcurrent: number;
  mailcowRequests: number;
}

export async function benchDrain({ jobs = 1000, concurrency = 4 } = {}): Promise<DrainResult> {
  const platform = await startInProcessPlatform({ name: "drain", concurrency });
  const { emulator, services } = platform;
  try {
    // The backlog: accounts whose mailboxes failed while Mailcow was down and are due now. One argon2 hash is
    // reused (it plays no part here).
    const passwordHash = await (await import("../server/auth/password")).hashPassword(BENCH_PASSWORD);
    const t0 = Date.now();
    services.db.transaction(() => {
      for (let i = 0; i < jobs; i++) {
        const account = services.accounts.insert({ username: `drain${i}`, displayName: null, passwordHash });
        services.provisioner.enqueueSignup(account.id, `drain${i}@${DOMAIN}`, BENCH_PASSWORD, t0);
      }
      services.db.prepare("UPDATE mailbox SET state = 'pending', reason = 'mailcow_unreachable', attempts = 1").run();
    })();
    emulator.reset(); // zeroes the statistics; the emulator has no mailboxes either way
    emulator.setLatency(MAILCOW_LATENCY_MS);

    const started = Date.now();
    services.provisioner.start();
    const active = () => services.provisioner.store.counts().active ?? 0;
    while (active() < jobs) {
      if (Date.now() - started > 10 * 60_000) throw new Error(`the drain did not finish: ${JSON.stringify(services.provisioner.store.counts())}`);
      await sleep(50);
    }
    const seconds = (platform.lastProvisionedAt() - started) / 1000;
    const idealSeconds = platform.idealSeconds(jobs);
    const stats = emulator.stats();
    return {
      jobs,
      concurrency,
      latencyMs: MAILCOW_LATENCY_MS,
      seconds,
      idealSeconds,
      ratio: seconds / idealSeconds,
      mailcowMaxConcurrent: stats.maxConcurrent,
      mailcowRequests: stats.requests,
    };
  } finally {
    await platform.close();
  }
}
