// Aliases: POST /add/alias, /delete/alias, GET /get/alias/{id|address|all}[/{domains}], enough for forwarding
// addresses and for the `is_alias` / `is_alias_or_mailbox` interplay with mailboxes; POST /edit/alias.
import { entries, getReturn, maskedLog, type ApiContext, type Entry, type ReadResult, type WriteResult } from "./api-context";
import { domainDetails, hasDomainAccess, splitList } from "./domain-api";
import { asciiLower, empty, field, htmlspecialchars, idnToAscii, intval, isValidEmail, isset, phpTrim, phpValues, strval, type PhpAssoc, type PhpValue } from "./php";
import type { PhpArray, Resource } from "./resource";
import type { AliasRow } from "./store";
import { spamAlias } from "./time-limited-alias-api";

/** `strstr($address, '@')` split as Mailcow does it: no "@" gives an empty local part and domain. */
function splitAddress(address: string, lowerDomain = false): { local: string; domain: string } {
  const at = address.indexOf("@");
  if (at === -1) return { local: "", domain: "" };
  const domain = address.slice(at + 1);
  // The alias's own domain goes through strtolower(trim()) first, goto domains do not (measured: AL.16).
  return { local: address.slice(0, at), domain: idnToAscii(lowerDomain ? asciiLower(phpTrim(domain)) : domain) };
}

export function addAlias(ctx: ApiContext, attr: PhpValue[] | PhpAssoc): WriteResult {
  const log = ["mailbox", "add", "alias", maskedLog(attr), null];
  const result: Entry[] = [];
  const danger = (msg: Entry["msg"]) => result.push({ type: "danger", log, msg });

  const addresses = splitList(strval(field(attr, "address")));
  let gotos = splitList(strval(field(attr, "goto")));
  const active = intval(field(attr, "active"));
  const sogoVisible = intval(field(attr, "sogo_visible"));
  const gotoNull = intval(field(attr, "goto_null"));
  const gotoSpam = intval(field(attr, "goto_spam"));
  const gotoHam = intval(field(attr, "goto_ham"));
  const publicComment = field(attr, "public_comment");
  const privateComment = field(attr, "private_comment");
  if (strval(publicComment).length > 160 || strval(privateComment).length > 160) {
    danger("comment_too_long");
    return entries(result, false);
  }
  if (empty(addresses[0])) {
    danger("alias_empty");
    return entries(result, false);
  }
  if (empty(gotos[0]) && gotoNull + gotoSpam + gotoHam === 0) {
    danger("goto_empty");
    return entries(result, false);
  }

  let goto: string;
  if (gotoNull === 1) goto = "null@localhost";
  else if (gotoSpam === 1) goto = "spam@localhost";
  else if (gotoHam === 1) goto = "ham@localhost";
  else {
    const valid: string[] = [];
    for (const raw of gotos) {
      if (empty(raw)) continue;
      const { local, domain } = splitAddress(raw);
      const normalized = `${local}@${domain}`;
      if (!isValidEmail(normalized)) {
        danger(["goto_invalid", htmlspecialchars(normalized)]);
        continue;
      }
      if (!valid.includes(normalized)) valid.push(normalized);
    }
    gotos = valid;
    if (gotos.length === 0) return entries(result, false);
    goto = gotos.join(",");
  }

  for (const raw of addresses) {
    if (empty(raw)) continue;
    // An address that is one of its own targets is skipped without a message (measured: "Task completed").
    if (gotos.includes(raw)) continue;
    const { local, domain } = splitAddress(raw, true);
    const address = `${local}@${domain}`;
    const domainData = domainDetails(ctx, domain);
    if (domainData && domainData.aliases_left === 0) {
      danger("max_alias_exceeded");
      return entries(result, false);
    }
    if (ctx.store.getAliasByAddress(address) || isMailboxViaAliasDomain(ctx, local, domain)) {
      danger(["is_alias_or_mailbox", htmlspecialchars(address)]);
      continue;
    }
    if (spamAlias(ctx, address)) {
      danger(["is_spam_alias", htmlspecialchars(address)]);
      continue;
    }
    const aliasDomain = ctx.store.getAliasDomain(domain);
    if (!ctx.store.getDomain(domain) && !(aliasDomain && ctx.store.getDomain(aliasDomain.target_domain))) {
      danger(["domain_not_found", htmlspecialchars(domain)]);
      continue;
    }
    if (!isValidEmail(address) && !empty(local)) {
      danger(["alias_invalid", address]);
      continue;
    }
    if (!hasDomainAccess(ctx, domain)) {
      danger("access_denied");
      continue;
    }
    // An empty local part makes a catch-all "@domain".
    const stored = isValidEmail(address) ? address : `@${domain}`;
    const id = ctx.store.insertAlias({
      address: stored,
      goto,
      domain,
      public_comment: isset(publicComment) ? strval(publicComment) : null,
      private_comment: isset(privateComment) ? strval(privateComment) : null,
      sogo_visible: sogoVisible,
      internal: intval(field(attr, "internal")),
      sender_allowed: intval(field(attr, "sender_allowed")),
      active,
      created: ctx.now(),
      modified: null,
    });
    result.push({ type: "success", log, msg: ["alias_added", stored, String(id)] });
  }
  return entries(result, null);
}

