// Mailboxes: POST /add/mailbox, /edit/mailbox, /delete/mailbox and GET /get/mailbox/… with Mailcow's validation
// order, messages, quota arithmetic (MiB in, bytes out) and response field set, as read from functions.mailbox.inc.php
// and measured against the real PHP of Mailcow tag 2026-07a (the API contract's sections on mailboxes and errors).
import { MIB, entries, getReturn, maskedLog, type ApiContext, type Entry, type ReadResult, type WriteResult } from "./api-context";
import { hasDomainAccess } from "./domain-api";
import { checkPasswordPair, passwordCheckEntry } from "./password";
import {
  asciiLower,
  empty,
  field,
  htmlspecialchars,
  idnToAscii,
  intval,
  isValidDomainName,
  isValidEmail,
  isset,
  phpRound,
  phpTrim,
  phpValues,
  strval,
  toPhpArray,
  type PhpAssoc,
  type PhpValue,
} from "./php";
import { lastLogins } from "./passdb";
import { ROUTE_NOT_FOUND, type Resource } from "./resource";
import { setExtendedSenderAcl, setSenderAcl, senderAclOf } from "./sender-acl";
import type { MailboxAttributes, MailboxRow } from "./store";
import { liveSpamAliases } from "./time-limited-alias-api";

/** Mailcow's TAGGING_LIMIT: tags with index > 25 are refused with a warning. */
const TAGGING_LIMIT = 25;

const PROTOCOLS = ["imap", "pop3", "smtp", "sieve", "eas", "dav"] as const;

/** Default mailbox template (init_db.inc.php) as far as the API exposes it. */
const TEMPLATE_FLAGS = {
  force_pw_update: 0,
  force_tfa: 0,
  tls_enforce_in: 0,
  tls_enforce_out: 0,
  sogo_access: 1,
  imap_access: 1,
  pop3_access: 1,
  smtp_access: 1,
  sieve_access: 1,
  eas_access: 1,
  dav_access: 1,
  relayhost: 0,
} as const;

type FlagName = keyof typeof TEMPLATE_FLAGS;
const FLAG_NAMES = Object.keys(TEMPLATE_FLAGS) as FlagName[];

const QUARANTINE_CATEGORIES = ["add_header", "reject", "all"];

/** The attribute object in Mailcow's key order; flags are strings. */
export function defaultAttributes(now: string, flags: Partial<Record<string, number>> = {}): MailboxAttributes {
  const attributes: MailboxAttributes = {};
  for (const name of FLAG_NAMES) {
    attributes[name] = String(flags[name] ?? TEMPLATE_FLAGS[name]);
    if (name === "relayhost") {
      attributes.passwd_update = now;
      attributes.mailbox_format = "maildir:";
      attributes.quarantine_notification = "hourly";
      attributes.quarantine_category = "reject";
      attributes.attribute_hash = "";
    }
  }
  return attributes;
}

/** `protocol_access: ["imap", …]` overrides the per-protocol flags it names (sogo_access stays). */
function protocolFlags(value: PhpValue | undefined): Partial<Record<FlagName, number>> | null {
  if (!isset(value)) return null;
  const list = phpValues(toPhpArray(value)).map((v) => strval(v));
  const flags: Partial<Record<FlagName, number>> = {};
  for (const protocol of PROTOCOLS) flags[`${protocol}_access`] = list.includes(protocol) ? 1 : 0;
  return flags;
}

function trimName(value: PhpValue | undefined): string {
  // ltrim(rtrim($name, '>'), '<'): only angle brackets at the ends go, nothing else is cleaned.
  return strval(value).replace(/>+$/, "").replace(/^<+/, "");
}

/** Domain's total quota minus every other mailbox's allocation, capped by the per-mailbox maximum (bytes). */
function maxNewQuota(ctx: ApiContext, mailbox: MailboxRow, allocated: (domain: string) => number = allocatedIn(ctx)): number {
  const domain = ctx.store.getDomain(mailbox.domain);
  if (!domain) return 0;
  return Math.min(domain.quota * MIB - (allocated(mailbox.domain) - mailbox.quota), domain.maxquota * MIB);
}

/** SUM(quota) per domain, remembered for the length of one request (lists would otherwise sum once per row). */
function allocatedIn(ctx: ApiContext): (domain: string) => number {
  const cache = new Map<string, number>();
  return (domain) => {
    const key = domain.toLowerCase();
    let value = cache.get(key);
    if (value === undefined) {
      value = ctx.store.domainUsage(domain).allocatedBytes;
      cache.set(key, value);
    }
    return value;
  };
}

