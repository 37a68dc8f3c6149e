// Sieve filters: POST /add/filter, /edit/filter, /delete/filter, GET /get/filters/{mailbox|all}. Mailcow keeps them in
// sieve_filters (script_name 'active'/'inactive'); Dovecot reads the active pre- and postfilters (sieve_before2/after2).
// Measured against Mailcow 2026-07a: one active filter per mailbox and filter_type; script_data is a TEXT column
// (65,535 bytes; one byte more is a database error, answered 200 with an empty body, nothing stored).
import { entries, getReturn, maskedLog, type ApiContext, type Entry, type ReadResult, type WriteResult } from "./api-context";
import { hasDomainAccess } from "./domain-api";
import { byteLength, empty, field, intval, isValidEmail, isset, phpValues, strval, type PhpValue } from "./php";
import type { PhpArray, Resource } from "./resource";
import { SieveError, checkSieve } from "./sieve";

/** MariaDB TEXT. */
const SCRIPT_MAX_BYTES = 65_535;

interface FilterRow {
  id: number;
  username: string;
  script_desc: string;
  script_name: "active" | "inactive";
  script_data: string;
  filter_type: string;
  created: string;
  modified: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sieve_filters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL COLLATE NOCASE,
  script_desc TEXT NOT NULL,
  script_name TEXT NOT NULL,
  script_data TEXT NOT NULL,
  filter_type TEXT NOT NULL,
  created TEXT NOT NULL,
  modified TEXT
);
CREATE TRIGGER IF NOT EXISTS sieve_filters_mailbox_gone AFTER DELETE ON mailbox BEGIN
  DELETE FROM sieve_filters WHERE username = OLD.username;