function isMailboxViaAliasDomain(ctx: ApiContext, local: string, domain: string): boolean {
  const aliasDomain = ctx.store.getAliasDomain(domain);
  return aliasDomain !== null && ctx.store.getMailbox(`${local}@${aliasDomain.target_domain}`) !== null;
}

/** An alias by id or address; a mailbox's own self-alias is never one. */
function findAlias(ctx: ApiContext, key: PhpValue): AliasRow | null {
  const text = strval(key);
  const alias = /^\d+$/.test(text) ? ctx.store.getAliasById(Number(text)) : ctx.store.getAliasByAddress(text);
  if (!alias || ctx.store.getMailbox(alias.address)) return null;
  return alias;
}

function aliasDetails(ctx: ApiContext, alias: AliasRow): Record<string, unknown> {
  return {
    in_primary_domain: ctx.store.getAliasDomain(alias.domain)?.target_domain ?? "",
    id: alias.id,
    domain: alias.domain,
    public_comment: alias.public_comment,
    private_comment: alias.private_comment,
    goto: alias.goto,
    address: alias.address,
    is_catch_all: alias.address.startsWith("@") ? 1 : 0,
    internal: alias.internal,
    active: alias.active,
    active_int: alias.active,
    sogo_visible: alias.sogo_visible,
    sogo_visible_int: alias.sogo_visible,
    sender_allowed: alias.sender_allowed,
    created: alias.created,
    modified: alias.modified,
  };
}

export function getAlias(ctx: ApiContext, object: string | undefined, extra: string | undefined): ReadResult {
  if (object === "all") {
    const domains = empty(extra)
      ? [...ctx.store.listDomains().map((d) => d.domain), ...ctx.store.listAliasDomains().map((d) => d.alias_domain)]
      : (extra as string).split(",");
    const data = domains.flatMap((domain) =>
      hasDomainAccess(ctx, domain) ? ctx.store.listAliases(domain).map((alias) => aliasDetails(ctx, alias)) : [],
    );
    return getReturn(data);
  }
  const alias = findAlias(ctx, object ?? "");
  return getReturn(alias && hasDomainAccess(ctx, alias.domain) ? aliasDetails(ctx, alias) : null);
}

export function deleteAliases(ctx: ApiContext, items: PhpValue[] | PhpAssoc): WriteResult {
  const log = ["mailbox", "delete", "alias", { id: items }, null];
  const result: Entry[] = [];
  for (const item of phpValues(items)) {
    const alias = findAlias(ctx, item);
    if (!alias || !hasDomainAccess(ctx, alias.domain)) {
      result.push({ type: "danger", log, msg: "access_denied" });
      continue;
    }
    ctx.store.deleteAlias(alias.id);
    result.push({ type: "success", log, msg: ["alias_removed", htmlspecialchars(alias.address)] });
  }
  return entries(result, null);
}

