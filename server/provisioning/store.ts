// The mailbox table: one row per account, which is both the user-visible state and the provisioning job.
import type { MailboxReason } from "../../shared/schemas/mailbox";
import type { Db } from "../db/open-database";

// "disabled" is not stored: the Mail page derives it from Mailcow's live data (the table's CHECK still allows it).
export type StoredState = "provisioning" | "active" | "pending" | "failed" | "needs_password" | "conflict" | "deleting";

/** Permanent refusals for want of room in the domain: the worker retries them by itself once room appears. */
export const ROOM_REASONS = ["domain_full", "quota_exceeded"] as const satisfies readonly MailboxReason[];
const ROOM_WAITER = "state = 'failed' AND reason IN ('domain_full', 'quota_exceeded') AND sealed_password IS NOT NULL";

export interface MailboxRow {
  user_id: string;
  address: string;
  state: StoredState;
  reason: MailboxReason | null;
  sealed_password: string | null;
  password_sealed_at: number | null;
  attempts: number;
  next_attempt_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  delete_after: number | null;
  created_at: number;
  updated_at: number;
  provisioned_at: number | null;
  /** The quota the mailbox is created with and the platform last knew; null = MAILBOX_QUOTA_MIB. */
  quota_mib: number | null;
}

export interface Outcome {
  state: StoredState;
  reason: MailboxReason | null;
  /** Keep the sealed password (only while creation may still be retried). */
  keepPassword: boolean;
  nextAttemptAt: number | null;
  attempts: number;
  provisionedAt?: number | null;
}

