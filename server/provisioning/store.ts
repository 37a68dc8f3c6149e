// The mailbox table: one row per account, which is both the user-visible state and the provisioning job.
import type { MailboxReason } from "../../shared/schemas/mailbox";
import type { Db } from "../db/open-database";

export type StoredState = "provisioning" | "active" | "pending" | "failed" | "needs_password" | "conflict" | "disabled" | "deleting";

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
  deactivated: number;
  created_at: number;
  updated_at: number;
  provisioned_at: number | null;
}

/** States the worker acts on. */
export const WORK_STATES = ["provisioning", "pending", "deleting"] as const;

export interface Outcome {
  state: StoredState;
  reason: MailboxReason | null;
  /** Keep the sealed password (only while creation may still be retried). */
  keepPassword: boolean;
  nextAttemptAt: number | null;
  attempts: number;
  provisionedAt?: number | null;
  deactivated?: number;
}

export function createMailboxStore(db: Db) {
  const get = db.prepare<[string], MailboxRow>("SELECT * FROM mailbox WHERE user_id = ?");
  const insert = db.prepare(
    `INSERT INTO mailbox (user_id, address, state, reason, sealed_password, password_sealed_at, attempts, next_attempt_at, created_at, updated_at)
     VALUES (@userId, @address, 'provisioning', 'creating', @sealed, @now, 0, @nextAttemptAt, @now, @now)`,
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
       provisioned_at = COALESCE(@provisionedAt, provisioned_at), deactivated = COALESCE(@deactivated, deactivated),
       updated_at = @now
     WHERE user_id = @userId AND lease_owner = @owner AND state = @expected`,
  );
  const due = db.prepare<{ now: number; limit: number }, MailboxRow>(
    `SELECT * FROM mailbox WHERE state IN ('provisioning', 'pending', 'deleting') AND COALESCE(next_attempt_at, 0) <= @now
       AND (lease_until IS NULL OR lease_until < @now) ORDER BY next_attempt_at LIMIT @limit`,
  );
  const unleased = db.prepare<{ now: number; limit: number }, MailboxRow>(
    `SELECT * FROM mailbox WHERE state IN ('provisioning', 'pending', 'deleting') AND (lease_until IS NULL OR lease_until < @now)
       ORDER BY next_attempt_at LIMIT @limit`,
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
  const kick = db.prepare("UPDATE mailbox SET next_attempt_at = ? WHERE user_id = ? AND state = 'pending'");
  const makeDue = db.prepare(
    "UPDATE mailbox SET next_attempt_at = ? WHERE user_id = ? AND state IN ('provisioning', 'pending', 'deleting')",
  );
  const counts = db.prepare<[], { state: StoredState; n: number }>("SELECT state, COUNT(*) AS n FROM mailbox GROUP BY state");

  return {
    get: (userId: string) => get.get(userId) ?? null,
    insert(row: { userId: string; address: string; sealed: string; now: number; nextAttemptAt: number }) {
      insert.run(row);
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
          deactivated: outcome.deactivated ?? null,
        }).changes === 1
      );
    },
    due: (now: number, limit: number) => due.all({ now, limit }),
    /** Every job whose lease is free, due or not (tests and drains). */
    unleased: (now: number, limit: number) => unleased.all({ now, limit }),
    startDeletion: (userId: string, address: string, now: number, deleteAfter: number) =>
      void startDeletion.run({ userId, address, now, deleteAfter }),
    nextDueAt: () => nextDue.get()?.at ?? null,
    kick: (userId: string, now: number) => kick.run(now, userId).changes === 1,
    /** Due at once for the worker (a request that did not wait for its own attempt). */
    makeDue: (userId: string, now: number) => void makeDue.run(now, userId),
    counts: () => Object.fromEntries(counts.all().map((r) => [r.state, r.n])) as Partial<Record<StoredState, number>>,
    remove: (userId: string) => void db.prepare("DELETE FROM mailbox WHERE user_id = ?").run(userId),
  };
}
export type MailboxStore = ReturnType<typeof createMailboxStore>;
