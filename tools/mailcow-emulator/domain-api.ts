// Domains and alias domains: GET /get/domain/{domain|all}, POST /add/domain, /edit/domain, /add/alias-domain,
// /delete/domain. The emulator seeds one domain itself (or a seed file's domains); add/domain and add/alias-domain
// exist so recorded Mailcow sessions (which create their domains through the API) replay unchanged.
import { MIB, entries, getReturn, maskedLog, type ApiContext, type Entry, type ReadResult, type WriteResult } from "./api-context";
import { asciiLower, empty, field, htmlspecialchars, idnToAscii, idnToUtf8, intval, isValidDomainName, isset, phpRound, phpTrim, phpValues, strval, type PhpAssoc, type PhpValue } from "./php";
import { ROUTE_NOT_FOUND, type PhpArray, type Resource } from "./resource";
import type { DomainRow } from "./store";

/** hasDomainAccess() for the two roles the API knows: an admin key reaches every domain and alias domain. */
export function hasDomainAccess(ctx: ApiContext, domain: string): boolean {
  if (ctx.role !== "admin") return false;
  return ctx.store.getDomain(domain) !== null || ctx.store.getAliasDomain(domain) !== null;
}

/** The real domain behind a name: itself, or the target of an alias domain. */
export function resolveDomain(ctx: ApiContext, name: string): DomainRow | null {
  const domain = ctx.store.getDomain(name);
  if (domain) return domain;
  const alias = ctx.store.getAliasDomain(name);
  return alias ? ctx.store.getDomain(alias.target_domain) : null;
}

/** mailbox('get', 'domain_details'): field order and types as measured (bytes as ints, allocation as a string). */
export function domainDetails(ctx: ApiContext, name: string): Record<string, unknown> | null {
  const row = resolveDomain(ctx, name);
  if (!row) return null;
  const usage = ctx.store.domainUsage(row.domain);
  const aliasCount = ctx.store.countAliases(row.domain);
  const maxNew = Math.min(row.quota * MIB - usage.allocatedBytes, row.maxquota * MIB);
  const tags = ctx.store.domainTags(row.domain);
  const details: Record<string, unknown> = {
    max_new_mailbox_quota: maxNew,
    def_new_mailbox_quota: Math.min(maxNew, row.defquota * MIB),
    quota_used_in_domain: String(usage.allocatedBytes),
    // SUM() over quota2 arrives as a string once there is usage, and as the literal 0 without it (measured).
    bytes_total: usage.bytes === 0 ? 0 : String(usage.bytes),
    msgs_total: usage.messages === 0 ? 0 : String(usage.messages),
    mboxes_in_domain: usage.count,
    mboxes_left: row.mailboxes - usage.count,
    domain_name: row.domain,
    domain_h_name: idnToUtf8(row.domain),
    description: row.description,
    max_num_aliases_for_domain: row.aliases,
    max_num_mboxes_for_domain: row.mailboxes,
    def_quota_for_mbox: row.defquota * MIB,
    max_quota_for_mbox: row.maxquota * MIB,
    max_quota_for_domain: row.quota * MIB,
    relayhost: "0",
    backupmx: row.backupmx,
    backupmx_int: row.backupmx,
    gal: row.gal,
    gal_int: row.gal,
    rl: false,
    active: row.active,
    active_int: row.active,
    relay_all_recipients: row.relay_all_recipients,
    relay_all_recipients_int: row.relay_all_recipients,
    relay_unknown_only: row.relay_unknown_only,
    relay_unknown_only_int: row.relay_unknown_only,
    created: row.created,
    modified: row.modified,
    aliases_in_domain: aliasCount,
    aliases_left: row.aliases - aliasCount,
    domain_admins: "-",
  };
  if (tags.length > 0) details.tags = tags;
  return details;
}

export function getDomain(ctx: ApiContext, object: string | undefined, tagsQuery: string | null): ReadResult {
  if (object === "all") {
    const tags = tagsQuery ? tagsQuery.split(",") : null;
    const domains = ctx.store
      .listDomains()
      .filter((d) => !tags || ctx.store.domainTags(d.domain).some((t) => tags.some((q) => t.toLowerCase().includes(q.toLowerCase()))));
    const data = domains.map((d) => domainDetails(ctx, d.domain)).filter((d) => d !== null);
    return getReturn(data);
  }
  return getReturn(domainDetails(ctx, object ?? ""));
}

const DOMAIN_DEFAULTS = { aliases: 400, mailboxes: 10, defquota: 3072, maxquota: 10240, quota: 10240 };

