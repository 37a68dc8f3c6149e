// The admin table's query: accounts with their mailbox row and latest figures, filtered, sorted and paged in SQLite.
// Indexes (migration 11) keep 100,000 accounts under 100 ms a page (bench/admin-list.ts).
import type { AdminMailboxRow, ListMailboxesSchema, MailboxFilter } from "../../shared/schemas/admin";
import type { MailboxReason, MailboxState } from "../../shared/schemas/mailbox";
import type { Db } from "../db/open-database";
import type { z } from "zod";

type ListInput = z.output<typeof ListMailboxesSchema>;

interface Row {
  id: string;
  username: string;
  display_name: string | null;
  created_at: number;
  deleted_at: number | null;
  role: string;
  address: string | null;
  state: MailboxState | null;
  reason: MailboxReason | null;
  updated_at: number | null;
  attempts: number | null;
  quota_percent: number | null;
  last_login_at: number | null;
  taken_at: number | null;
}

const FROM = "FROM user u LEFT JOIN mailbox m ON m.user_id = u.id LEFT JOIN mailbox_figures f ON f.user_id = u.id";

const SORT: Record<ListInput["sort"]["field"], string> = {
  username: "u.username",
  displayName: "u.display_name",
  createdAt: "u.created_at",
  state: "COALESCE(m.state, 'none')",
  updatedAt: "m.updated_at",
  quotaUse: "f.quota_percent",
  lastLogin: "f.last_login_at",
};

const escapeLike = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The WHERE clause and its parameters for a filter (also used to resolve a bulk action's target). */
export function filterSql(filter: MailboxFilter): { where: string; params: Record<string, unknown>; needsJoin: boolean } {
  const clauses: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.search) {
    params.search = escapeLike(filter.search.toLowerCase());
    clauses.push("(u.username LIKE @search ESCAPE '\\' OR m.address LIKE @search ESCAPE '\\' OR lower(u.display_name) LIKE @search ESCAPE '\\')");
  }
  if (filter.states?.length) {
    const names = filter.states.map((state, i) => ((params[`state${i}`] = state), `@state${i}`));
    clauses.push(`COALESCE(m.state, 'none') IN (${names.join(", ")})`);
  }
  if (filter.reasons?.length) {
    const names = filter.reasons.map((reason, i) => ((params[`reason${i}`] = reason), `@reason${i}`));
    clauses.push(`m.reason IN (${names.join(", ")})`);
  }
  if (filter.quotaAbovePercent !== undefined) {
    params.quotaAbove = filter.quotaAbovePercent;
    clauses.push("f.quota_percent > @quotaAbove");
  }
  if (filter.lastLoginBefore !== undefined) {
    params.loginBefore = Date.parse(filter.lastLoginBefore);
    clauses.push("f.taken_at IS NOT NULL AND COALESCE(f.last_login_at, 0) < @loginBefore");
  }
  if (filter.admin !== undefined) clauses.push(filter.admin ? "u.role = 'admin'" : "u.role != 'admin'");
  if (filter.includeDeleted === false) clauses.push("u.deleted_at IS NULL");
  const where = clauses.length ? `WHERE ${clauses.join(" AND ")}` : "";
  return { where, params, needsJoin: clauses.length > 0 };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toRow(row: Row, mailDomain: string): AdminMailboxRow {
  return {
    userId: row.id,
    username: row.username,
    displayName: row.display_name,
    address: row.address ?? `${row.username}@${mailDomain}`,
    state: row.state ?? "none",
    reason: row.reason,
    admin: row.role === "admin",
    createdAt: iso(row.created_at)!,
    deletedAt: iso(row.deleted_at),
    updatedAt: iso(row.updated_at),
    attempts: row.attempts ?? 0,
    quotaPercent: row.quota_percent,
    lastLoginAt: iso(row.last_login_at),
    figuresAt: iso(row.taken_at),
  };
}

export function listMailboxes(db: Db, mailDomain: string, input: ListInput) {
  const { where, params, needsJoin } = filterSql(input.filter);
  const dir = input.sort.dir === "desc" ? "DESC" : "ASC";
  const order = input.sort.field === "username" ? `u.username ${dir}` : `${SORT[input.sort.field]} ${dir}, u.username ${dir}`;
  const rows = db
    .prepare<Record<string, unknown>, Row>(
      `SELECT u.id, u.username, u.display_name, u.created_at, u.deleted_at, u.role, m.address, m.state, m.reason, m.updated_at,
         m.attempts, f.quota_percent, f.last_login_at, f.taken_at
       ${FROM} ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: input.limit, offset: input.offset });
  const total = needsJoin
    ? db.prepare<Record<string, unknown>, { n: number }>(`SELECT COUNT(*) AS n ${FROM} ${where}`).get(params)!.n
    : db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM user").get()!.n;
  return {
    items: rows.map((row) => toRow(row, mailDomain)),
    total,
    nextOffset: input.offset + rows.length < total ? input.offset + rows.length : null,
    counts: stateCounts(db),
  };
}

/** Accounts by mailbox state ("none": no mailbox row), from the state index. */
export function stateCounts(db: Db): Record<string, number> {
  const counts: Record<string, number> = {};
  let withRow = 0;
  for (const { state, n } of db.prepare<[], { state: string; n: number }>("SELECT state, COUNT(*) AS n FROM mailbox GROUP BY state").all()) {
    counts[state] = n;
    withRow += n;
  }
  const users = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM user").get()!.n;
  counts.none = Math.max(0, users - withRow);
  counts.all = users;
  return counts;
}

/** Every user id the filter matches (a bulk action's target), in username order. */
export function matchingUserIds(db: Db, filter: MailboxFilter): string[] {
  const { where, params } = filterSql(filter);
  return db.prepare<Record<string, unknown>, { id: string }>(`SELECT u.id ${FROM} ${where} ORDER BY u.username`).all(params).map((r) => r.id);
}

/** Remembers the figures seen in Mailcow for a mailbox (the table's quota and last-login filters read them). */
export function saveFigures(db: Db, userId: string, figures: { quotaPercent: number | null; lastLoginAt: number | null; at: number }) {
  db.prepare(
    `INSERT INTO mailbox_figures (user_id, quota_percent, last_login_at, taken_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET quota_percent = excluded.quota_percent, last_login_at = excluded.last_login_at, taken_at = excluded.taken_at`,
  ).run(userId, figures.quotaPercent, figures.lastLoginAt, figures.at);
}
