// The mailbox state machine and its worker. Every person who signs up gets exactly one mailbox:
// - the job is the mailbox row itself (created in the sign-up transaction), so no account exists without one;
// - before every add we look the address up: ours (tagged for this user) → adopt, someone else's → conflict,
//   so a crash between Mailcow's success and our commit never creates a second mailbox;
// - a lease in the row means two processes never work on one mailbox at once;
// - the password is kept sealed only while creation may still be retried, and wiped afterwards.
// See docs/provisioning.md for the states and transitions.
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { MailboxReason } from "../../shared/schemas/mailbox";
import type { Db } from "../db/open-database";
import { isMailcowError, type MailcowClient, type MailcowMailbox } from "../mailcow";
import type { Sealer } from "./seal";
import { createMailboxStore, type MailboxRow, type Outcome, type StoredState } from "./store";

export interface ProvisioningSettings {
  domain: string;
  quotaMiB: number;
  forcePwUpdate: boolean;
  tlsEnforceIn: boolean;
  tlsEnforceOut: boolean;
  concurrency: number;
  retryBaseMs: number;
  retryMaxMs: number;
  retryWindowMs: number;
  deletionGraceMs: number;
  pollMs: number;
  /** How long one claimed job may run before another process may take it over. */
  leaseMs: number;
}

export interface ProvisionerDeps {
  db: Db;
  mailcow: MailcowClient;
  sealer: Sealer;
  logger: Logger;
  settings: ProvisioningSettings;
  now?: () => number;
}

export const PLATFORM_TAG = "platform-mail";
/** The tag that says "created by this platform for this user": the only proof of ownership we accept. */
export const ownerTag = (userId: string) => `platform-mail-user-${userId}`;
export const isOwnedBy = (mailbox: MailcowMailbox, userId: string) => mailbox.tags.includes(ownerTag(userId));

/** Exponential backoff with jitter: half fixed, half random, capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Maps a failed attempt to the next state: transient errors retry, permanent refusals need a person. */
function classify(error: unknown): { retry: boolean; reason: MailboxReason } {
  if (!isMailcowError(error)) return { retry: true, reason: "unexpected" };
  switch (error.kind) {
    case "unreachable":
      return { retry: true, reason: "mailcow_unreachable" };
    case "server_error":
    case "bad_response":
      return { retry: true, reason: "mailcow_error" };
    case "unauthorized":
      // Our key, not the user: an administrator fixes it and the job then converges by itself.
      return { retry: true, reason: "mailcow_auth" };
    case "rejected":
      if (error.retryable) return { retry: true, reason: "mailcow_busy" };
      switch (error.messageKey) {
        case "password_complexity":
        case "password_mismatch":
          return { retry: false, reason: "password_policy" };
        case "max_mailbox_exceeded":
          return { retry: false, reason: "domain_full" };
        case "mailbox_quota_exceeded":
        case "mailbox_quota_left_exceeded":
          return { retry: false, reason: "quota_exceeded" };
        case "object_exists":
        case "is_alias":
        case "is_spam_alias":
          return { retry: false, reason: "address_taken" };
        default:
          return { retry: false, reason: "mail_config" };
      }
  }
}

// Lease owners name their process: `worker:<host>:<pid>:<uuid>`. A restarted process can then tell that the owner
// of a lease is gone (same host, process no longer running) and take its jobs at once instead of waiting for the
// lease to expire (max(60 s, 12 × MAILCOW_TIMEOUT_MS)). Owners on other hosts are left to expire: we cannot see them.
const HOST = hostname();
/** Owners created by this process (several provisioners may share one process in tests). */
const ownersHere = new Set<string>();

function newOwner(): string {
  const owner = `worker:${HOST}:${process.pid}:${randomUUID()}`;
  ownersHere.add(owner);
  return owner;
}

function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True when the lease owner was a process on this host that no longer runs. */
export function ownerIsGone(owner: string, isRunning: (pid: number) => boolean = processIsRunning): boolean {
  const match = /^worker:(.+):(\d+):[0-9a-f-]{36}$/.exec(owner);
  if (!match || match[1] !== HOST) return false;
  const pid = Number(match[2]);
  // Our own pid under another name is an earlier process that had it (a container restarted with pid 1).
  if (pid === process.pid) return !ownersHere.has(owner);
  return !isRunning(pid);
}