export function addMailbox(ctx: ApiContext, attr: PhpValue[] | PhpAssoc): WriteResult {
  const log = ["mailbox", "add", "mailbox", maskedLog(attr), null];
  const danger = (msg: Entry["msg"]): WriteResult => entries([{ type: "danger", log, msg }], false);

  const localPart = asciiLower(phpTrim(strval(field(attr, "local_part"))));
  const domain = idnToAscii(asciiLower(phpTrim(strval(field(attr, "domain")))));
  const username = `${localPart}@${domain}`;
  if (!isValidEmail(username)) return danger("mailbox_invalid");
  if (empty(field(attr, "local_part"))) return danger("mailbox_invalid");
  // NOTE: without an API key Mailcow reaches a role-gated template lookup, hits a PHP TypeError and answers 200 with
  // an empty body (API-CONTRACT §2). Reproduced as is: nothing is created.
  if (ctx.role !== "admin") return { kind: "fatal" };

  const quotaMiB = isset(field(attr, "quota")) ? intval(field(attr, "quota")) : 0;
  const quarantineCategory = isset(field(attr, "quarantine_category")) ? strval(field(attr, "quarantine_category")) : "reject";
  if (!QUARANTINE_CATEGORIES.includes(quarantineCategory)) return danger("quarantine_category_invalid");
  if (!isValidDomainName(domain)) return danger("domain_invalid");
  if (!hasDomainAccess(ctx, domain)) return danger("access_denied");
  if (ctx.store.getMailbox(username)) return danger(["object_exists", htmlspecialchars(username)]);
  if (ctx.store.getAliasByAddress(username)) return danger(["is_alias", htmlspecialchars(username)]);
  const domainRow = ctx.store.getDomain(domain);
  if (!domainRow) return danger(["domain_not_found", htmlspecialchars(domain)]);

  const password = checkPasswordPair(field(attr, "password"), field(attr, "password2"), ctx.policy());
  if (!password.ok) return entries([passwordCheckEntry(password.msg)], false);

  const usage = ctx.store.domainUsage(domain);
  if (usage.count >= domainRow.mailboxes) return danger(["max_mailbox_exceeded", usage.count, domainRow.mailboxes]);
  if (quotaMiB > domainRow.maxquota) return danger(["mailbox_quota_exceeded", domainRow.maxquota]);
  const allocatedMiB = phpRound(usage.allocatedBytes / MIB);
  if (allocatedMiB + quotaMiB > domainRow.quota) return danger(["mailbox_quota_left_exceeded", domainRow.quota - allocatedMiB]);

  const flags: Partial<Record<FlagName, number>> = {};
  for (const name of FLAG_NAMES) if (isset(field(attr, name))) flags[name] = intval(field(attr, name));
  Object.assign(flags, protocolFlags(field(attr, "protocol_access")));
  const now = ctx.now();
  const attributes = defaultAttributes(now, flags);
  if (isset(field(attr, "quarantine_notification"))) attributes.quarantine_notification = strval(field(attr, "quarantine_notification"));
  attributes.quarantine_category = quarantineCategory;
  if (!empty(field(attr, "attribute_hash"))) attributes.attribute_hash = strval(field(attr, "attribute_hash"));

  const active = isset(field(attr, "active")) ? intval(field(attr, "active")) : 1;
  const rlFrame = isset(field(attr, "rl_frame")) ? (field(attr, "rl_frame") as PhpValue) : "s";
  const rlValue = isset(field(attr, "rl_value")) ? (field(attr, "rl_value") as PhpValue) : "";
  const ownLimit = !empty(rlValue) && intval(rlValue) > 0 && ["s", "m", "h", "d"].includes(strval(rlFrame));

  const result: Entry[] = [];
  ctx.store.transaction(() => {
    ctx.store.insertMailbox({
      username,
      local_part: localPart,
      domain,
      name: trimName(field(attr, "name")),
      password: ctx.hashPassword(password.password),
      quota: quotaMiB * MIB,
      active,
      attributes,
      authsource: "mailcow",
      rl_value: ownLimit ? String(intval(rlValue)) : null,
      rl_frame: ownLimit ? strval(rlFrame) : null,
      bytes: 0,
      messages: 0,
      created: now,
      modified: now,
    });
    result.push(...saveTags(ctx, username, field(attr, "tags"), log));
    ctx.store.insertAlias({
      address: username,
      goto: username,
      domain,
      public_comment: null,
      private_comment: null,
      sogo_visible: 1,
      internal: 0,
      sender_allowed: 0,
      active,
      created: now,
      modified: null,
    });
  });
  result.push({
    type: "success",
    log: ["ratelimit", "edit", "mailbox", { object: username, rl_frame: rlFrame, rl_value: rlValue }],
    msg: ["rl_saved", htmlspecialchars(username)],
  });
  result.push({ type: "success", log, msg: ["mailbox_added", htmlspecialchars(username)] });
  return entries(result, true);
}