export function createMailboxStore(db: Db) {
  const get = db.prepare<[string], MailboxRow>("SELECT * FROM mailbox WHERE user_id = ?");
  const insert = db.prepare(
    `INSERT INTO mailbox (user_id, address, state, reason, sealed_password, password_sealed_at, attempts, next_attempt_at, created_at, updated_at, quota_mib)
     VALUES (@userId, @address, 'provisioning', 'creating', @sealed, @now, 0, @nextAttemptAt, @now, @now, @quotaMiB)`,
  );
  const restart = db.prepare(
    `UPDATE mailbox SET state = 'provisioning', reason = 'creating', sealed_password = @sealed, password_sealed_at = @now,
       attempts = 0, next_attempt_at = @nextAttemptAt, updated_at = @now WHERE user_id = @userId AND state = @from`,
  );
  const claim = db.prepare(
    `UPDATE mailbox SET lease_owner = @owner, lease_until = @until
     WHERE user_id = @userId AND state IN ('provisioning', 'pending', 'deleting') AND (lease_until IS NULL OR lease_until < @now)`,
  );
  const release = db.prepare("UPDATE mailbox SET lease_owner = NULL, lease_until = NULL WHERE user_id = ? AND lease_owner = ?");
  const leaseOwners = db.prepare<[], { owner: string }>("SELECT DISTINCT lease_owner AS owner FROM mailbox WHERE lease_owner IS NOT NULL");
  const releaseOwner = db.prepare("UPDATE mailbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?");
  const finish = db.prepare(
    `UPDATE mailbox SET state = @state, reason = @reason, attempts = @attempts, next_attempt_at = @nextAttemptAt,
       sealed_password = CASE WHEN @keepPassword THEN sealed_password ELSE NULL END,
       password_sealed_at = CASE WHEN @keepPassword THEN password_sealed_at ELSE NULL END,
       provisioned_at = COALESCE(@provisionedAt, provisioned_at),
       updated_at = @now
     WHERE user_id = @userId AND lease_owner = @owner AND state = @expected`,
  );
  const due = db.prepare<{ now: number; limit: number }, MailboxRow>(
    `SELECT * FROM mailbox WHERE state IN ('provisioning', 'pending', 'deleting') AND COALESCE(next_attempt_at, 0) <= @now
       AND (lease_until IS NULL OR lease_until < @now) ORDER BY next_attempt_at LIMIT @limit`,
  );
  // An account without a mailbox row still gets a deletion job: a lost attempt may have created the mailbox.
  const startDeletion = db.prepare(
    `INSERT INTO mailbox (user_id, address, state, reason, delete_after, next_attempt_at, created_at, updated_at)
       VALUES (@userId, @address, 'deleting', 'account_deleted', @deleteAfter, @now, @now, @now)
     ON CONFLICT (user_id) DO UPDATE SET state = 'deleting', reason = 'account_deleted', sealed_password = NULL,
       password_sealed_at = NULL, delete_after = @deleteAfter, next_attempt_at = @now, attempts = 0, updated_at = @now`,
  );
  const nextDue = db.prepare<[], { at: number | null }>(
    "SELECT MIN(next_attempt_at) AS at FROM mailbox WHERE state IN ('provisioning', 'pending', 'deleting')",
  );
  const makeDue = db.prepare(
    "UPDATE mailbox SET next_attempt_at = ? WHERE user_id = ? AND state IN ('provisioning', 'pending', 'deleting')",
  );
  const roomWaiters = db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM mailbox WHERE ${ROOM_WAITER}`);
  const roomCheckDue = db.prepare<[number], { n: number }>(`SELECT COUNT(*) AS n FROM mailbox WHERE ${ROOM_WAITER} AND next_attempt_at <= ?`);
  const postponeRoomWaiters = db.prepare(`UPDATE mailbox SET next_attempt_at = @at WHERE ${ROOM_WAITER}`);
  const wakeRoomWaiters = db.prepare(
    `UPDATE mailbox SET state = 'provisioning', reason = 'creating', next_attempt_at = @now, updated_at = @now WHERE ${ROOM_WAITER}`,
  );
  const forgetRoomWaiters = db.prepare(
    `UPDATE mailbox SET sealed_password = NULL, password_sealed_at = NULL, updated_at = @now
     WHERE ${ROOM_WAITER} AND password_sealed_at < @cutoff`,
  );
  const markRemoved = db.prepare(
    `UPDATE mailbox SET state = 'conflict', reason = 'removed_in_mailcow', sealed_password = NULL, password_sealed_at = NULL,
       next_attempt_at = NULL, updated_at = @now WHERE user_id = @userId AND state = 'active'`,
  );
  const counts = db.prepare<[], { state: StoredState; n: number }>("SELECT state, COUNT(*) AS n FROM mailbox GROUP BY state");
  const lostToNeedsPassword = db.prepare(
    `UPDATE mailbox SET state = 'needs_password', reason = 'removed_in_mailcow', sealed_password = NULL, password_sealed_at = NULL,
       attempts = 0, next_attempt_at = NULL, updated_at = @now
     WHERE user_id = @userId AND (state = 'active' OR (state = 'conflict' AND reason = 'removed_in_mailcow'))`,
  );
  const settledToConflict = db.prepare(
    `UPDATE mailbox SET state = 'conflict', reason = @reason, sealed_password = NULL, password_sealed_at = NULL,
       next_attempt_at = NULL, updated_at = @now WHERE user_id = @userId AND state IN ('active', 'failed', 'needs_password')`,
  );
  const setQuota = db.prepare("UPDATE mailbox SET quota_mib = @quotaMiB, updated_at = @now WHERE user_id = @userId");

  return {
    get: (userId: string) => get.get(userId) ?? null,
    insert(row: { userId: string; address: string; sealed: string; now: number; nextAttemptAt: number; quotaMiB?: number | null }) {
      insert.run({ ...row, quotaMiB: row.quotaMiB ?? null });
    },
    /** needs_password / failed → provisioning with a new sealed password; false if the state moved meanwhile. */
    restart(row: { userId: string; from: StoredState; sealed: string; now: number; nextAttemptAt: number }): boolean {
      return restart.run(row).changes === 1;
    },
    claim: (userId: string, owner: string, now: number, leaseMs: number) =>
      claim.run({ userId, owner, now, until: now + leaseMs }).changes === 1,
    release: (userId: string, owner: string) => void release.run(userId, owner),
    /** The workers that hold a lease right now. */
    leaseOwners: () => leaseOwners.all().map((row) => row.owner),
    /** Frees every lease of a worker that is known to be gone; returns how many jobs it held. */
    releaseOwner: (owner: string) => releaseOwner.run(owner).changes,
    /** Writes an attempt's outcome, only if this worker still holds the lease and the state did not change under it. */
    finish(userId: string, owner: string, expected: StoredState, outcome: Outcome, now: number): boolean {
      return (
        finish.run({
          userId,
          owner,
          expected,
          now,
          state: outcome.state,
          reason: outcome.reason,
          attempts: outcome.attempts,
          nextAttemptAt: outcome.nextAttemptAt,
          keepPassword: outcome.keepPassword ? 1 : 0,
          provisionedAt: outcome.provisionedAt ?? null,
        }).changes === 1
      );
    },
    due: (now: number, limit: number) => due.all({ now, limit }),
    startDeletion: (userId: string, address: string, now: number, deleteAfter: number) =>
      void startDeletion.run({ userId, address, now, deleteAfter }),
    nextDueAt: () => nextDue.get()?.at ?? null,
    /** Due at once (a request that wants its attempt now); false when the row is not a job. */
    makeDue: (userId: string, now: number) => makeDue.run(now, userId).changes === 1,
    /** How many mailboxes failed for want of room and still hold their password (so can be retried by the worker). */
    roomWaiters: () => roomWaiters.get()?.n ?? 0,
    /** True when one of them is due for a look at the domain's room. */
    roomCheckDue: (now: number) => (roomCheckDue.get(now)?.n ?? 0) > 0,
    /** Still no room: look again at `at`. */
    postponeRoomWaiters: (at: number) => void postponeRoomWaiters.run({ at }),
    /** Room appeared: every such mailbox becomes a job again, due now; returns how many. */
    wakeRoomWaiters: (now: number) => wakeRoomWaiters.run({ now }).changes,
    /** Waiters whose retry window passed keep their state but lose the password (the user sets a new one). */
    forgetRoomWaiters: (cutoff: number, now: number) => forgetRoomWaiters.run({ cutoff, now }).changes,
    /** An active mailbox that is gone from Mailcow or no longer carries the owner's tag: never touched again. */
    markRemoved: (userId: string, now: number) => markRemoved.run({ userId, now }).changes === 1,
    /**
     * A mailbox deleted in Mailcow behind the platform's back (reconcile): the user creates it again with a new
     * password (needs_password); false when the row was in another state.
     */
    lostToNeedsPassword: (userId: string, now: number) => lostToNeedsPassword.run({ userId, now }).changes === 1,
    /** The address is held by a mailbox the platform did not create (reconcile): never adopted, shown as a conflict. */
    markConflict: (userId: string, reason: "address_taken" | "removed_in_mailcow", now: number) =>
      settledToConflict.run({ userId, reason, now }).changes === 1,
    /** An admin disabled (true) or enabled (false) the mailbox in Mailcow on purpose. */
    setDeactivated: (userId: string, deactivated: boolean, now: number) =>
      db.prepare("UPDATE mailbox SET deactivated = ?, updated_at = ? WHERE user_id = ?").run(deactivated ? 1 : 0, now, userId).changes === 1,
    /** The quota the platform knows for this mailbox (import, reconcile, admin quota changes). */
    setQuota: (userId: string, quotaMiB: number, now: number) => setQuota.run({ userId, quotaMiB, now }).changes === 1,
    counts: () => Object.fromEntries(counts.all().map((r) => [r.state, r.n])) as Partial<Record<StoredState, number>>,
  };
}
export type MailboxStore = ReturnType<typeof createMailboxStore>;
