// Aliases: POST /add/alias, /delete/alias, GET /get/alias/{id|address|all}[/{domains}], enough for forwarding
// addresses and for the `is_alias` / `is_alias_or_mailbox` interplay with mailboxes. Edit is not emulated.
import { entries, getReturn, maskedLog, type ApiContext, type Entry, type ReadResult, type WriteResult } from "./api-context";
import { domainDetails, hasDomainAccess, splitList } from "./domain-api";
import {
  empty,
  field,
  htmlspecialchars,
  idnToAscii,
  intval,
  isValidEmail,
  isset,
  phpValues,
  strval,
  type PhpAssoc,
  type PhpValue,
} from "./php";
import type { AliasRow } from "./store";

/** `strstr($address, '@')` split as Mailcow does it: no "@" gives an empty local part and domain. */
function splitAddress(address: string): { local: string; domain: string } {
  const at = address.indexOf("@");
  if (at === -1) return { local: "", domain: "" };
  return { local: address.slice(0, at), domain: idnToAscii(address.slice(at + 1)) };
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
    const { local, domain } = splitAddress(raw);
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