/** Tags are only ever added (Mailcow removes them through /delete/mailbox/tag/…). */
function saveTags(ctx: ApiContext, username: string, tags: PhpValue | undefined, log: unknown[]): Entry[] {
  if (!Array.isArray(tags) && !(typeof tags === "object" && tags !== null)) return [];
  const warnings: Entry[] = [];
  phpValues(toPhpArray(tags)).forEach((tag, index) => {
    if (warnings.length > 0 || empty(tag)) return;
    if (index > TAGGING_LIMIT) {
      warnings.push({ type: "warning", log, msg: ["tag_limit_exceeded", `limit ${TAGGING_LIMIT}`] });
      return;
    }
    ctx.store.addMailboxTag(username, strval(tag));
  });
  return warnings;
}

export function editMailbox(ctx: ApiContext, items: PhpValue[] | PhpAssoc, attr: PhpValue[] | PhpAssoc): WriteResult {
  const data: PhpAssoc = { username: items, ...(Array.isArray(attr) ? {} : attr) };
  const log = ["mailbox", "edit", "mailbox", maskedLog(data), null];
  const result: Entry[] = [];
  const a = (key: string) => field(data, key);

  // array_merge(['username' => $items], $attr): an attr key "username" would win, as in Mailcow.
  for (const item of phpValues(toPhpArray(data.username))) {
    if (!isValidEmail(item)) {
      result.push({ type: "danger", log, msg: ["username_invalid", htmlspecialchars(strval(item))] });
      continue;
    }
    const mailbox = ctx.store.getMailbox(item);
    if (!mailbox || !hasDomainAccess(ctx, mailbox.domain)) {
      result.push({ type: "danger", log, msg: "access_denied" });
      continue;
    }

    // `quota: ""` (or null) keeps the current quota; anything else is intval'd MiB.
    const quotaMiB = isset(a("quota")) && a("quota") !== "" ? intval(a("quota")) : mailbox.quota / MIB;
    const maxNewMiB = maxNewQuota(ctx, mailbox) / MIB;
    if (quotaMiB > maxNewMiB) {
      result.push({ type: "danger", log, msg: ["mailbox_quota_left_exceeded", maxNewMiB] });
      continue;
    }

    let passwordHash: string | undefined;
    if (!empty(a("password"))) {
      const check = checkPasswordPair(a("password"), a("password2"), ctx.policy());
      if (!check.ok) {
        result.push(passwordCheckEntry(check.msg));
        continue;
      }
      passwordHash = ctx.hashPassword(check.password);
    }

    const now = ctx.now();
    const attributes: MailboxAttributes = { ...mailbox.attributes };
    for (const name of FLAG_NAMES) if (isset(a(name))) attributes[name] = String(intval(a(name)));
    for (const [name, value] of Object.entries(protocolFlags(a("protocol_access")) ?? {})) attributes[name] = String(value);
    attributes.attribute_hash = empty(a("attribute_hash")) ? "" : strval(a("attribute_hash"));
    if (passwordHash) attributes.passwd_update = now;
    // The edit writes recovery_email every time, so the key appears (as null) after the first edit (measured).
    attributes.recovery_email = isset(a("pw_recovery_email"))
      ? isValidEmail(a("pw_recovery_email"))
        ? strval(a("pw_recovery_email"))
        : ""
      : (mailbox.attributes.recovery_email ?? null);

    const active = isset(a("active")) ? intval(a("active")) : mailbox.active;
    ctx.store.transaction(() => {
      ctx.store.updateMailbox(mailbox.username, {
        active,
        name: empty(a("name")) ? mailbox.name : trimName(a("name")),
        quota: quotaMiB * MIB,
        password: passwordHash,
        attributes,
        modified: now,
      });
      const selfAlias = ctx.store.getAliasByAddress(mailbox.username);
      if (selfAlias && active !== mailbox.active) ctx.store.updateAlias(selfAlias.id, { active, modified: now });
      saveTags(ctx, mailbox.username, a("tags"), log).forEach((warning) => result.push(warning));
      if (a("sender_acl") !== undefined) result.push(...setSenderAcl(ctx, mailbox.username, a("sender_acl") as PhpValue, log));
      if (a("extended_sender_acl") !== undefined) {
        result.push(...setExtendedSenderAcl(ctx, mailbox.username, a("extended_sender_acl") as PhpValue, log));
      }
    });
    result.push({ type: "success", log, msg: ["mailbox_modified", htmlspecialchars(mailbox.username)] });
  }
  return entries(result, null);
}

