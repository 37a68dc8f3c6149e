// Mailcow's passdb endpoint (data/conf/dovecot/auth/mailcowauth.php, its own nginx server on port 9082, no API key):
// Dovecot's passwd-verify.lua posts {username, password, real_rip, service} and gets {"success":true|false}. Served here
// as POST /mailcowauth.php on the emulator's port. Measured against Mailcow 2026-07a (the AUTH table of the recording):
// - no username, password or real_rip → 400; refused → 401; accepted → 200;
// - the mailbox password needs mailbox active 1 (2 = no login) and, when a service is named, `<service>_access` 1
//   (a service without such an attribute, e.g. "submission", is refused); force_pw_update does not matter;
// - an app password needs its own active 1, the mailbox active 1, and its own `<service>_access` 1 — the mailbox's
//   protocol switches do not apply to it; without a service field no protocol is checked at all;
// - the service name is lower-cased; a request from SOGo's address (IPV4_NETWORK.248) skips the protocol check;
// - each success is written to sasl_log (service, app password id), which get/mailbox reports as last_*_login.
import type { ApiContext } from "./api-context";
import { APP_PROTOCOLS, appPasswordsOf } from "./app-passwd-api";
import { field, isAssoc, isset, phpJsonDecode, strval } from "./php";
import { verifyPassword } from "./password";
import type { Resource } from "./resource";

/** Mailcow's default IPV4_NETWORK is 172.22.1; SOGo's container is .248 there. */
export const SOGO_ADDRESS = "172.22.1.248";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sasl_log (
  username TEXT NOT NULL COLLATE NOCASE,
  service TEXT NOT NULL,
  app_password INTEGER NOT NULL DEFAULT 0,
  real_rip TEXT NOT NULL,
  datetime INTEGER NOT NULL,
  PRIMARY KEY (username, service)
);
CREATE TRIGGER IF NOT EXISTS sasl_log_mailbox_gone AFTER DELETE ON mailbox BEGIN
  DELETE FROM sasl_log WHERE username = OLD.username;
END;
`;

export interface PassdbReply {
  status: 200 | 400 | 401;
  body: string;
}

export function passdb(ctx: ApiContext, rawBody: Buffer): PassdbReply {
  const post = phpJsonDecode(rawBody.toString("utf8").trim());
  const username = isAssoc(post) ? field(post, "username") : undefined;
  const password = isAssoc(post) ? field(post, "password") : undefined;
  const realRip = isAssoc(post) ? field(post, "real_rip") : undefined;
  if (!isset(username) || !isset(password) || !isset(realRip)) return { status: 400, body: '{"success":false}' };
  const serviceField = isAssoc(post) ? field(post, "service") : undefined;
  const fromSogo = strval(realRip) === SOGO_ADDRESS;
  const service = isset(serviceField) && strval(serviceField) !== "" && !fromSogo ? strval(serviceField).toLowerCase() : null;
  const result = checkLogin(ctx, strval(username), strval(password), service);
  if (!result) return { status: 401, body: '{"success":false}' };
  if (service !== null || fromSogo) {
    ctx.store.db
      .prepare(
        `INSERT INTO sasl_log (username, service, app_password, real_rip, datetime) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(username, service) DO UPDATE SET app_password = excluded.app_password, real_rip = excluded.real_rip, datetime = excluded.datetime`,
      )
      .run(result.username, service ?? "NONE", result.appPassword, strval(realRip), ctx.unixNow());
  }
  return { status: 200, body: '{"success":true}' };
}

/** The mailbox and, for an app password, its id (0 for the mailbox password); null when refused. */
export function checkLogin(ctx: ApiContext, user: string, password: string, service: string | null): { username: string; appPassword: number } | null {
  const mailbox = ctx.store.getMailbox(user.trim());
  if (!mailbox || mailbox.active !== 1) return null;
  if (ctx.store.getDomain(mailbox.domain)?.active !== 1) return null;
  const protocolOk = (flag: string | number | null | undefined) => service === null || String(flag) === "1";
  if (verifyPassword(mailbox.password, password) && protocolOk(mailbox.attributes[`${service}_access`])) {
    return { username: mailbox.username, appPassword: 0 };
  }
  const column = service === null ? null : (APP_PROTOCOLS as readonly string[]).find((p) => p === `${service}_access`);
  if (service !== null && !column) return null;
  for (const app of appPasswordsOf(ctx.store, mailbox.username)) {
    if (app.active !== 1) continue;
    if (column && app[column as (typeof APP_PROTOCOLS)[number]] !== 1) continue;
    if (verifyPassword(app.password, password)) return { username: mailbox.username, appPassword: app.id };
  }
  return null;
}

/** last_imap_login / last_smtp_login / last_pop3_login as get/mailbox reports them (Unix seconds, 0 = never). */
export function lastLogins(ctx: ApiContext, username: string): { imap: number; smtp: number; pop3: number } {
  const rows = ctx.store.db.prepare("SELECT service, datetime FROM sasl_log WHERE username = ?").all(username) as {
    service: string;
    datetime: number;
  }[];
  const at = (service: string) => rows.find((r) => r.service === service)?.datetime ?? 0;
  return { imap: at("imap"), smtp: at("smtp"), pop3: at("pop3") };
}

export const passdbResource: Resource = { schema: SCHEMA, tables: ["sasl_log"] };
