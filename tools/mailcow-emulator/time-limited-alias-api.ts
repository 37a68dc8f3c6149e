// Time-limited ("spam") aliases: POST /add/time_limited_alias, /edit/time_limited_alias, /delete/time_limited_alias,
// GET /get/time_limited_aliases/<mailbox>. Measured against Mailcow 2026-07a: the domain must be the mailbox's own or
// one of its alias domains (else "domain_invalid"); validity is in hours, 1…87600 (default 8760, else
// "validity_missing"); the address is random and not in the answer; edit answers ["mailbox_modified",""]; a live
// one blocks a regular alias of the same address (is_spam_alias); they do not count toward the domain's alias limit.
import { entries, getReturn, maskedLog, type ApiContext, type Entry, type ReadResult, type WriteResult } from "./api-context";
import { hasDomainAccess } from "./domain-api";
import { field, intval, isValidEmail, isset, phpValues, strval, type PhpValue } from "./php";
import type { PhpArray, Resource } from "./resource";

interface SpamAliasRow {
  address: string;
  goto: string;
  description: string | null;
  validity: number;
  created: string;
  modified: string | null;
  permanent: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spamalias (
  address TEXT PRIMARY KEY COLLATE NOCASE,
  goto TEXT NOT NULL COLLATE NOCASE,
  description TEXT,
  validity INTEGER NOT NULL,
  created TEXT NOT NULL,
  modified TEXT,
  permanent INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER IF NOT EXISTS spamalias_mailbox_gone AFTER DELETE ON mailbox BEGIN
  DELETE FROM spamalias WHERE goto = OLD.username;
END;
`;

const VALIDITY_MAX_HOURS = 87_600;

/** FILTER_VALIDATE_INT with min 1 and max 87600: integers (as numbers or digit strings) only. */
function validHours(value: PhpValue | undefined): number | null {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  if (!/^[+-]?\d+$/.test(text)) return null;
  const hours = Number(text);
  return hours >= 1 && hours <= VALIDITY_MAX_HOURS ? hours : null;
}

function mailboxOf(ctx: ApiContext, username: PhpValue | undefined): { username: string; domain: string } | null {
  if (!isValidEmail(username)) return null;
  const mailbox = ctx.store.getMailbox(username);
  return mailbox && hasDomainAccess(ctx, mailbox.domain) ? { username: mailbox.username, domain: mailbox.domain } : null;
}

export function addTimeLimitedAlias(ctx: ApiContext, attr: PhpArray): WriteResult {
  const log = ["mailbox", "add", "time_limited_alias", maskedLog(attr), null];
  const danger = (msg: Entry["msg"]): WriteResult => entries([{ type: "danger", log, msg }], false);
  const mailbox = mailboxOf(ctx, field(attr, "username"));
  if (!mailbox) return danger("access_denied");
  let hours = 8760;
  if (isset(field(attr, "validity"))) {
    const valid = validHours(field(attr, "validity"));
    if (valid === null) return danger("validity_missing");
    hours = valid;
  }
  const domain = strval(field(attr, "domain"));
  const aliasDomains = ctx.store.listAliasDomains().filter((d) => d.target_domain.toLowerCase() === mailbox.domain.toLowerCase());
  const validDomains = [mailbox.domain, ...aliasDomains.map((d) => d.alias_domain)];
  if (!validDomains.includes(domain)) return danger("domain_invalid");
  let address: string;
  do address = `${ctx.spamAliasLocalPart()}@${domain}`;
  while (spamAlias(ctx, address) || ctx.store.getAliasByAddress(address));
  ctx.store.db
    .prepare("INSERT INTO spamalias (address, goto, description, validity, created, modified, permanent) VALUES (?, ?, ?, ?, ?, NULL, ?)")
    .run(
      address,
      mailbox.username,
      isset(field(attr, "description")) ? strval(field(attr, "description")) : null,
      ctx.unixNow() + hours * 3600,
      ctx.now(),
      intval(field(attr, "permanent")) ? 1 : 0,
    );
  return entries([{ type: "success", log, msg: ["mailbox_modified", mailbox.username] }], null);
}

/**
 * Items are addresses. `permanent: 1` stores validity 0 (measured, TA.13); `validity` restarts the clock from now.
 * NOTE: an unknown address answers "access_denied" here (as delete does; not recorded for edit).
 */
export function editTimeLimitedAliases(ctx: ApiContext, items: PhpArray, attr: PhpArray): WriteResult {
  const log = ["mailbox", "edit", "time_limited_alias", maskedLog({ address: items, ...(Array.isArray(attr) ? {} : attr) }), null];
  const result: Entry[] = [];
  for (const item of phpValues(items)) {
    const row = spamAlias(ctx, strval(item));
    if (!row || !mailboxOf(ctx, row.goto)) {
      result.push({ type: "danger", log, msg: "access_denied" });
      continue;
    }
    let validity = row.validity;
    if (isset(field(attr, "validity"))) {
      const hours = validHours(field(attr, "validity"));
      if (hours === null) {
        result.push({ type: "danger", log, msg: "validity_missing" });
        continue;
      }
      validity = ctx.unixNow() + hours * 3600;
    }
    const permanent = isset(field(attr, "permanent")) ? (intval(field(attr, "permanent")) ? 1 : 0) : row.permanent;
    if (permanent === 1 && isset(field(attr, "permanent"))) validity = 0;
    ctx.store.db
      .prepare("UPDATE spamalias SET validity = ?, permanent = ?, modified = ? WHERE address = ?")
      .run(validity, permanent, ctx.now(), row.address);
    result.push({ type: "success", log, msg: ["mailbox_modified", ""] });
  }
  return entries(result, null);
}

export function deleteTimeLimitedAliases(ctx: ApiContext, items: PhpArray): WriteResult {
  const log = ["mailbox", "delete", "time_limited_alias", { address: items }, null];
  const result: Entry[] = [];
  for (const item of phpValues(items)) {
    const row = spamAlias(ctx, strval(item));
    if (!row || !mailboxOf(ctx, row.goto)) {
      result.push({ type: "danger", log, msg: "access_denied" });
      continue;
    }
    ctx.store.db.prepare("DELETE FROM spamalias WHERE address = ?").run(row.address);
    result.push({ type: "success", log, msg: ["mailbox_modified", row.goto] });
  }
  return entries(result, null);
}

/** Live ones (validity in the future, or permanent), ordered by address as MariaDB's primary key returns them. */
export function liveSpamAliases(ctx: ApiContext, username: string): SpamAliasRow[] {
  return ctx.store.db
    .prepare("SELECT * FROM spamalias WHERE goto = ? AND (validity >= ? OR permanent != 0) ORDER BY address")
    .all(username, ctx.unixNow()) as SpamAliasRow[];
}

export function spamAlias(ctx: ApiContext, address: string): SpamAliasRow | null {
  return (ctx.store.db.prepare("SELECT * FROM spamalias WHERE address = ?").get(address) as SpamAliasRow | undefined) ?? null;
}

export function getTimeLimitedAliases(ctx: ApiContext, object: string | undefined): ReadResult {
  const mailbox = mailboxOf(ctx, object);
  if (!mailbox) return getReturn(null);
  return getReturn(
    liveSpamAliases(ctx, mailbox.username).map((row) => ({
      address: row.address,
      goto: row.goto,
      description: row.description,
      validity: row.validity,
      created: row.created,
      modified: row.modified,
      permanent: row.permanent,
    })),
  );
}

const CONSONANTS = "bcdfghjklmnpqrstvwxz";
const VOWELS = "aeiou";

/** Mailcow's readable_random_string() twice: alternating consonants and vowels, e.g. "cayavi.nojukavo". */
export function readableLocalPart(random: () => number = Math.random): string {
  const word = (length: number) =>
    Array.from({ length }, (_, i) => {
      const letters = i % 2 === 0 ? CONSONANTS : VOWELS;
      return letters[Math.floor(random() * letters.length)];
    }).join("");
  return `${word(2 + Math.floor(random() * 7))}.${word(4 + Math.floor(random() * 5))}`;
}

export const timeLimitedAliasResource: Resource = {
  schema: SCHEMA,
  tables: ["spamalias"],
  add: { time_limited_alias: (ctx, attr) => addTimeLimitedAlias(ctx, attr) },
  edit: { time_limited_alias: (ctx, items, attr) => editTimeLimitedAliases(ctx, items, attr) },
  delete: { time_limited_alias: (ctx, items) => deleteTimeLimitedAliases(ctx, items) },
  get: { time_limited_aliases: (ctx, route) => getTimeLimitedAliases(ctx, route.object) },
};