export function deleteMailboxes(ctx: ApiContext, items: PhpValue[] | PhpAssoc): WriteResult {
  const log = ["mailbox", "delete", "mailbox", { username: items }, null];
  const result: Entry[] = [];
  for (const item of phpValues(items)) {
    const mailbox = isValidEmail(item) ? ctx.store.getMailbox(item) : null;
    if (!mailbox || !hasDomainAccess(ctx, mailbox.domain)) {
      result.push({ type: "danger", log, msg: "access_denied" });
      continue;
    }
    ctx.store.transaction(() => removeMailbox(ctx, mailbox.username));
    result.push({ type: "success", log, msg: ["mailbox_removed", htmlspecialchars(mailbox.username)] });
  }
  return entries(result, null);
}

/** The mailbox, its tags and self-alias; aliases pointing only at it go, multi-target aliases lose it. */
export function removeMailbox(ctx: ApiContext, username: string): void {
  const now = ctx.now();
  ctx.store.deleteMailbox(username);
  for (const alias of ctx.store.aliasesMentioning(username)) {
    if (alias.address.toLowerCase() === username.toLowerCase() || alias.goto.toLowerCase() === username.toLowerCase()) {
      ctx.store.deleteAlias(alias.id);
      continue;
    }
    const gotos = alias.goto.split(",");
    const kept = gotos.filter((g) => g.toLowerCase() !== username.toLowerCase());
    if (kept.length !== gotos.length) ctx.store.updateAlias(alias.id, { goto: kept.join(","), modified: now });
  }
}

/** POST /delete/mailbox/tag/<mailbox> with a JSON list of tags; unknown tags are no error (measured). */
export function deleteMailboxTags(ctx: ApiContext, items: PhpValue[] | PhpAssoc, mailbox: string | undefined): WriteResult {
  const tags = phpValues(items).map((tag) => strval(tag));
  const log = ["mailbox", "delete", "tags_mailbox", { tags: items, username: mailbox ?? null }, null];
  const row = isValidEmail(mailbox) ? ctx.store.getMailbox(mailbox) : null;
  if (!row || !hasDomainAccess(ctx, row.domain)) return entries([{ type: "danger", log, msg: "access_denied" }], false);
  ctx.store.removeMailboxTags(row.username, tags);
  return entries([{ type: "success", log, msg: ["mailbox_modified", htmlspecialchars(row.username)] }], null);
}

export type DetailMode = "full" | "reduced";

/** mailbox('get', 'mailbox_details'): field set, order and JSON types as measured (§8, §18). */
export function mailboxDetails(
  ctx: ApiContext,
  username: PhpValue | undefined,
  mode: DetailMode = "full",
  allocated: (domain: string) => number = allocatedIn(ctx),
): Record<string, unknown> | null {
  if (!isValidEmail(username)) return null;
  const row = ctx.store.getMailbox(username);
  if (!row) return null;
  const percent = row.quota === 0 ? "- " : phpRound((row.bytes / row.quota) * 100);
  const logins = lastLogins(ctx, row.username);
  const percentClass =
    row.quota === 0 ? "info" : (percent as number) >= 90 ? "danger" : (percent as number) >= 75 ? "warning" : "success";
  const details: Record<string, unknown> = {
    username: row.username,
    active: row.active,
    active_int: row.active,
    domain: row.domain,
    name: row.name,
    local_part: row.local_part,
    quota: row.quota,
    messages: row.messages,
    attributes: row.attributes,
    custom_attributes: [],
    quota_used: row.bytes,
    percent_in_use: percent,
    created: row.created,
    modified: row.modified,
    authsource: row.authsource,
    percent_class: percentClass,
    last_imap_login: Math.max(ctx.lastImapLogin(row.username), logins.imap),
    last_smtp_login: logins.smtp,
    last_pop3_login: logins.pop3,
    last_sso_login: 0,
  };
  if (mode === "full") {
    details.max_new_quota = maxNewQuota(ctx, row, allocated);
    details.spam_aliases = liveSpamAliases(ctx, row.username).length;
    details.pushover_active = 0;
    details.rl = row.rl_value ? { value: row.rl_value, frame: row.rl_frame } : false;
    details.rl_scope = row.rl_value ? "mailbox" : "domain";
    details.is_relayed = 0;
    details.sender_acl = senderAclOf(ctx, row.username);
  }
  const tags = ctx.store.mailboxTags(row.username);
  if (tags.length > 0) details.tags = tags;
  return details;
}

