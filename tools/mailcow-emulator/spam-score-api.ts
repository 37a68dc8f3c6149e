// Per-mailbox spam thresholds: GET /get/spam-score/<mailbox>, POST /edit/spam-score. Mailcow keeps them in filterconf
// (lowspamlevel/highspamlevel); without them it reads rspamd's /actions, and answers "5,15" when rspamd cannot be
// reached. The emulator has no rspamd, so its default is that fallback (measured against Mailcow 2026-07a).
import { entries, getReturn, maskedLog, type ApiContext, type Entry, type ReadResult, type WriteResult } from "./api-context";
import { hasDomainAccess } from "./domain-api";
import { field, isValidEmail, phpValues, strval, type PhpValue } from "./php";
import type { PhpArray, Resource } from "./resource";

export const DEFAULT_SPAM_SCORE = "5,15";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS filterconf (
  object TEXT NOT NULL COLLATE NOCASE,
  option TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (object, option)
);
CREATE TRIGGER IF NOT EXISTS filterconf_mailbox_gone AFTER DELETE ON mailbox BEGIN
  DELETE FROM filterconf WHERE object = OLD.username;
END;
`;

const INVALID = 'Invalid spam score, format must be "1,2" where first is low and second is high spam value.';
/** PHP is_numeric(): leading whitespace allowed, trailing too since PHP 8. */
const NUMERIC = /^[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\r\v\f]*$/;

function mailboxOf(ctx: ApiContext, username: PhpValue | undefined): string | null {
  if (!isValidEmail(username)) return null;
  const mailbox = ctx.store.getMailbox(username);
  return mailbox && hasDomainAccess(ctx, mailbox.domain) ? mailbox.username : null;
}

/** PHP's float to string (precision 14). */
function phpFloat(n: number): string {
  return String(Number(n.toPrecision(14)));
}

export function editSpamScore(ctx: ApiContext, items: PhpArray, attr: PhpArray): WriteResult {
  const log = ["mailbox", "edit", "spam_score", maskedLog({ username: items, ...(Array.isArray(attr) ? {} : attr) }), null];
  const result: Entry[] = [];
  const score = strval(field(attr, "spam_score"));
  for (const item of phpValues(items)) {
    const username = mailboxOf(ctx, item);
    if (!username) {
      result.push({ type: "danger", log, msg: "access_denied" });
      continue;
    }
    if (score === "default") {
      ctx.store.db.prepare("DELETE FROM filterconf WHERE object = ? AND option IN ('lowspamlevel', 'highspamlevel')").run(username);
      result.push({ type: "success", log, msg: ["mailbox_modified", username] });
      continue;
    }
    const [low = "", high = ""] = score.split(",");
    if (!NUMERIC.test(low) || !NUMERIC.test(high)) {
      result.push({ type: "danger", log, msg: INVALID });
      continue;
    }
    // Equal thresholds would make rspamd's actions collide: Mailcow lifts the high one by 0.1.
    const highValue = Number(low) === Number(high) ? phpFloat(Number(high) + 0.1) : high.trim();
    const upsert = ctx.store.db.prepare(
      "INSERT INTO filterconf (object, option, value) VALUES (?, ?, ?) ON CONFLICT(object, option) DO UPDATE SET value = excluded.value",
    );
    upsert.run(username, "lowspamlevel", low.trim());
    upsert.run(username, "highspamlevel", highValue);
    result.push({ type: "success", log, msg: ["mailbox_modified", username] });
  }
  return entries(result, null);
}

export function spamScore(ctx: ApiContext, username: string): string {
  const rows = ctx.store.db.prepare("SELECT option, value FROM filterconf WHERE object = ?").all(username) as { option: string; value: string }[];
  const low = rows.find((r) => r.option === "lowspamlevel")?.value;
  const high = rows.find((r) => r.option === "highspamlevel")?.value;
  return low !== undefined && high !== undefined ? `${low},${high}`.replace(/ /g, "") : DEFAULT_SPAM_SCORE;
}

export function getSpamScore(ctx: ApiContext, object: string | undefined): ReadResult {
  const username = mailboxOf(ctx, object);
  return getReturn(username ? { score: spamScore(ctx, username) } : null);
}

export const spamScoreResource: Resource = {
  schema: SCHEMA,
  tables: ["filterconf"],
  edit: { "spam-score": (ctx, items, attr) => editSpamScore(ctx, items, attr) },
  get: { "spam-score": (ctx, route) => getSpamScore(ctx, route.object) },
};
