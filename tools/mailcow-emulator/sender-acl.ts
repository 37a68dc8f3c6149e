// Send-as rights (sender_acl), set through edit/mailbox. Measured against Mailcow 2026-07a: `sender_acl` replaces the
// mailbox's internal list (addresses of mailboxes/aliases, "@domain" of a Mailcow domain, "*"); an invalid entry is a
// danger "sender_acl_invalid" next to the edit's success, and the old list is gone anyway; ["default"] clears it.
// `extended_sender_acl` holds external addresses (external=1), never shown by get/mailbox; a Mailcow domain there is
// ["extra_acl_invalid_domain",null]; "" clears it.
import type { ApiContext, Entry } from "./api-context";
import { isValidDomainName, isValidEmail, phpTrim, phpValues, strval, toPhpArray, type PhpValue } from "./php";
import type { Resource } from "./resource";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sender_acl (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  logged_in_as TEXT NOT NULL COLLATE NOCASE,
  send_as TEXT NOT NULL,
  external INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER IF NOT EXISTS sender_acl_mailbox_gone AFTER DELETE ON mailbox BEGIN
  DELETE FROM sender_acl WHERE logged_in_as = OLD.username;
END;
`;

const isMailcowDomain = (ctx: ApiContext, domain: string) => ctx.store.getDomain(domain) !== null || ctx.store.getAliasDomain(domain) !== null;

function replace(ctx: ApiContext, username: string, external: 0 | 1, list: string[]): void {
  ctx.store.db.prepare("DELETE FROM sender_acl WHERE logged_in_as = ? AND external = ?").run(username, external);
  const insert = ctx.store.db.prepare("INSERT INTO sender_acl (logged_in_as, send_as, external) VALUES (?, ?, ?)");
  for (const sendAs of list) insert.run(username, sendAs, external);
}

/** edit/mailbox `sender_acl`: the danger entries it adds (the edit itself still succeeds). */
export function setSenderAcl(ctx: ApiContext, username: string, value: PhpValue, log: unknown[]): Entry[] {
  const warnings: Entry[] = [];
  const kept: string[] = [];
  for (const raw of phpValues(toPhpArray(value)).map((v) => phpTrim(strval(v)))) {
    if (raw === "" || raw === "default") continue;
    const valid =
      raw === "*" ||
      (raw.startsWith("@") && isValidDomainName(raw.slice(1)) && isMailcowDomain(ctx, raw.slice(1))) ||
      (isValidEmail(raw) && (ctx.store.getMailbox(raw) !== null || ctx.store.getAliasByAddress(raw) !== null));
    if (valid) kept.push(raw);
    else warnings.push({ type: "danger", log, msg: ["sender_acl_invalid", raw] });
  }
  replace(ctx, username, 0, kept);
  return warnings;
}

/** edit/mailbox `extended_sender_acl`: comma- or space-separated external addresses or "@domain"s. */
export function setExtendedSenderAcl(ctx: ApiContext, username: string, value: PhpValue, log: unknown[]): Entry[] {
  const warnings: Entry[] = [];
  const kept: string[] = [];
  for (const raw of strval(value).split(/[\s,;]+/).filter((v) => v !== "")) {
    const domain = raw.slice(raw.indexOf("@") + 1);
    if (!raw.includes("@") || !isValidDomainName(domain) || (!raw.startsWith("@") && !isValidEmail(raw))) {
      warnings.push({ type: "danger", log, msg: ["extra_acl_invalid", raw] });
    } else if (isMailcowDomain(ctx, domain)) warnings.push({ type: "danger", log, msg: ["extra_acl_invalid_domain", null] });
    else kept.push(raw);
  }
  replace(ctx, username, 1, kept);
  return warnings;
}

/** get/mailbox `sender_acl`: the internal entries in the order they were stored. */
export function senderAclOf(ctx: ApiContext, username: string): string[] {
  const rows = ctx.store.db.prepare("SELECT send_as FROM sender_acl WHERE logged_in_as = ? AND external = 0 ORDER BY id").all(username) as {
    send_as: string;
  }[];
  return rows.map((r) => r.send_as);
}

export const senderAclResource: Resource = { schema: SCHEMA, tables: ["sender_acl"] };