/**
 * POST /edit/alias {items: [id or address], attr}: absent fields keep their value. A mailbox's own alias row is never
 * found (["alias_invalid",null], measured); a new address must be free like on add.
 */
export function editAliases(ctx: ApiContext, items: PhpArray, attr: PhpArray): WriteResult {
  const log = ["mailbox", "edit", "alias", maskedLog({ id: items, ...(Array.isArray(attr) ? {} : attr) }), null];
  const result: Entry[] = [];
  const danger = (msg: Entry["msg"]) => result.push({ type: "danger", log, msg });
  for (const item of phpValues(items)) {
    const alias = findAlias(ctx, item);
    if (!alias || !hasDomainAccess(ctx, alias.domain)) {
      danger(["alias_invalid", null]);
      continue;
    }
    let address = alias.address;
    let domain = alias.domain;
    if (!empty(field(attr, "address"))) {
      const split = splitAddress(strval(field(attr, "address")), true);
      const wanted = `${split.local}@${split.domain}`;
      if (wanted.toLowerCase() !== alias.address.toLowerCase()) {
        if (ctx.store.getMailbox(wanted) || ctx.store.getAliasByAddress(wanted) || isMailboxViaAliasDomain(ctx, split.local, split.domain)) {
          danger(["is_alias_or_mailbox", htmlspecialchars(wanted)]);
          continue;
        }
        if (!ctx.store.getDomain(split.domain) && !ctx.store.getAliasDomain(split.domain)) {
          danger(["domain_not_found", htmlspecialchars(split.domain)]);
          continue;
        }
        if (!isValidEmail(wanted)) {
          danger(["alias_invalid", wanted]);
          continue;
        }
        address = wanted;
        domain = split.domain;
      }
    }
    let goto = alias.goto;
    if (intval(field(attr, "goto_null")) === 1) goto = "null@localhost";
    else if (intval(field(attr, "goto_spam")) === 1) goto = "spam@localhost";
    else if (intval(field(attr, "goto_ham")) === 1) goto = "ham@localhost";
    else if (!empty(field(attr, "goto"))) {
      const valid: string[] = [];
      let invalid = false;
      for (const raw of splitList(strval(field(attr, "goto")))) {
        if (empty(raw)) continue;
        const { local, domain: gotoDomain } = splitAddress(raw);
        const normalized = `${local}@${gotoDomain}`;
        if (!isValidEmail(normalized)) {
          danger(["goto_invalid", htmlspecialchars(normalized)]);
          invalid = true;
          break;
        }
        if (!valid.includes(normalized)) valid.push(normalized);
      }
      if (invalid || valid.length === 0) continue;
      goto = valid.join(",");
    }
    const flag = (key: string, current: number) => (isset(field(attr, key)) ? intval(field(attr, key)) : current);
    const comment = (key: string, current: string | null) => (isset(field(attr, key)) ? strval(field(attr, key)) : current);
    ctx.store.updateAlias(alias.id, {
      address,
      domain,
      goto,
      active: flag("active", alias.active),
      sogo_visible: flag("sogo_visible", alias.sogo_visible),
      sender_allowed: flag("sender_allowed", alias.sender_allowed),
      internal: flag("internal", alias.internal),
      public_comment: comment("public_comment", alias.public_comment),
      private_comment: comment("private_comment", alias.private_comment),
      modified: ctx.now(),
    });
    result.push({ type: "success", log, msg: ["alias_modified", htmlspecialchars(address)] });
  }
  return entries(result, null);
}

export const aliasResource: Resource = {
  add: { alias: (ctx, attr) => addAlias(ctx, attr) },
  edit: { alias: (ctx, items, attr) => editAliases(ctx, items, attr) },
  delete: { alias: (ctx, items) => deleteAliases(ctx, items) },
  get: { alias: (ctx, route) => getAlias(ctx, route.object, route.extra) },
};
