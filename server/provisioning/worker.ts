// The provisioning worker: which mailbox job runs when, and never two at once for one mailbox. What one attempt
// does against Mailcow is in attempt.ts; the row (state and job in one) is in store.ts.
// - a lease in the row means two processes never work on one mailbox at once (leases.ts names the owners);
// - at most `concurrency` attempts run at once (p-limit), from sign-up requests and the background loop alike;
// - a mailbox that failed for want of room waits for the domain: one get/domain per PROVISIONING_ROOM_CHECK_MINUTES
//   for all of them, and when the room is there they become jobs again.
// See docs/provisioning.md for the states and transitions.
import pLimit from "p-limit";
import type { Logger } from "pino";
import type { AlertNotifier } from "../alerts/webhook";
import type { Accounts } from "../auth/accounts";
import type { Db } from "../db/open-database";
import { within } from "../lib/deadline";
import { checkRoomFor, type MailcowClient } from "../mailcow";
import { metrics, secondsSince } from "../metrics";
import { createAttempt, type AttemptResult, type AttemptSettings } from "./attempt";
import { newOwner, ownerIsGone } from "./leases";
import type { Sealer } from "./seal";
import { createMailboxStore, type MailboxRow, type StoredState } from "./store";

export { backoffMs, isOwnedBy, ownerTag, PLATFORM_TAG } from "./attempt";
export { ownerIsGone } from "./leases";

export interface ProvisioningSettings extends AttemptSettings {
  concurrency: number;
  pollMs: number;
  /** How long one claimed job may run before another process may take it over. */
  leaseMs: number;
}

export interface ProvisionerDeps {
  db: Db;
  accounts: Pick<Accounts, "purge">;
  mailcow: MailcowClient;
  sealer: Sealer;
  logger: Logger;
  settings: ProvisioningSettings;
  now?: () => number;
  /** Before a deleted account's mailbox (the user's, tag checked) is disabled: revoke the platform's own app passwords. */
  beforeDisable?: (userId: string, address: string) => Promise<unknown>;
  /** Operator alerts: a mailbox that needs a person (failed, conflict) fires once, until it becomes active. */
  alerts?: Pick<AlertNotifier, "notifyOnce" | "clear">;
}