/**
 * mailbox('get', 'mailboxes', $domain). NOTE: a name that is not a configured domain (a typo, an alias domain, even an
 * email address) lists the mailboxes of every domain: Mailcow's own pitfall, kept so adapters learn to filter.
 */
function mailboxesOf(ctx: ApiContext, domain: string): string[] {
  const known = ctx.store.getDomain(domain);
  return ctx.store.listMailboxes({ domain: known ? known.domain : undefined }).map((m) => m.username);
}

/**
 * With `?tags=` Mailcow (2026-07a) runs `tag_name LIKE '%<tag>%'` per tag (UNION, so OR, case-insensitive, `_` any
 * character) and `username LIKE '%<domain>%'`: `/all/example` matches example.org and small.example alike.
 */
function usernamesFor(ctx: ApiContext, domain: string, tags: string[] | null): string[] {
  return tags ? ctx.store.usernamesByTags(tags, domain) : mailboxesOf(ctx, domain);
}

export function getMailbox(ctx: ApiContext, object: string | undefined, extra: string | undefined, tagsQuery: string | null): ReadResult {
  const tags = tagsQuery ? tagsQuery.split(",") : null;
  const allocated = allocatedIn(ctx);
  if (object === "all" || object === "reduced") {
    const domains = empty(extra) ? ctx.store.listDomains().map((d) => d.domain) : (extra as string).split(",");
    if (domains.length === 0) return { kind: "literal", body: "{}" };
    const data: unknown[] = [];
    for (const domain of domains) {
      for (const username of usernamesFor(ctx, domain, tags)) {
        const details = mailboxDetails(ctx, username, object === "reduced" ? "reduced" : "full", allocated);
        if (details) data.push(details);
      }
    }
    return getReturn(data);
  }
  if (tags === null) return getReturn(mailboxDetails(ctx, object));
  // With ?tags= a single-object lookup treats the object as a domain and answers a list ('[]' when empty).
  const data = usernamesFor(ctx, object ?? "", tags).map((username) => mailboxDetails(ctx, username, "full", allocated));
  return getReturn(data, "[]");
}

/** Mailboxes that "already existed" (seeded, not created through the API): no limit checks, same row shape. */
export function seedMailboxRow(
  ctx: ApiContext,
  input: {
    localPart: string;
    domain: string;
    name: string;
    quotaMiB: number;
    passwordHash: string;
    active: number;
    tags: string[];
    attributes?: MailboxAttributes;
  },
): void {
  const username = `${asciiLower(input.localPart)}@${input.domain}`;
  const now = ctx.now();
  ctx.store.transaction(() => {
    ctx.store.insertMailbox({
      username,
      local_part: asciiLower(input.localPart),
      domain: input.domain,
      name: input.name,
      password: input.passwordHash,
      quota: input.quotaMiB * MIB,
      active: input.active,
      attributes: input.attributes ?? defaultAttributes(now),
      authsource: "mailcow",
      rl_value: null,
      rl_frame: null,
      bytes: 0,
      messages: 0,
      created: now,
      modified: now,
    });
    for (const tag of input.tags) ctx.store.addMailboxTag(username, tag);
    ctx.store.insertAlias({
      address: username,
      goto: username,
      domain: input.domain,
      public_comment: null,
      private_comment: null,
      sogo_visible: 1,
      internal: 0,
      sender_allowed: 0,
      active: input.active,
      created: now,
      modified: null,
    });
  });
}


export const mailboxResource: Resource = {
  // Templates and custom attributes are not emulated.
  add: { mailbox: (ctx, attr, route) => (route.object === "template" ? ROUTE_NOT_FOUND : addMailbox(ctx, attr)) },
  edit: {
    mailbox: (ctx, items, attr, route) =>
      route.object === "template" || route.object === "custom-attribute" ? ROUTE_NOT_FOUND : editMailbox(ctx, items, attr),
  },
  delete: {
    mailbox: (ctx, items, route) =>
      route.object === "template" ? ROUTE_NOT_FOUND : route.object === "tag" ? deleteMailboxTags(ctx, items, route.extra) : deleteMailboxes(ctx, items),
  },
  get: { mailbox: (ctx, route) => getMailbox(ctx, route.object, route.extra, route.search.get("tags") || null) },
};