END;
`;

function mailboxAccess(ctx: ApiContext, username: PhpValue | undefined): string | null {
  if (!isValidEmail(username)) return null;
  const mailbox = ctx.store.getMailbox(username);
  return mailbox && hasDomainAccess(ctx, mailbox.domain) ? mailbox.username : null;
}

/** Throws SieveError; a filter whose script does not parse is never stored. */
function sieveError(script: string): Entry["msg"] | null {
  try {
    checkSieve(script);
    return null;
  } catch (error) {
    if (error instanceof SieveError) return ["sieve_error", error.message];
    throw error;
  }
}

function deactivateOthers(ctx: ApiContext, username: string, filterType: string): void {
  ctx.store.db
    .prepare("UPDATE sieve_filters SET script_name = 'inactive' WHERE username = ? AND filter_type = ?")
    .run(username, filterType);
}

export function addFilter(ctx: ApiContext, attr: PhpArray): WriteResult {
  const log = ["mailbox", "add", "filter", maskedLog(attr), null];
  const danger = (msg: Entry["msg"]): WriteResult => entries([{ type: "danger", log, msg }], false);
  // An API key has no mailbox of its own to fall back on (measured: "no_user_defined").
  if (!isset(field(attr, "username"))) return danger("no_user_defined");
  const username = mailboxAccess(ctx, field(attr, "username"));
  if (!username) return danger("access_denied");
  const script = field(attr, "script_data");
  if (empty(script)) return danger("script_empty");
  const scriptData = strval(script);
  const error = sieveError(scriptData);
  if (error) return danger(error);
  if (empty(field(attr, "script_desc"))) return danger("value_missing");
  const filterType = strval(field(attr, "filter_type"));
  if (filterType !== "prefilter" && filterType !== "postfilter") return danger("filter_type");
  const active = intval(field(attr, "active"));
  if (active) deactivateOthers(ctx, username, filterType);
  // The INSERT fails in MariaDB's strict mode (data too long): an uncaught PDOException, so an empty body.
  if (byteLength(scriptData) > SCRIPT_MAX_BYTES) return { kind: "fatal" };
  ctx.store.db
    .prepare(
      "INSERT INTO sieve_filters (username, script_desc, script_name, script_data, filter_type, created, modified) VALUES (?, ?, ?, ?, ?, ?, NULL)",
    )
    .run(username, strval(field(attr, "script_desc")), active ? "active" : "inactive", scriptData, filterType, ctx.now());
  return entries([{ type: "success", log, msg: ["mailbox_modified", username] }], null);
}

export function editFilters(ctx: ApiContext, items: PhpArray, attr: PhpArray): WriteResult {
  const log = ["mailbox", "edit", "filter", maskedLog({ id: items, ...(Array.isArray(attr) ? {} : attr) }), null];
  const result: Entry[] = [];
  for (const id of phpValues(items)) {
    const now = ctx.store.db.prepare("SELECT * FROM sieve_filters WHERE id = ?").get(intval(id)) as FilterRow | undefined;
    if (!now || !/^\d+$/.test(strval(id)) || !mailboxAccess(ctx, now.username)) {
      result.push({ type: "danger", log, msg: "access_denied" });
      continue;
    }
    const active = isset(field(attr, "active")) ? intval(field(attr, "active")) : now.script_name === "active" ? 1 : 0;
    const scriptDesc = empty(field(attr, "script_desc")) ? now.script_desc : strval(field(attr, "script_desc"));
    const scriptData = empty(field(attr, "script_data")) ? now.script_data : strval(field(attr, "script_data"));
    const filterType = empty(field(attr, "filter_type")) ? now.filter_type : strval(field(attr, "filter_type"));
    const error = sieveError(scriptData);
    if (error) {
      result.push({ type: "danger", log, msg: error });
      continue;
    }
    if (filterType !== "prefilter" && filterType !== "postfilter") {
      result.push({ type: "danger", log, msg: "filter_type" });
      continue;
    }
    if (active === 1) deactivateOthers(ctx, now.username, filterType);
    if (byteLength(scriptData) > SCRIPT_MAX_BYTES) return { kind: "fatal" };
    ctx.store.db
      .prepare("UPDATE sieve_filters SET script_desc = ?, script_data = ?, filter_type = ?, script_name = ?, modified = ? WHERE id = ?")
      .run(scriptDesc, scriptData, filterType, active === 1 ? "active" : "inactive", ctx.now(), now.id);
    result.push({ type: "success", log, msg: ["mailbox_modified", now.username] });
  }
  return entries(result, null);
}

export function deleteFilters(ctx: ApiContext, items: PhpArray): WriteResult {
  const log = ["mailbox", "delete", "filter", { id: items }, null];
  const result: Entry[] = [];
  for (const id of phpValues(items)) {
    const row = ctx.store.db.prepare("SELECT * FROM sieve_filters WHERE id = ?").get(intval(id)) as FilterRow | undefined;
    if (!row || !mailboxAccess(ctx, row.username)) {
      result.push({ type: "danger", log, msg: "access_denied" });
      continue;
    }
    ctx.store.db.prepare("DELETE FROM sieve_filters WHERE id = ?").run(row.id);
    result.push({ type: "success", log, msg: ["delete_filter", row.id] });
  }
  return entries(result, null);
}

function filterDetails(row: FilterRow): Record<string, unknown> {
  return {
    active: row.script_name === "active" ? 1 : 0,
    id: row.id,
    username: row.username,
    filter_type: row.filter_type,
    script_data: row.script_data,
    script_desc: row.script_desc,
  };
}

/** GET /get/filters/<mailbox> and /get/filters/all: ordered by id; no filters → '{}'. */
export function getFilters(ctx: ApiContext, object: string | undefined): ReadResult {
  if (object === "all") {
    const rows = ctx.store.db.prepare("SELECT * FROM sieve_filters ORDER BY id").all() as FilterRow[];
    return getReturn(rows.filter((row) => mailboxAccess(ctx, row.username)).map(filterDetails));
  }
  const username = mailboxAccess(ctx, object);
  if (!username) return getReturn(null);
  const rows = ctx.store.db.prepare("SELECT * FROM sieve_filters WHERE username = ? ORDER BY id").all(username) as FilterRow[];
  return getReturn(rows.map(filterDetails));
}

/** Active filters of a mailbox, for tests and the programmatic API. */
export function activeFilters(ctx: ApiContext, username: string): { id: number; filterType: string; script: string; description: string }[] {
  const rows = ctx.store.db
    .prepare("SELECT * FROM sieve_filters WHERE username = ? AND script_name = 'active' ORDER BY id")
    .all(username) as FilterRow[];
  return rows.map((row) => ({ id: row.id, filterType: row.filter_type, script: row.script_data, description: row.script_desc }));
}

export const filterResource: Resource = {
  schema: SCHEMA,
  tables: ["sieve_filters"],
  add: { filter: (ctx, attr) => addFilter(ctx, attr) },
  edit: { filter: (ctx, items, attr) => editFilters(ctx, items, attr) },
  delete: { filter: (ctx, items) => deleteFilters(ctx, items) },
  get: { filters: (ctx, route) => getFilters(ctx, route.object) },
};
