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

// Sorting by a mailbox column (state, updatedAt) lists the accounts that have a mailbox row; by a figure (quotaUse,
// lastLogin), the mailboxes with figures: each such sort walks that table's index instead of sorting 100,000 rows.
// Each sort is an index's own order (its columns, then the rowid as the tie-break), so a page is a walk, not a sort.
const SORT: Record<ListInput["sort"]["field"], { columns: string[]; needs: "user" | "mailbox" | "figures" }> = {
  username: { columns: ["u.username"], needs: "user" },
  displayName: { columns: ["u.display_name", "u.id"], needs: "user" },
  createdAt: { columns: ["u.created_at", "u.id"], needs: "user" },
  state: { columns: ["m.state", "m.reason", "m.rowid"], needs: "mailbox" },
  updatedAt: { columns: ["m.updated_at", "m.rowid"], needs: "mailbox" },
  quotaUse: { columns: ["f.quota_percent", "f.rowid"], needs: "figures" },
  lastLogin: { columns: ["f.last_login_at", "f.rowid"], needs: "figures" },
};

const escapeLike = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

interface FilterSql {
  /** FROM … with the joins the filter needs (INNER joins, so SQLite may drive the query from the narrower index). */
  from: string;
  where: string;
  params: Record<string, unknown>;
  /** True when any condition applies (else COUNT(*) FROM user answers the total). */
  filtered: boolean;
}

/**
 * The FROM/WHERE for a filter (also used to resolve a bulk action's target). Search looks at the username and the
 * display name ("ada@<domain>" searches the username "ada": an address is always <username>@<domain>).
 */
