// App passwords of a mailbox (Mailcow 2026-07a):
// - protocols are sent as column names (`imap_access`, …); short names (`imap`) are accepted and stored as 0;
// - `active` must be sent (missing: stored 0) and so must `protocols` (missing: all 0): neither ever logs in;
// - add answers a bare "app_passwd_added" without the id, so addAppPassword reads the list before and after;
// - listing is `get/app-passwd/all/<mailbox>`; it carries the hash, which the parsed type drops;
// - edit/app-passwd without `username` in attr answers 200 with an empty body and changes nothing, and with another
//   mailbox's address it MOVES the app password there: editAppPassword always sends the owner and reads back.
// - names are stored HTML-escaped (PHP htmlspecialchars, ENT_QUOTES: "Bob's" → "Bob&#039;s") and listed so: the
//   adapter matches on the escaped form and hands callers the plain text.
// Passwords travel as `secrets`, so they never appear in errors.
import type { MailcowCore } from "./core";
import { APP_PASSWORD_PROTOCOLS, AppPasswordSchema, type AppPasswordProtocol, type MailcowAppPassword } from "./schemas";
import { assertEmail, assertIds, assertPassword, flag } from "./validate";

export interface AddAppPasswordInput {
  mailbox: string;
  name: string;
  password: string;
  protocols: AppPasswordProtocol[];
  /** Default true. */
  active?: boolean;
}

export interface EditAppPasswordInput {
  name?: string;
  password?: string;
  protocols?: AppPasswordProtocol[];
  active?: boolean;
}

function assertName(name: unknown): string {
  if (typeof name !== "string" || name.trim() === "") throw new TypeError("app password name must be a non-empty string");
  return name.trim();
}

const PHP_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;" };
/** What Mailcow stores for a name (htmlspecialchars with ENT_QUOTES). */
export const storedName = (name: string) => name.replace(/[&<>"']/g, (c) => PHP_ENTITIES[c]!);
/** The name as the user gave it. */
export const plainName = (stored: string) =>
  stored.replace(/&(amp|lt|gt|quot|#0?39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#039": "'", "#39": "'" })[e]!);

function toColumns(protocols: unknown): string[] {
  if (!Array.isArray(protocols) || !protocols.every((p) => APP_PASSWORD_PROTOCOLS.includes(p as AppPasswordProtocol))) {
    throw new TypeError(`protocols must be some of ${APP_PASSWORD_PROTOCOLS.join(", ")}`);
  }
  return [...new Set(protocols as AppPasswordProtocol[])].map((protocol) => `${protocol}_access`);
}

export function appPasswordMethods(core: MailcowCore) {
  async function listAppPasswords(email: string): Promise<MailcowAppPassword[]> {
    const mailbox = assertEmail(email, "mailbox");
    const list = await core.readList("listAppPasswords", `get/app-passwd/all/${mailbox}`, AppPasswordSchema);
    return list.filter((entry) => entry.mailbox === mailbox).map((entry) => ({ ...entry, name: plainName(entry.name) }));
  }

  return {
    /** The mailbox's app passwords (never their hashes). */
    listAppPasswords,

    /**
     * Creates an app password and returns it (found by reading the list before and after). Refusals:
     * password_complexity, password_mismatch, app_name_empty, access_denied (no such mailbox).
     */
    async addAppPassword(input: AddAppPasswordInput): Promise<MailcowAppPassword> {
      const mailbox = assertEmail(input.mailbox, "mailbox");
      const name = assertName(input.name);
      const password = assertPassword(input.password, "app password");
      const body = {
        username: mailbox,
        app_name: name,
        app_passwd: password,
        app_passwd2: password,
        active: flag(input.active ?? true),
        protocols: toColumns(input.protocols),
      };
      const before = new Set((await listAppPasswords(mailbox)).map((entry) => entry.id));
      await core.write("addAppPassword", "add/app-passwd", body, { successKey: "app_passwd_added", expected: [], secrets: [password] });
      // Two made at the same moment for the same mailbox: the newest with this name.
      const fresh = (await listAppPasswords(mailbox)).filter((entry) => !before.has(entry.id) && entry.name === name).sort((a, b) => b.id - a.id);
      if (!fresh[0]) throw core.badShape("addAppPassword", "the new app password is not in the mailbox's list");
      return fresh[0];
    },

    /**
     * Changes one of the mailbox's app passwords, always naming the owner (so it cannot move), and returns it as
     * read back; null, sending nothing, when `id` is not one of that mailbox's. Unknown id: app_passwd_id_invalid.
     */
    async editAppPassword(email: string, id: number, changes: EditAppPasswordInput): Promise<MailcowAppPassword | null> {
      const mailbox = assertEmail(email, "mailbox");
      const [appId] = assertIds([id], "app password id");
      const attr: Record<string, unknown> = { username: mailbox };
      const secrets: string[] = [];
      if (changes.name !== undefined) attr.app_name = assertName(changes.name);
      if (changes.password !== undefined) {
        const password = assertPassword(changes.password, "app password");
        attr.app_passwd = password;
        attr.app_passwd2 = password;
        secrets.push(password);
      }
      if (changes.protocols !== undefined) attr.protocols = toColumns(changes.protocols);
      if (changes.active !== undefined) attr.active = flag(changes.active);
      if (Object.keys(attr).length === 1) throw new TypeError("editAppPassword needs at least one change");
      if (!(await listAppPasswords(mailbox)).some((entry) => entry.id === appId)) return null;
      await core.write("editAppPassword", "edit/app-passwd", { items: [appId], attr }, {
        successKey: "object_modified",
        expected: [String(appId)],
        secrets,
        emptyAnswer: "Mailcow changes nothing when it cannot tell the owner",
      });
      const back = (await listAppPasswords(mailbox)).find((entry) => entry.id === appId);
      if (!back) throw core.badShape("editAppPassword", "the app password is no longer the mailbox's");
      return back;
    },

    /** Deletes those of `ids` that are the mailbox's app passwords (others are left alone); returns the ids deleted. */
    async deleteAppPasswords(email: string, ids: number[]): Promise<number[]> {
      const mailbox = assertEmail(email, "mailbox");
      const wanted = assertIds(ids, "app password ids");
      if (wanted.length === 0) return [];
      const own = new Set((await listAppPasswords(mailbox)).map((entry) => entry.id));
      const mine = wanted.filter((id) => own.has(id));
      if (mine.length === 0) return [];
      await core.write("deleteAppPasswords", "delete/app-passwd", mine, { successKey: "app_passwd_removed", expected: mine.map(String) });
      return mine;
    },
  };
}
