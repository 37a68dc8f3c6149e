// The Dovecot backend: what Mailcow's Dovecot reads from Mailcow's database, reproduced with a passwd-file, so a
// mailbox created through the emulated API opens a real IMAP mailbox (the recipe and its traps: tools/mailstack/README.md).
// Every change rewrites the whole file from the emulator's SQLite state; reads of get/mailbox first pull the real
// figures (bytes, messages, last IMAP login) from Dovecot into the rows that stand in for Mailcow's quota2 table.
import { execFile } from "node:child_process";
import { chmodSync, existsSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { allAppPasswords, type AppPasswordRow } from "./app-passwd-api";
import type { EmulatorStore, MailboxRow } from "./store";

export interface DovecotBackendOptions {
  /** The passwd-file the Dovecot passdb and userdb read (driver = passwd-file); rewritten on every mailbox change. */
  passwdFile: string;
  /** For real usage figures in get/mailbox (`doveadm mailbox status`); without it the stored figures stay. */
  doveadm?: { binary?: string; config: string };
  /** The last_login plugin's `file:` dict; its IMAP entries become last_imap_login. */
  lastLoginFile?: string;
}

export interface DovecotBackend {
  /**
   * Rewrites the passwd-file and the `app-passwords` file beside it when what they describe changed; true when one
   * did. Synchronous and atomic.
   */
  write(): boolean;
  /** Milliseconds until every write so far is certain to be seen by Dovecot (0 when it already is). */
  pendingMs(): number;
  /** Pulls bytes, message counts and last IMAP logins from Dovecot for one mailbox (or all, null) into the store. */
  refresh(username: string | null): Promise<void>;
  lastImapLogin(username: string): number;
}

/** Beyond the second boundary, so Dovecot's next look at the clock is certainly in a later second. */
const BOUNDARY_MARGIN_MS = 10;
const DOVEADM_TIMEOUT_MS = 5_000;

/**
 * One passwd-file line, or null when the mailbox must not exist for Dovecot. As Mailcow's userdb query: only active
 * 1 (may log in) and 2 (receives mail, no login) get a line, the quota rule in bytes; as its passdb: login needs
 * active 1 and imap_access 1 (this Dovecot serves IMAP only), so everything else gets `nologin`.
 */
export function passwdLine(row: MailboxRow, domainActive: boolean): string | null {
  if (!domainActive || (row.active !== 1 && row.active !== 2)) return null;
  // NOTE: ':' and line breaks are the file's separators; such a value (a strange pre-hashed input) would let one
  // mailbox inject fields or lines, so it gets no line at all.
  if (/[:\s]/.test(row.username) || /[:\r\n]/.test(row.password)) return null;
  const fields = [`userdb_quota_rule=*:bytes=${row.quota}`];
  if (row.active !== 1 || row.attributes.imap_access === "0") fields.unshift("nologin");
  return `${row.username}:${row.password}::::::${fields.join(" ")}`;
}

/** Services as the mailstack's Dovecot names them, from the app password's column flags. */
const APP_SERVICES: [keyof AppPasswordRow, string][] = [
  ["imap_access", "imap"],
  ["smtp_access", "smtp"],
  ["pop3_access", "pop3"],
  ["sieve_access", "sieve"],
  ["dav_access", "dav"],
  ["eas_access", "eas"],
];

/**
 * One `app-passwords` line, `<address>:<hash>:<services>`, or null when the app password cannot log in anywhere. As
 * Mailcow's passdb (2026-07a): the app password's own active flag and protocol columns decide, and its mailbox must be
 * active 1 on an active domain; the mailbox's own protocol switches do not apply to app passwords.
 */
export function appPasswordLine(app: AppPasswordRow, mailbox: MailboxRow | null, domainActive: boolean): string | null {
  if (app.active !== 1 || !mailbox || mailbox.active !== 1 || !domainActive) return null;
  const services = APP_SERVICES.filter(([column]) => app[column] === 1).map(([, service]) => service);
  if (services.length === 0) return null;
  // NOTE: as in passwdLine, a value containing the separators gets no line at all.
  if (/[:\s]/.test(mailbox.username) || /[:\r\n]/.test(app.password)) return null;
  return `${mailbox.username}:${app.password}:${services.join(",")}`;
}

/**
 * A file Dovecot reads, rewritten atomically (temporary file + rename) with an mtime it never had. Dovecot stats such a
 * file at most once per second and re-reads it only when the mtime (whole seconds) or the size changed; a password
 * change keeps the size (fixed-length hashes), hence the fresh mtime and the caller's wait into the next second.
 * `doveadm reload` would be faster (~20 ms) but restarts auth and login processes: measured, it broke 31 of 86 logins
 * of other users that were in flight, where this way broke none of 277.
 */
function watchedFile(file: string) {
  let lastContent: string | null = existsSync(file) ? readFileSync(file, "utf8") : null;
  // mtimes only ever move forward, also across emulator restarts.
  let lastMtime = existsSync(file) ? Math.floor(statSync(file).mtimeMs / 1000) : 0;
  return {
    /** The time (ms) from which Dovecot certainly sees the content, or null when nothing changed. */
    write(content: string): number | null {
      if (content === lastContent) return null;
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, content);
      // Dovecot's auth process runs unprivileged (nobody) and must read it, whatever the umask.
      chmodSync(temp, 0o644);
      renameSync(temp, file);
      const now = Date.now();
      lastMtime = Math.max(Math.floor(now / 1000), lastMtime + 1);
      utimesSync(file, lastMtime, lastMtime);
      lastContent = content;
      return (Math.floor(now / 1000) + 1) * 1000 + BOUNDARY_MARGIN_MS;
    },
  };
}

