// App passwords: POST /add/app-passwd, /edit/app-passwd, /delete/app-passwd, GET /get/app-passwd/all/<mailbox>.
// Measured against Mailcow 2026-07a: protocols are the column names (imap_access, …; "imap" is silently 0), a missing
// `active` stores 0, edit needs `username` in attr (without it PHP fails: 200 with an empty body, nothing changes)
// and a different `username` moves the app password to that mailbox. Hashes as the mailbox passwords (hashPassword).
import { entries, getReturn, maskedLog, type ApiContext, type Entry, type ReadResult, type WriteResult } from "./api-context";
import { hasDomainAccess } from "./domain-api";
import { checkPasswordPair, passwordCheckEntry } from "./password";
import { empty, field, htmlspecialchars, intval, isValidEmail, isset, phpTrim, phpValues, strval, toPhpArray, type PhpValue } from "./php";
import type { PhpArray, Resource } from "./resource";
import type { EmulatorStore } from "./store";

export const APP_PROTOCOLS = ["imap_access", "smtp_access", "dav_access", "eas_access", "pop3_access", "sieve_access"] as const;
export type AppProtocol = (typeof APP_PROTOCOLS)[number];

export interface AppPasswordRow {
  id: number;
  name: string;
  mailbox: string;
  domain: string;
  password: string;
  created: string;
  modified: string | null;
  imap_access: number;
  smtp_access: number;
  dav_access: number;
  eas_access: number;
  pop3_access: number;
  sieve_access: number;
  active: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS app_passwd (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  mailbox TEXT NOT NULL COLLATE NOCASE,
  domain TEXT NOT NULL COLLATE NOCASE,
  password TEXT NOT NULL,
  created TEXT NOT NULL,
  modified TEXT,
  imap_access INTEGER NOT NULL DEFAULT 0,
  smtp_access INTEGER NOT NULL DEFAULT 0,
  dav_access INTEGER NOT NULL DEFAULT 0,
  eas_access INTEGER NOT NULL DEFAULT 0,
  pop3_access INTEGER NOT NULL DEFAULT 0,
  sieve_access INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER IF NOT EXISTS app_passwd_mailbox_gone AFTER DELETE ON mailbox BEGIN
  DELETE FROM app_passwd WHERE mailbox = OLD.username;
END;
`;

function mailboxAccess(ctx: ApiContext, username: PhpValue | undefined): { username: string; domain: string } | null {
  if (!isValidEmail(username)) return null;
  const mailbox = ctx.store.getMailbox(username);
  return mailbox && hasDomainAccess(ctx, mailbox.domain) ? { username: mailbox.username, domain: mailbox.domain } : null;
}

function protocolFlags(value: PhpValue | undefined): Record<AppProtocol, number> {
  const list = phpValues(toPhpArray(value)).map((v) => strval(v));
  return Object.fromEntries(APP_PROTOCOLS.map((p) => [p, list.includes(p) ? 1 : 0])) as Record<AppProtocol, number>;
}

export function addAppPassword(ctx: ApiContext, attr: PhpArray): WriteResult {
  const log = ["app_passwd", "add", maskedLog(attr)];
  const danger = (msg: Entry["msg"]): WriteResult => entries([{ type: "danger", log, msg }], false);
  const mailbox = mailboxAccess(ctx, field(attr, "username"));
  if (!mailbox) return danger("access_denied");
  const name = htmlspecialchars(phpTrim(strval(field(attr, "app_name"))));
  if (empty(name)) return danger("app_name_empty");
  const password = checkPasswordPair(field(attr, "app_passwd"), field(attr, "app_passwd2"), ctx.policy());
  if (!password.ok) return entries([passwordCheckEntry(password.msg)], false);
  const flags = protocolFlags(field(attr, "protocols"));
  ctx.store.db
    .prepare(
      `INSERT INTO app_passwd (name, mailbox, domain, password, created, modified, imap_access, smtp_access, dav_access,
         eas_access, pop3_access, sieve_access, active)
       VALUES (@name, @mailbox, @domain, @password, @created, NULL, @imap_access, @smtp_access, @dav_access,
         @eas_access, @pop3_access, @sieve_access, @active)`,
    )
    .run({
      name,
      mailbox: mailbox.username,
      domain: mailbox.domain,
      password: ctx.hashPassword(password.password),
      created: ctx.now(),
      ...flags,
      active: intval(field(attr, "active")),
    });
  return entries([{ type: "success", log, msg: "app_passwd_added" }], true);
}

export function editAppPasswords(ctx: ApiContext, items: PhpArray, attr: PhpArray): WriteResult {
  const log = ["app_passwd", "edit", maskedLog({ id: items, ...(Array.isArray(attr) ? {} : attr) })];
  // NOTE: Mailcow takes the owner from attr.username; without it the row would move to the session user "API", which
  // fails on the mailbox foreign key: an uncaught error, 200 with an empty body (measured).
  if (!isset(field(attr, "username"))) return { kind: "fatal" };
  const mailbox = mailboxAccess(ctx, field(attr, "username"));
  if (!mailbox) return entries([{ type: "danger", log, msg: "access_denied" }], false);
  const result: Entry[] = [];
  for (const id of phpValues(items)) {
    const row = ctx.store.db.prepare("SELECT * FROM app_passwd WHERE id = ?").get(intval(id)) as AppPasswordRow | undefined;
    if (!row) {
      result.push({ type: "danger", log, msg: ["app_passwd_id_invalid", id] });
      continue;
    }
    let passwordHash = row.password;
    if (!empty(field(attr, "app_passwd"))) {
      const check = checkPasswordPair(field(attr, "app_passwd"), field(attr, "app_passwd2"), ctx.policy());
      if (!check.ok) {
        result.push(passwordCheckEntry(check.msg));
        continue;
      }
      passwordHash = ctx.hashPassword(check.password);
    }
    const name = empty(field(attr, "app_name")) ? row.name : htmlspecialchars(phpTrim(strval(field(attr, "app_name"))));
    const flags = isset(field(attr, "protocols")) ? protocolFlags(field(attr, "protocols")) : row;
    ctx.store.db
      .prepare(
        `UPDATE app_passwd SET name = @name, mailbox = @mailbox, domain = @domain, password = @password, modified = @modified,
           imap_access = @imap_access, smtp_access = @smtp_access, dav_access = @dav_access, eas_access = @eas_access,
           pop3_access = @pop3_access, sieve_access = @sieve_access, active = @active WHERE id = @id`,
      )
      .run({
        id: row.id,
        name,
        mailbox: mailbox.username,
        domain: mailbox.domain,
        password: passwordHash,
        modified: ctx.now(),
        ...Object.fromEntries(APP_PROTOCOLS.map((p) => [p, flags[p]])),
        active: isset(field(attr, "active")) ? intval(field(attr, "active")) : row.active,
      });
    result.push({ type: "success", log, msg: ["object_modified", String(row.id)] });
  }
  return entries(result, null);
}

export function deleteAppPasswords(ctx: ApiContext, items: PhpArray): WriteResult {
  const log = ["app_passwd", "delete", { id: items }];
  const result: Entry[] = [];
  for (const id of phpValues(items)) {
    const row = ctx.store.db.prepare("SELECT * FROM app_passwd WHERE id = ?").get(intval(id)) as AppPasswordRow | undefined;
    if (!row || !mailboxAccess(ctx, row.mailbox)) {
      result.push({ type: "danger", log, msg: "app_passwd_id_invalid" });
      continue;
    }
    ctx.store.db.prepare("DELETE FROM app_passwd WHERE id = ?").run(row.id);
    result.push({ type: "success", log, msg: ["app_passwd_removed", String(row.id)] });
  }
  return entries(result, null);
}

/**
 * GET /get/app-passwd/all/<mailbox> lists (hash included, flags as ints); /all without a mailbox is the API session's
 * own (none): '{}'; /get/app-passwd/<id> answers 200 with an empty body (all measured).
 */
export function getAppPasswords(ctx: ApiContext, object: string | undefined, extra: string | undefined): ReadResult {
  if (object !== "all") return { kind: "literal", body: "" };
  const mailbox = empty(extra) ? null : mailboxAccess(ctx, extra);
  if (!mailbox) return getReturn(null);
  return getReturn(appPasswordsOf(ctx.store, mailbox.username));
}

export function appPasswordsOf(store: EmulatorStore, username: string): AppPasswordRow[] {
  return store.db.prepare("SELECT * FROM app_passwd WHERE mailbox = ? ORDER BY id").all(username) as AppPasswordRow[];
}

export function allAppPasswords(store: EmulatorStore): AppPasswordRow[] {
  return store.db.prepare("SELECT * FROM app_passwd ORDER BY id").all() as AppPasswordRow[];
}

export const appPasswordResource: Resource = {
  schema: SCHEMA,
  tables: ["app_passwd"],
  add: { "app-passwd": (ctx, attr) => addAppPassword(ctx, attr) },
  edit: { "app-passwd": (ctx, items, attr) => editAppPasswords(ctx, items, attr) },
  delete: { "app-passwd": (ctx, items) => deleteAppPasswords(ctx, items) },
  get: { "app-passwd": (ctx, route) => getAppPasswords(ctx, route.object, route.extra) },
};