export function addDomain(ctx: ApiContext, attr: PhpValue[] | PhpAssoc): WriteResult {
  const log = ["mailbox", "add", "domain", maskedLog(attr), null];
  const danger = (msg: Entry["msg"]): WriteResult => entries([{ type: "danger", log, msg }], false);
  if (ctx.role !== "admin") return danger("access_denied");

  const domain = idnToAscii(asciiLower(phpTrim(strval(field(attr, "domain")))));
  const pick = (key: keyof typeof DOMAIN_DEFAULTS) => (isset(field(attr, key)) ? intval(field(attr, key)) : DOMAIN_DEFAULTS[key]);
  const flag = (key: string, fallback: number) => (isset(field(attr, key)) ? intval(field(attr, key)) : fallback);
  const row: DomainRow = {
    domain,
    description: empty(field(attr, "description")) ? domain : strval(field(attr, "description")),
    aliases: pick("aliases"),
    mailboxes: pick("mailboxes"),
    defquota: pick("defquota"),
    maxquota: pick("maxquota"),
    quota: pick("quota"),
    backupmx: flag("backupmx", 0),
    gal: flag("gal", 1),
    relay_all_recipients: flag("relay_all_recipients", 0),
    relay_unknown_only: flag("relay_unknown_only", 0),
    active: flag("active", 1),
    created: ctx.now(),
    modified: null,
  };
  if (!isValidDomainName(domain)) return danger("domain_invalid");
  if (row.defquota === 0) return danger("defquota_empty");
  if (row.maxquota === 0) return danger("maxquota_empty");
  if (row.defquota > row.maxquota) return danger("mailbox_defquota_exceeds_mailbox_maxquota");
  if (row.maxquota > row.quota) return danger("mailbox_quota_exceeds_domain_quota");
  if (ctx.store.getDomain(domain) || ctx.store.getAliasDomain(domain)) return danger(["domain_exists", htmlspecialchars(domain)]);

  ctx.store.insertDomain(row);
  const tags = field(attr, "tags");
  if (Array.isArray(tags)) for (const tag of tags) if (!empty(tag)) ctx.store.addDomainTag(domain, strval(tag));

  const result: Entry[] = [];
  const keySize = isset(field(attr, "key_size")) ? intval(field(attr, "key_size")) : 2048;
  const selector = isset(field(attr, "dkim_selector")) ? field(attr, "dkim_selector") : "dkim";
  if (!empty(keySize) && !empty(selector)) {
    result.push({
      type: "success",
      log: ["dkim", "add", { key_size: keySize, dkim_selector: selector, domains: domain }],
      msg: ["dkim_added", htmlspecialchars(domain)],
    });
  }
  result.push({ type: "success", log, msg: ["domain_added", htmlspecialchars(domain)] });
  return entries(result, true);
}

export function addAliasDomain(ctx: ApiContext, attr: PhpValue[] | PhpAssoc): WriteResult {
  const log = ["mailbox", "add", "alias_domain", maskedLog(attr), null];
  const result: Entry[] = [];
  const danger = (msg: Entry["msg"]) => result.push({ type: "danger", log, msg });
  if (ctx.role !== "admin") {
    danger("access_denied");
    return entries(result, false);
  }
  const active = intval(field(attr, "active"));
  const aliasDomains = splitList(strval(field(attr, "alias_domain"))).filter((d) => !empty(d));
  const target = idnToAscii(asciiLower(phpTrim(strval(field(attr, "target_domain")))));
  if (!isValidDomainName(target)) {
    danger("target_domain_invalid");
    return entries(result, false);
  }
  if (!hasDomainAccess(ctx, target)) {
    danger("access_denied");
    return entries(result, false);
  }
  for (const raw of aliasDomains) {
    const aliasDomain = idnToAscii(asciiLower(phpTrim(raw)));
    if (!isValidDomainName(aliasDomain)) danger(["alias_domain_invalid", htmlspecialchars(aliasDomain)]);
    else if (aliasDomain === target) danger(["aliasd_targetd_identical", htmlspecialchars(target)]);
    else if (!ctx.store.getDomain(target)) danger(["targetd_not_found", htmlspecialchars(target)]);
    else if (ctx.store.getDomain(target)?.backupmx === 1) danger(["targetd_relay_domain", htmlspecialchars(target)]);
    else if (ctx.store.getAliasDomain(aliasDomain) || ctx.store.getDomain(aliasDomain)) danger(["alias_domain_invalid", aliasDomain]);
    else {
      ctx.store.insertAliasDomain({ alias_domain: aliasDomain, target_domain: target, active, created: ctx.now(), modified: null });
      result.push({ type: "success", log, msg: ["aliasd_added", htmlspecialchars(aliasDomain)] });
    }
  }
  return entries(result, null);
}

export function deleteDomains(ctx: ApiContext, items: PhpValue[] | PhpAssoc): WriteResult {
  const log = ["mailbox", "delete", "domain", { domain: items }, null];
  const result: Entry[] = [];
  for (const item of phpValues(items)) {
    const domain = idnToAscii(asciiLower(phpTrim(strval(item))));
    if (!isValidDomainName(domain)) {
      result.push({ type: "danger", log, msg: ["domain_invalid", htmlspecialchars(domain)] });
      continue;
    }
    if (!ctx.store.getDomain(domain) || ctx.role !== "admin") {
      result.push({ type: "danger", log, msg: "access_denied" });
      continue;
    }
    if (ctx.store.domainUsage(domain).count > 0) {
      result.push({ type: "danger", log, msg: ["domain_not_empty", htmlspecialchars(domain)] });
      continue;
    }
    ctx.store.deleteDomain(domain);
    result.push({ type: "success", log, msg: ["domain_removed", htmlspecialchars(domain)] });
  }
  return entries(result, null);
}