/** The app-password file's name: fixed, in the passwd-file's directory (agreed with the mailstack). */
export const APP_PASSWORDS_FILE = "app-passwords";

export function createDovecotBackend(options: DovecotBackendOptions, store: EmulatorStore): DovecotBackend {
  const passwdFile = watchedFile(options.passwdFile);
  const appPasswordsFile = watchedFile(join(dirname(options.passwdFile), APP_PASSWORDS_FILE));
  let effectiveAt = 0;
  let lastLogins = new Map<string, number>();

  function render(): { passwd: string; appPasswords: string } {
    const domains = new Map(store.listDomains().map((d) => [d.domain.toLowerCase(), d.active === 1]));
    const mailboxes = store.listMailboxes();
    const byName = new Map(mailboxes.map((m) => [m.username.toLowerCase(), m]));
    const lines = (list: (string | null)[]) => list.filter((line): line is string => line !== null).map((line) => `${line}\n`).join("");
    return {
      passwd: lines(mailboxes.map((row) => passwdLine(row, domains.get(row.domain.toLowerCase()) ?? false))),
      appPasswords: lines(
        allAppPasswords(store).map((app) => {
          const mailbox = byName.get(app.mailbox.toLowerCase()) ?? null;
          return appPasswordLine(app, mailbox, mailbox ? (domains.get(mailbox.domain.toLowerCase()) ?? false) : false);
        }),
      ),
    };
  }

  return {
    write() {
      const content = render();
      const times = [passwdFile.write(content.passwd), appPasswordsFile.write(content.appPasswords)].filter((t): t is number => t !== null);
      if (times.length === 0) return false;
      effectiveAt = Math.max(effectiveAt, ...times);
      return true;
    },

    pendingMs() {
      return Math.max(0, effectiveAt - Date.now());
    },

    async refresh(username) {
      const [usage, logins] = await Promise.all([
        options.doveadm ? mailboxStatus(options.doveadm, username) : Promise.resolve(new Map<string, Usage>()),
        options.lastLoginFile ? readLastLogins(options.lastLoginFile) : Promise.resolve(null),
      ]);
      if (logins) lastLogins = logins;
      for (const [user, figures] of usage) {
        const row = store.getMailbox(user);
        if (row && (row.bytes !== figures.bytes || row.messages !== figures.messages)) {
          store.updateMailbox(row.username, { bytes: figures.bytes, messages: figures.messages });
        }
      }
    },

    lastImapLogin(username) {
      return lastLogins.get(username.toLowerCase()) ?? 0;
    },
  };
}

interface Usage {
  bytes: number;
  messages: number;
}

/**
 * `doveadm -f tab mailbox status -t "messages vsize" "*"` sums every folder: vsize is what the quota counts
 * (quota_vsizes = yes). Per user with -u, or every user of the userdb with -A (then with a Username column).
 * A failure (Dovecot down, a mailbox without a passwd-file line) leaves the map empty for that user.
 */
function mailboxStatus(doveadm: { binary?: string; config: string }, username: string | null): Promise<Map<string, Usage>> {
  const who = username === null ? ["-A"] : ["-u", username];
  const args = ["-c", doveadm.config, "-f", "tab", "mailbox", "status", ...who, "-t", "messages vsize", "*"];
  return new Promise((resolve) => {
    execFile(doveadm.binary ?? "doveadm", args, { timeout: DOVEADM_TIMEOUT_MS, encoding: "utf8" }, (_error, stdout) => {
      const result = new Map<string, Usage>();
      const [header, ...rows] = String(stdout ?? "").split("\n").filter((line) => line.trim() !== "");
      if (!header) return resolve(result);
      const columns = header.split("\t").map((c) => c.trim().toLowerCase());
      const at = (name: string) => columns.indexOf(name);
      for (const row of rows) {
        const cells = row.split("\t");
        const user = at("username") >= 0 ? cells[at("username")] : username;
        const messages = Number(cells[at("messages")]);
        const bytes = Number(cells[at("vsize")]);
        if (user && Number.isFinite(messages) && Number.isFinite(bytes)) result.set(user.toLowerCase(), { bytes, messages });
      }
      resolve(result);
    });
  });
}

/** The last_login plugin's file dict: key and value on alternate lines, keys `shared/last-login/<service>/<user>`. */
async function readLastLogins(path: string): Promise<Map<string, number> | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return null;
  }
  const lines = text.split("\n");
  const result = new Map<string, number>();
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const match = /^shared\/last-login\/imap\/(.+)$/.exec(lines[i] ?? "");
    const seconds = Number(lines[i + 1]);
    if (match?.[1] && Number.isInteger(seconds)) result.set(match[1].toLowerCase(), seconds);
  }
  return result;
}