export function createProvisioner({ db, mailcow, sealer, logger, settings, now = Date.now }: ProvisionerDeps) {
  const store = createMailboxStore(db);
  const owner = newOwner();
  const log = logger.child({ component: "provisioning" });
  const inFlight = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  // Bounded concurrency towards Mailcow for every attempt, from sign-up or from the worker.
  let active = 0;
  const queue: (() => void)[] = [];
  async function withSlot<T>(work: () => Promise<T>): Promise<T> {
    if (active >= settings.concurrency) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await work();
    } finally {
      active--;
      queue.shift()?.();
    }
  }

  const retryOutcome = (row: MailboxRow, reason: MailboxReason): Outcome => {
    const attempts = row.attempts + 1;
    return {
      state: row.state === "deleting" ? "deleting" : "pending",
      reason: row.state === "deleting" ? "account_deleted" : reason,
      keepPassword: true,
      attempts,
      nextAttemptAt: now() + backoffMs(attempts, settings.retryBaseMs, settings.retryMaxMs),
    };
  };
  const settled = (state: StoredState, reason: MailboxReason | null, extra: Partial<Outcome> = {}): Outcome => ({
    state,
    reason,
    keepPassword: false,
    attempts: 0,
    nextAttemptAt: null,
    ...extra,
  });

  /** Looks the address up: adopt our own mailbox, refuse anybody else's mailbox or alias. */
  async function lookUp(row: MailboxRow): Promise<Outcome | null> {
    const existing = await mailcow.getMailbox(row.address);
    if (existing) {
      if (isOwnedBy(existing, row.user_id)) return settled("active", null, { provisionedAt: now() });
      log.warn({ userId: row.user_id, address: row.address }, "address is held by a mailbox this platform did not create");
      return settled("conflict", "address_taken");
    }
    if (await mailcow.getAlias(row.address)) {
      log.warn({ userId: row.user_id, address: row.address }, "address is held by an alias");
      return settled("conflict", "address_taken");
    }
    return null;
  }

  async function create(row: MailboxRow): Promise<Outcome> {
    const password = row.sealed_password ? sealer.open(row.sealed_password, row.user_id) : null;
    if (!password) return settled("needs_password", "password_missing");
    if (row.password_sealed_at !== null && now() - row.password_sealed_at > settings.retryWindowMs) {
      return settled("needs_password", "retry_window_passed");
    }
    const found = await lookUp(row);
    if (found) return found;
    const [localPart = "", domain = settings.domain] = row.address.split("@");
    try {
      await mailcow.addMailbox({
        localPart,
        domain,
        name: localPart,
        quotaMiB: settings.quotaMiB,
        password,
        active: true,
        forcePwUpdate: settings.forcePwUpdate,
        tlsEnforceIn: settings.tlsEnforceIn,
        tlsEnforceOut: settings.tlsEnforceOut,
        tags: [PLATFORM_TAG, ownerTag(row.user_id)],
      });
    } catch (error) {
      // Someone (or a lost earlier attempt of ours) took the address between look-up and add: look again.
      if (isMailcowError(error) && ["object_exists", "is_alias", "is_spam_alias"].includes(error.messageKey ?? "")) {
        return (await lookUp(row)) ?? retryOutcome(row, "mailcow_error");
      }
      throw error;
    }
    // Created only when Mailcow said so AND a read-back agrees.
    const back = await mailcow.getMailbox(row.address);
    if (back && isOwnedBy(back, row.user_id)) return settled("active", null, { provisionedAt: now() });
    log.error({ userId: row.user_id }, "Mailcow reported the mailbox created but the read-back does not show it");
    return retryOutcome(row, "mailcow_error");
  }

  async function deletionStep(row: MailboxRow): Promise<Outcome | "removed"> {
    const existing = await mailcow.getMailbox(row.address);
    const ours = existing && isOwnedBy(existing, row.user_id) ? existing : null;
    if (row.delete_after !== null && now() < row.delete_after) {
      if (ours && ours.active !== 0) await mailcow.editMailbox(row.address, { active: false });
      return { ...settled("deleting", "account_deleted"), deactivated: 1, nextAttemptAt: row.delete_after };
    }
    if (ours) await mailcow.deleteMailboxes([row.address]);
    return "removed";
  }

  async function attempt(row: MailboxRow): Promise<void> {
    let outcome: Outcome | "removed";
    try {
      outcome = row.state === "deleting" ? await deletionStep(row) : await create(row);
    } catch (error) {
      const { retry, reason } = classify(error);
      if (!isMailcowError(error)) log.error({ err: error, userId: row.user_id }, "provisioning attempt failed unexpectedly");
      else log.warn({ userId: row.user_id, kind: error.kind, messageKey: error.messageKey, reason }, "provisioning attempt failed");
      outcome = retry || row.state === "deleting" ? retryOutcome(row, reason) : settled("failed", reason);
    }
    if (outcome === "removed") {
      // The account and everything hanging off it (sessions, this row) go in one statement.
      const removed = db
        .prepare("DELETE FROM user WHERE id = ? AND EXISTS (SELECT 1 FROM mailbox WHERE user_id = ? AND lease_owner = ? AND state = 'deleting')")
        .run(row.user_id, row.user_id, owner).changes;
      if (removed) log.info({ userId: row.user_id }, "account and mailbox deleted");
      return;
    }
    const written = store.finish(row.user_id, owner, row.state, outcome, now());
    if (!written) log.info({ userId: row.user_id }, "the mailbox changed during the attempt; outcome dropped");
    else if (outcome.state !== row.state || outcome.state === "active") {
      log.info({ userId: row.user_id, from: row.state, to: outcome.state, reason: outcome.reason }, "mailbox state changed");
    }
  }

  /** Claims and runs one job; resolves when it is done (or immediately if another worker holds it). */
  function run(userId: string): Promise<void> {
    const current = inFlight.get(userId);
    if (current) return current;
    const job = withSlot(async () => {
      if (!store.claim(userId, owner, now(), settings.leaseMs)) return;
      try {
        const row = store.get(userId);
        if (row) await attempt(row);
      } finally {
        store.release(userId, owner);
      }
    }).finally(() => inFlight.delete(userId));
    inFlight.set(userId, job);
    return job;
  }

  /** Starts due jobs up to twice the concurrency (the rest wait for a slot in withSlot). */
  function fill(): number {
    const free = settings.concurrency * 2 - inFlight.size;
    if (free <= 0) return 0;
    let started = 0;
    for (const row of store.due(now(), free + inFlight.size)) {
      if (inFlight.has(row.user_id)) continue;
      started++;
      void run(row.user_id).then(() => running && schedule(0));
    }
    return started;
  }

  function schedule(delayMs: number) {
    if (!running) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      try {
        fill();
      } catch (error) {
        log.error({ err: error }, "provisioning worker tick failed");
      }
      const next = store.nextDueAt();
      const wait = next === null ? settings.pollMs : Math.min(settings.pollMs, Math.max(0, next - now()));
      schedule(Math.max(wait, 10));
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
    /** Inside the sign-up transaction: the job exists before the account is visible. */
    enqueueSignup(userId: string, address: string, password: string, firstAttemptAt = now()) {
      store.insert({ userId, address, sealed: sealer.seal(password, userId), now: now(), nextAttemptAt: firstAttemptAt });
    },
    /** needs_password / failed → provisioning again, with a new password. */
    restart(userId: string, from: StoredState, password: string): boolean {
      return store.restart({ userId, from, sealed: sealer.seal(password, userId), now: now(), nextAttemptAt: now() });
    },
    /** Runs the job now and waits at most `deadlineMs`; the attempt itself goes on if the deadline passes. */
    async runNow(userId: string, deadlineMs: number): Promise<MailboxRow | null> {
      // NOTE: when every slot towards Mailcow is taken, waiting in line would only hold the user's request (up to
      // the deadline) behind other people's mailboxes: answer with the stored state (the row is the job; the worker
      // creates it). Sign-ups then run at the speed of password hashing, not of Mailcow (docs/benchmarks.md).
      if (active >= settings.concurrency && !inFlight.has(userId)) {
        store.makeDue(userId, now());
        if (running) schedule(0);
        return store.get(userId);
      }
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        run(userId),
        new Promise<void>((resolve) => {
          timeout = setTimeout(resolve, deadlineMs);
        }),
      ]);
      clearTimeout(timeout);
      return store.get(userId);
    },
    /** "Retry now" from the Mail page: makes a pending job due and runs it. */
    kick(userId: string): boolean {
      const kicked = store.kick(userId, now());
      if (kicked) void run(userId);
      return kicked;
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
      await Promise.allSettled(inFlight.values());
    },
    /**
     * Runs every unleased job once, due or not (so tests need not wait for backoff), then any job that an
     * attempt made runnable again; returns when nothing is left to try.
     */
    async drain() {
      const tried = new Set<string>();
      for (;;) {
        const rows = store.unleased(now(), 10_000).filter((row) => !tried.has(row.user_id));
        if (rows.length === 0 && inFlight.size === 0) return;
        for (const row of rows) tried.add(row.user_id);
        await Promise.allSettled([...rows.map((row) => run(row.user_id)), ...inFlight.values()]);
      }
    },
    /** The number of attempts running now (for tests and benchmarks). */
    busy: () => inFlight.size,
  };
}
export type Provisioner = ReturnType<typeof createProvisioner>;
