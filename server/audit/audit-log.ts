// The audit log: one row per security-relevant or administrative action (who, what, on whom, when, result, from
// which IP). Users' own mailbox-settings changes are written here too, so an admin can see them. Details hold
// names and counts, never passwords, app passwords or tokens.
import type { Db } from "../db/open-database";

export type AuditResult = "ok" | "refused" | "failed";

export interface AuditEntryInput {
  /** The account that acted; null for the system (worker, reconcile) or an anonymous request. */
  actorId: string | null;
  /** A readable name for the actor at the time ("ada", "system", "cli"). */
  actorName: string;
  /** Dotted action name, e.g. "mailbox.forwarding.set", "admin.mailboxes.disable". */
  action: string;
  targetUserId?: string | null;
  /** What else was acted on (an address, an alias, an invitation id). */
  target?: string | null;
  result: AuditResult;
  detail?: Record<string, unknown> | null;
  ip?: string | null;
}

export interface AuditEntry {
  id: number;
  at: number;
  actorId: string | null;
  actorName: string;
  action: string;
  targetUserId: string | null;
  target: string | null;
  result: AuditResult;
  detail: Record<string, unknown> | null;
  ip: string | null;
}

export interface AuditFilter {
  actorId?: string;
  /** The actor's name as recorded ("cli", "system", a username). */
  actorName?: string;
  /** The target text (an address, an invitation id). */
  target?: string;
  targetUserId?: string;
  /** Exact action, or a prefix ending in "." ("admin." → every admin action). */
  action?: string;
  result?: AuditResult;
  from?: number;
  to?: number;
  /** Entries with an id below this (the page cursor: the last id of the previous page). */
  before?: number;
  limit?: number;
}

interface AuditRow {
  id: number;
  at: number;
  actor_id: string | null;
  actor_name: string;
  action: string;
  target_user_id: string | null;
  target: string | null;
  result: AuditResult;
  detail: string | null;
  ip: string | null;
}

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  at: row.at,
  actorId: row.actor_id,
  actorName: row.actor_name,
  action: row.action,
  targetUserId: row.target_user_id,
  target: row.target,
  result: row.result,
  detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
  ip: row.ip,
});

export function createAuditLog(db: Db, now: () => number = Date.now) {
  const insert = db.prepare(
    `INSERT INTO audit_log (at, actor_id, actor_name, action, target_user_id, target, result, detail, ip)
     VALUES (@at, @actorId, @actorName, @action, @targetUserId, @target, @result, @detail, @ip)`,
  );
  const prune = db.prepare("DELETE FROM audit_log WHERE at < ?");

  return {
    record(entry: AuditEntryInput): number {
      return Number(
        insert.run({
          at: now(),
          actorId: entry.actorId,
          actorName: entry.actorName,
          action: entry.action,
          targetUserId: entry.targetUserId ?? null,
          target: entry.target ?? null,
          result: entry.result,
          detail: entry.detail ? JSON.stringify(entry.detail) : null,
          ip: entry.ip ?? null,
        }).lastInsertRowid,
      );
    },
    /** Newest first, paged by id. */
    list(filter: AuditFilter = {}): AuditEntry[] {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      const add = (clause: string, name: string, value: unknown) => {
        if (value === undefined || value === "") return;
        where.push(clause);
        params[name] = value;
      };
      add("actor_id = @actorId", "actorId", filter.actorId);
      add("actor_name = @actorName", "actorName", filter.actorName);
      add("target = @target", "target", filter.target);
      add("target_user_id = @targetUserId", "targetUserId", filter.targetUserId);
      if (filter.action?.endsWith(".")) add("substr(action, 1, length(@actionPrefix)) = @actionPrefix", "actionPrefix", filter.action);
      else add("action = @action", "action", filter.action);
      add("result = @result", "result", filter.result);
      add("at >= @from", "from", filter.from);
      add("at < @to", "to", filter.to);
      add("id < @before", "before", filter.before);
      params.limit = Math.min(Math.max(filter.limit ?? 50, 1), 1000);
      const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT @limit`;
      return db.prepare<Record<string, unknown>, AuditRow>(sql).all(params).map(toEntry);
    },
    /** Deletes entries older than the retention (AUDIT_RETENTION_DAYS); returns how many. */
    prune(retentionDays: number): number {
      return prune.run(now() - retentionDays * 86_400_000).changes;
    },
  };
}
export type AuditLog = ReturnType<typeof createAuditLog>;