export function createProvisioner({ db, accounts, mailcow, sealer, logger, settings, now = Date.now, beforeDisable, alerts }: ProvisionerDeps) {
  const store = createMailboxStore(db);
  const owner = newOwner();
  const log = logger.child({ component: "provisioning" });
  const attempt = createAttempt({ mailcow, sealer, logger: log, settings, now, beforeDisable });
  const limit = pLimit(settings.concurrency);
  const inFlight = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let roomCheck: Promise<void> | null = null;

  function write(row: MailboxRow, result: AttemptResult) {
    if (result === "removed") {
      // The account and everything hanging off it (sessions, this row) go together, only while we hold the job.
      const removed = db.transaction(() => {
        const current = store.get(row.user_id);
        return current?.lease_owner === owner && current.state === "deleting" && accounts.purge(row.user_id);
      })();
      if (removed) log.info({ userId: row.user_id }, "account and mailbox deleted");
      if (removed) alerts?.clear(`provisioning:${row.user_id}`);
      return;
    }
    const written = store.finish(row.user_id, owner, row.state, result, now());
    if (!written) log.info({ userId: row.user_id }, "the mailbox changed during the attempt; outcome dropped");
    else if (result.state !== row.state || result.state === "active") {
      log.info({ userId: row.user_id, from: row.state, to: result.state, reason: result.reason }, "mailbox state changed");
    }
    if (written) alertOn(row, result);
  }

  /** failed and conflict wait for a person: one alert per mailbox until it becomes active. */
  function alertOn(row: MailboxRow, result: Exclude<AttemptResult, "removed">) {
    const key = `provisioning:${row.user_id}`;
    if (result.state === "active") alerts?.clear(key);
    if (result.state !== "failed" && result.state !== "conflict") return;
    alerts?.notifyOnce(key, {
      kind: "provisioning_needs_person",
      severity: "warning",
      summary: `The mailbox ${row.address} could not be created (${result.state}: ${result.reason ?? "unknown"}); a person is needed`,
      details: { userId: row.user_id, address: row.address, state: result.state, reason: result.reason },
    });
  }

  /** Claims and runs one job in a concurrency slot; resolves when it is done (at once if another worker holds it). */
  function run(userId: string): Promise<void> {
    const current = inFlight.get(userId);
    if (current) return current;
    const job = limit(async () => {
      if (!store.claim(userId, owner, now(), settings.leaseMs)) return;
      try {
        const row = store.get(userId);
        if (!row) return;
        const started = performance.now();
        const result = await attempt(row);
        metrics.provisioningAttempt(row.state === "deleting" ? "delete" : "create", result === "removed" ? "removed" : result.state, secondsSince(started));
        write(row, result);
      } finally {
        store.release(userId, owner);
      }
    }).finally(() => inFlight.delete(userId));
    inFlight.set(userId, job);
    return job;
  }

  /** Mailboxes that failed for want of room: one look at the domain when due; room → they are jobs again. */
  async function lookForRoom(): Promise<void> {
    try {
      store.forgetRoomWaiters(now() - settings.retryWindowMs, now());
      if (!store.roomCheckDue(now())) return;
      store.postponeRoomWaiters(now() + settings.roomCheckMs);
      const domain = await limit(() => mailcow.getDomain(settings.domain));
      if (domain && checkRoomFor(domain, settings.quotaMiB).ok) {
        const woken = store.wakeRoomWaiters(now());
        if (woken) log.info({ mailboxes: woken, domain: settings.domain }, "the domain has room again: retrying the mailboxes that did not fit");
      }
    } catch (error) {
      log.warn({ err: error }, "could not check the domain's room for waiting mailboxes");
    }
  }
  /** One look at a time, shared by the loop and drain(). */
  function checkRoom(): Promise<void> {
    if (!roomCheck) {
      const check = lookForRoom().finally(() => {
        if (roomCheck === check) roomCheck = null;
      });
      roomCheck = check;
    }
    return roomCheck;
  }

  /** Starts due jobs up to twice the concurrency (the rest of the due ones wait for the next tick). */
  function fill() {
    const free = settings.concurrency * 2 - inFlight.size;
    if (free <= 0) return;
    for (const row of store.due(now(), free + inFlight.size)) {
      if (!inFlight.has(row.user_id)) void run(row.user_id).then(() => running && schedule(0));
    }
  }

  function schedule(delayMs: number) {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void checkRoom().finally(() => {
        try {
          fill();
        } catch (error) {
          log.error({ err: error }, "provisioning worker tick failed");
        }
        if (timer) return;
        const next = store.nextDueAt();
        const wait = next === null ? settings.pollMs : Math.min(settings.pollMs, Math.max(0, next - now()));
        schedule(Math.max(wait, 10));
      });
    }, delayMs);
    timer.unref?.();
  }

  /** Frees the leases of workers that died on this host (SIGKILL, OOM, power loss of a container). */
  function releaseDeadLeases(): number {
    let released = 0;
    for (const other of store.leaseOwners()) {
      if (other === owner || !ownerIsGone(other)) continue;
      const jobs = store.releaseOwner(other);
      released += jobs;
      log.warn({ owner: other, jobs }, "released the leases of a worker that is no longer running");
    }
    return released;
  }

  return {
    store,
    owner,
    releaseDeadLeases,
    /** Inside the sign-up transaction: the job exists before the account is visible; the worker waits until `firstAttemptAt`. */
    enqueueSignup(userId: string, address: string, password: string, firstAttemptAt = now(), quotaMiB: number | null = null) {
      store.insert({ userId, address, sealed: sealer.seal(password, userId), now: now(), nextAttemptAt: firstAttemptAt, quotaMiB });
    },
    /** needs_password / failed → provisioning again, with a new password; false if the state moved meanwhile. */
    restart(userId: string, from: StoredState, password: string): boolean {
      return store.restart({ userId, from, sealed: sealer.seal(password, userId), now: now(), nextAttemptAt: now() });
    },
    /**
     * Runs the job now (whether it is due or not) and waits at most `deadlineMs`; the attempt goes on if the deadline
     * passes. When every slot is taken, waiting in line would only hold the user's request behind other people's
     * mailboxes: the job is made due for the worker and the stored state is the answer (docs/benchmarks.md).
     */
    async runNow(userId: string, deadlineMs: number): Promise<MailboxRow | null> {
      if (limit.activeCount + limit.pendingCount >= settings.concurrency && !inFlight.has(userId)) {
        store.makeDue(userId, now());
        if (running) schedule(0);
        return store.get(userId);
      }
      await within(run(userId), deadlineMs, () => undefined);
      return store.get(userId);
    },
    /** New jobs were written (an import): the running worker looks for due jobs now instead of at its next poll. */
    wake() {
      if (running) schedule(0);
    },
    start() {
      if (running) return;
      running = true;
      try {
        releaseDeadLeases();
      } catch (error) {
        log.error({ err: error }, "could not release the leases of dead workers");
      }
      schedule(0);
      log.info({ concurrency: settings.concurrency }, "provisioning worker started");
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await Promise.allSettled([...inFlight.values(), roomCheck]);
    },
    /** Runs every job that is due now (and every job those attempts make due), then returns: nothing is due any more. */
    async drain() {
      for (;;) {
        await checkRoom();
        const rows = store.due(now(), 10_000).filter((row) => !inFlight.has(row.user_id));
        if (rows.length === 0 && inFlight.size === 0) return;
        await Promise.allSettled([...rows.map((row) => run(row.user_id)), ...inFlight.values()]);
      }
    },
  };
}
export type Provisioner = ReturnType<typeof createProvisioner>;