export function filterSql(filter: MailboxFilter, mailDomain: string, joinFor: "user" | "mailbox" | "figures" = "user"): FilterSql {
  const clauses: string[] = [];
  const params: Record<string, unknown> = {};
  let mailbox = joinFor === "mailbox" ? "inner" : "none";
  let figures = joinFor === "figures";
  if (filter.search) {
    let text = filter.search.toLowerCase();
    const domainSuffix = `@${mailDomain.toLowerCase()}`;
    if (text.endsWith(domainSuffix)) text = text.slice(0, -domainSuffix.length);
    else if (text.endsWith("@")) text = text.slice(0, -1);
    params.search = escapeLike(text);
    clauses.push("(u.username LIKE @search ESCAPE '\\' OR u.display_name LIKE @search ESCAPE '\\')");
  }
  if (filter.states?.length) {
    const stored = filter.states.filter((state) => state !== "none");
    const names = stored.map((state, i) => ((params[`state${i}`] = state), `@state${i}`));
    if (!filter.states.includes("none")) {
      mailbox = "inner";
      // Sorted by a figure, the figures index drives the walk: "+" keeps SQLite from using the state index instead.
      clauses.push(`${joinFor === "figures" ? "+" : ""}m.state IN (${names.join(", ")})`);
    } else if (names.length === 0) {
      clauses.push("NOT EXISTS (SELECT 1 FROM mailbox nm WHERE nm.user_id = u.id)");
    } else {
      if (mailbox === "none") mailbox = "left";
      clauses.push(`(m.user_id IS NULL OR m.state IN (${names.join(", ")}))`);
    }
  }
  if (filter.reasons?.length) {
    mailbox = "inner";
    const names = filter.reasons.map((reason, i) => ((params[`reason${i}`] = reason), `@reason${i}`));
    clauses.push(`m.reason IN (${names.join(", ")})`);
  }
  if (filter.quotaAbovePercent !== undefined) {
    figures = true;
    params.quotaAbove = filter.quotaAbovePercent;
    clauses.push("f.quota_percent > @quotaAbove");
  }
  if (filter.lastLoginBefore !== undefined) {
    figures = true;
    params.loginBefore = Date.parse(filter.lastLoginBefore);
    clauses.push("COALESCE(f.last_login_at, 0) < @loginBefore");
  }
  if (filter.admin !== undefined) clauses.push(filter.admin ? "u.role = 'admin'" : "u.role != 'admin'");
  if (filter.includeDeleted === false) clauses.push("u.deleted_at IS NULL");
  let from = "FROM user u";
  if (mailbox === "inner") from += " JOIN mailbox m ON m.user_id = u.id";
  if (mailbox === "left") from += " LEFT JOIN mailbox m ON m.user_id = u.id";
  if (figures) from += " JOIN mailbox_figures f ON f.user_id = u.id";
  return { from, where: clauses.length ? `WHERE ${clauses.join(" AND ")}` : "", params, filtered: clauses.length > 0 || joinFor !== "user" };
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

const DETAILS = `SELECT u.id, u.username, u.display_name, u.created_at, u.deleted_at, u.role, m.address, m.state, m.reason, m.updated_at,
    m.attempts, f.quota_percent, f.last_login_at, f.taken_at
  FROM user u LEFT JOIN mailbox m ON m.user_id = u.id LEFT JOIN mailbox_figures f ON f.user_id = u.id`;

/** One page: the ids in order first (narrow, index-driven), then the details of just those rows. */
export function listMailboxes(db: Db, mailDomain: string, input: ListInput) {
  const sort = SORT[input.sort.field];
  const filterParts = filterSql(input.filter, mailDomain, sort.needs);
  const { from, where, params } = filterParts;
  const dir = input.sort.dir === "desc" ? "DESC" : "ASC";
  const order = sort.columns.map((column) => `${column} ${dir}`).join(", ");
  const ids = db
    .prepare<Record<string, unknown>, { id: string }>(`SELECT u.id ${from} ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit: input.limit, offset: input.offset })
    .map((row) => row.id);
  const details = new Map(
    ids.length
      ? db
          .prepare<string[], Row>(`${DETAILS} WHERE u.id IN (${ids.map(() => "?").join(", ")})`)
          .all(...ids)
          .map((row) => [row.id, row] as const)
      : [],
  );
  const counts = stateCounts(db);
  // A short page is the end of the list: its offset plus its length is the total, no count needed.
  const { total, totalExact } =
    ids.length < input.limit && (ids.length > 0 || input.offset === 0)
      ? { total: input.offset + ids.length, totalExact: true }
      : countMatches(db, input.filter, sort.needs, counts, () => filterParts);
  return {
    items: ids.flatMap((id) => {
      const row = details.get(id);
      return row ? [toRow(row, mailDomain)] : [];
    }),
    total,
    totalExact,
    nextOffset: (totalExact ? input.offset + ids.length < total : ids.length === input.limit) ? input.offset + ids.length : null,
    counts,
  };
}

/** Above this many matches the total is "at least" (counting every match of a wide filter costs more than a page). */
export const COUNT_CAP = 10_000;

/** How many rows match: from the state counters when the filter is only states, else counted (capped). */
function countMatches(db: Db, filter: MailboxFilter, needs: "user" | "mailbox" | "figures", counts: Record<string, number>, sql: () => FilterSql) {
  const conditions = Object.entries(filter).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0));
  const onlyStates = conditions.length === 1 && conditions[0]![0] === "states";
  if (needs !== "figures" && (conditions.length === 0 || onlyStates)) {
    const states = onlyStates ? filter.states! : null;
    if (!states) return { total: needs === "user" ? (counts.all ?? 0) : (counts.all ?? 0) - (counts.none ?? 0), totalExact: true };
    const sum = states.filter((state) => needs === "user" || state !== "none").reduce((n, state) => n + (counts[state] ?? 0), 0);
    return { total: sum, totalExact: true };
  }
  const { from, where, params } = sql();
  const n = db.prepare<Record<string, unknown>, { n: number }>(`SELECT COUNT(*) AS n FROM (SELECT 1 ${from} ${where} LIMIT ${COUNT_CAP + 1})`).get(params)!.n;
  return n > COUNT_CAP ? { total: COUNT_CAP, totalExact: false } : { total: n, totalExact: true };
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
export function matchingUserIds(db: Db, mailDomain: string, filter: MailboxFilter): string[] {
  const { from, where, params } = filterSql(filter, mailDomain);
  return db.prepare<Record<string, unknown>, { id: string }>(`SELECT u.id ${from} ${where} ORDER BY u.username`).all(params).map((r) => r.id);
}

/** Remembers the figures seen in Mailcow for a mailbox (the table's quota and last-login filters read them). */
export function saveFigures(db: Db, userId: string, figures: { quotaPercent: number | null; lastLoginAt: number | null; at: number }) {
  db.prepare(
    `INSERT INTO mailbox_figures (user_id, quota_percent, last_login_at, taken_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET quota_percent = excluded.quota_percent, last_login_at = excluded.last_login_at, taken_at = excluded.taken_at`,
  ).run(userId, figures.quotaPercent, figures.lastLoginAt, figures.at);
}