/**
 * POST /edit/domain {items: [domain], attr}: absent limits keep their value (`aliases` 0 too, as PHP's empty()).
 * Refusals in Mailcow's order (2026-07a, measured): defquota > maxquota, maxquota > quota, the biggest mailbox above
 * maxquota (["max_quota_in_use","<MiB>"], a string from SQL), the allocated sum above quota (["domain_quota_m_in_use",
 * "<MiB>"]), more mailboxes than allowed (["mailboxes_in_use",<n>]), more aliases *in the domain itself* than allowed
 * (["aliases_in_use",<n>]; aliases on its alias domains are not counted here although add/alias counts them).
 */
export function editDomains(ctx: ApiContext, items: PhpArray, attr: PhpArray): WriteResult {
  const log = ["mailbox", "edit", "domain", maskedLog({ domain: items, ...(Array.isArray(attr) ? {} : attr) }), null];
  const result: Entry[] = [];
  const a = (key: string) => field(attr, key);
  const given = (key: string) => isset(a(key)) && a(key) !== "";
  for (const item of phpValues(items)) {
    const domain = idnToAscii(asciiLower(phpTrim(strval(item))));
    const row = ctx.role === "admin" ? ctx.store.getDomain(domain) : null;
    if (!row) {
      result.push({ type: "danger", log, msg: "access_denied" });
      continue;
    }
    const aliases = empty(a("aliases")) ? row.aliases : intval(a("aliases"));
    const mailboxes = given("mailboxes") ? intval(a("mailboxes")) : row.mailboxes;
    const defquota = given("defquota") ? intval(a("defquota")) : row.defquota;
    const maxquota = given("maxquota") ? intval(a("maxquota")) : row.maxquota;
    const quota = given("quota") ? intval(a("quota")) : row.quota;
    const mailboxRows = ctx.store.listMailboxes({ domain: row.domain });
    const biggest = Math.max(0, ...mailboxRows.map((m) => phpRound(m.quota / MIB)));
    const allocated = phpRound(mailboxRows.reduce((sum, m) => sum + m.quota, 0) / MIB);
    const aliasCount = ctx.store.listAliases(row.domain).length;
    const refuse = (msg: Entry["msg"]) => result.push({ type: "danger", log, msg });
    if (defquota > maxquota) refuse("mailbox_defquota_exceeds_mailbox_maxquota");
    else if (defquota === 0) refuse("defquota_empty");
    else if (maxquota > quota) refuse("mailbox_quota_exceeds_domain_quota");
    else if (maxquota === 0) refuse("maxquota_empty");
    else if (biggest > maxquota) refuse(["max_quota_in_use", String(biggest)]);
    else if (allocated > quota) refuse(["domain_quota_m_in_use", String(allocated)]);
    else if (mailboxRows.length > mailboxes) refuse(["mailboxes_in_use", mailboxRows.length]);
    else if (aliasCount > aliases) refuse(["aliases_in_use", aliasCount]);
    else {
      const flag = (key: string, current: number) => (isset(a(key)) ? intval(a(key)) : current);
      ctx.store.updateDomain(row.domain, {
        description: empty(a("description")) ? row.description : strval(a("description")),
        aliases,
        mailboxes,
        defquota,
        maxquota,
        quota,
        active: flag("active", row.active),
        gal: flag("gal", row.gal),
        backupmx: flag("backupmx", row.backupmx),
        relay_all_recipients: flag("relay_all_recipients", row.relay_all_recipients),
        relay_unknown_only: flag("relay_unknown_only", row.relay_unknown_only),
        modified: ctx.now(),
      });
      result.push({ type: "success", log, msg: ["domain_modified", htmlspecialchars(row.domain)] });
    }
  }
  return entries(result, null);
}

export const domainResource: Resource = {
  add: {
    domain: (ctx, attr, route) => (route.object === "template" ? ROUTE_NOT_FOUND : addDomain(ctx, attr)),
    "alias-domain": (ctx, attr) => addAliasDomain(ctx, attr),
  },
  edit: { domain: (ctx, items, attr, route) => (route.object === "template" ? ROUTE_NOT_FOUND : editDomains(ctx, items, attr)) },
  delete: {
    domain: (ctx, items, route) => (route.object === "tag" || route.object === "template" ? ROUTE_NOT_FOUND : deleteDomains(ctx, items)),
  },
  get: { domain: (ctx, route) => getDomain(ctx, route.object, route.search.get("tags") || null) },
};

/** preg_split("/( |,|;|\n)/", …) followed by trim(), as Mailcow splits address and goto lists. */
export function splitList(value: string): string[] {
  return value.split(/[ ,;\n]/).map((part) => phpTrim(part));
}
