// The emulator's state in SQLite, shaped like the Mailcow tables it stands in for (domain, alias_domain, mailbox,
// alias incl. each mailbox's self-alias, tags_*, quota2 folded into mailbox), so a demo keeps its data across restarts.
// Quotas are stored the way Mailcow stores them: domain limits in MiB, mailbox quota in bytes.
import Database from "better-sqlite3";

export interface DomainRow {
  domain: string;
  description: string;
  aliases: number;
  mailboxes: number;
  defquota: number;
  maxquota: number;
  quota: number;
  backupmx: number;
  gal: number;
  relay_all_recipients: number;
  relay_unknown_only: number;
  active: number;
  created: string;
  modified: string | null;
}

export interface AliasDomainRow {
  alias_domain: string;
  target_domain: string;
  active: number;
  created: string;
  modified: string | null;
}

/** Mailbox attribute flags are strings, as Mailcow keeps them in its JSON `attributes` column. */
export type MailboxAttributes = Record<string, string | null>;

export interface MailboxRow {
  username: string;
  local_part: string;
  domain: string;
  name: string;
  password: string;
  quota: number;
  active: number;
  attributes: MailboxAttributes;
  authsource: string;
  rl_value: string | null;
  rl_frame: string | null;
  bytes: number;
  messages: number;
  created: string;
  modified: string | null;
}

export interface AliasRow {
  id: number;
  address: string;
  goto: string;
  domain: string;
  public_comment: string | null;
  private_comment: string | null;
  sogo_visible: number;
  internal: number;
  sender_allowed: number;
  active: number;
  created: string;
  modified: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS domain (
  domain TEXT PRIMARY KEY COLLATE NOCASE,
  description TEXT NOT NULL,
  aliases INTEGER NOT NULL,
  mailboxes INTEGER NOT NULL,
  defquota INTEGER NOT NULL,
  maxquota INTEGER NOT NULL,
  quota INTEGER NOT NULL,
  backupmx INTEGER NOT NULL DEFAULT 0,
  gal INTEGER NOT NULL DEFAULT 1,
  relay_all_recipients INTEGER NOT NULL DEFAULT 0,
  relay_unknown_only INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created TEXT NOT NULL,
  modified TEXT
);
CREATE TABLE IF NOT EXISTS tags_domain (
  domain TEXT NOT NULL COLLATE NOCASE,
  tag_name TEXT NOT NULL,
  PRIMARY KEY (domain, tag_name)
);
CREATE TABLE IF NOT EXISTS alias_domain (
  alias_domain TEXT PRIMARY KEY COLLATE NOCASE,
  target_domain TEXT NOT NULL COLLATE NOCASE,
  active INTEGER NOT NULL DEFAULT 1,
  created TEXT NOT NULL,
  modified TEXT
);
CREATE TABLE IF NOT EXISTS mailbox (
  username TEXT PRIMARY KEY COLLATE NOCASE,
  local_part TEXT NOT NULL,
  domain TEXT NOT NULL COLLATE NOCASE,
  name TEXT NOT NULL,
  password TEXT NOT NULL,
  quota INTEGER NOT NULL,
  active INTEGER NOT NULL,
  attributes TEXT NOT NULL,
  authsource TEXT NOT NULL DEFAULT 'mailcow',
  rl_value TEXT,
  rl_frame TEXT,
  bytes INTEGER NOT NULL DEFAULT 0,
  messages INTEGER NOT NULL DEFAULT 0,
  created TEXT NOT NULL,
  modified TEXT
);
CREATE INDEX IF NOT EXISTS mailbox_domain ON mailbox (domain);
CREATE TABLE IF NOT EXISTS tags_mailbox (
  username TEXT NOT NULL COLLATE NOCASE,
  tag_name TEXT NOT NULL,
  PRIMARY KEY (username, tag_name)
);
CREATE TABLE IF NOT EXISTS alias (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  address TEXT NOT NULL UNIQUE COLLATE NOCASE,
  goto TEXT NOT NULL,
  domain TEXT NOT NULL COLLATE NOCASE,
  public_comment TEXT,
  private_comment TEXT,
  sogo_visible INTEGER NOT NULL DEFAULT 1,
  internal INTEGER NOT NULL DEFAULT 0,
  sender_allowed INTEGER NOT NULL DEFAULT 0,
  active INTEGER NOT NULL DEFAULT 1,
  created TEXT NOT NULL,
  modified TEXT
);
CREATE INDEX IF NOT EXISTS alias_domain_idx ON alias (domain);
`;

type RawMailboxRow = Omit<MailboxRow, "attributes"> & { attributes: string };

/**
 * MariaDB's utf8mb4_general_ci sorts letters case-folded to upper case, so "_" sorts after letters; SQLite's NOCASE
 * folds to lower case. Row order is visible in list responses, so sorting happens here.
 */
export function mariadbCompare(a: string, b: string): number {
  const ka = a.replace(/[a-z]/g, (c) => c.toUpperCase());
  const kb = b.replace(/[a-z]/g, (c) => c.toUpperCase());
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export class EmulatorStore {
  readonly db: Database.Database;

  private readonly resourceTables: string[];

  /** `resources`: the schemas and tables of the resources beyond domains, mailboxes and aliases (resources.ts). */
  constructor(path: string, resources: readonly { schema?: string; tables?: string[] }[] = []) {
    this.db = new Database(path);
    if (path !== ":memory:" && path !== "") this.db.pragma("journal_mode = WAL");
    this.db.exec(SCHEMA);
    for (const resource of resources) if (resource.schema) this.db.exec(resource.schema);
    this.resourceTables = resources.flatMap((resource) => resource.tables ?? []);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Everything goes, including the id counters: a fresh Mailcow starts its ids at 1. */
  wipe(): void {
    this.transaction(() => {
      for (const table of [...this.resourceTables, "tags_mailbox", "alias", "mailbox", "alias_domain", "tags_domain", "domain"]) {
        this.db.prepare(`DELETE FROM ${table}`).run();
      }
      this.db.prepare("DELETE FROM sqlite_sequence").run();
    });
  }

  getSetting(key: string): string | null {
    const row = this.db.prepare("SELECT value FROM settings WHERE key = ?").get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  setSetting(key: string, value: string): void {
    this.db.prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  deleteSetting(key: string): void {
    this.db.prepare("DELETE FROM settings WHERE key = ?").run(key);
  }

  // --- domains -------------------------------------------------------------------------------------------------

  getDomain(domain: string): DomainRow | null {
    return (this.db.prepare("SELECT * FROM domain WHERE domain = ?").get(domain) as DomainRow | undefined) ?? null;
  }

  listDomains(): DomainRow[] {
    const rows = this.db.prepare("SELECT * FROM domain").all() as DomainRow[];
    return rows.sort((a, b) => mariadbCompare(a.domain, b.domain));
  }

  insertDomain(row: DomainRow): void {
    this.db
      .prepare(
        `INSERT INTO domain (domain, description, aliases, mailboxes, defquota, maxquota, quota, backupmx, gal,
           relay_all_recipients, relay_unknown_only, active, created, modified)
         VALUES (@domain, @description, @aliases, @mailboxes, @defquota, @maxquota, @quota, @backupmx, @gal,
           @relay_all_recipients, @relay_unknown_only, @active, @created, @modified)`,
      )
      .run(row);
  }

  updateDomainLimits(domain: string, limits: Pick<DomainRow, "mailboxes" | "defquota" | "maxquota" | "quota">): void {
    this.db
      .prepare("UPDATE domain SET mailboxes = @mailboxes, defquota = @defquota, maxquota = @maxquota, quota = @quota WHERE domain = @domain")
      .run({ ...limits, domain });
  }

  updateDomain(domain: string, patch: Partial<Omit<DomainRow, "domain" | "created">>): void {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    const sets = entries.map(([key]) => `${key} = @${key}`).join(", ");
    this.db.prepare(`UPDATE domain SET ${sets} WHERE domain = @domain`).run({ ...Object.fromEntries(entries), domain });
  }

  deleteDomain(domain: string): void {
    this.transaction(() => {
      this.db.prepare("DELETE FROM alias WHERE domain = ?").run(domain);
      this.db.prepare("DELETE FROM alias_domain WHERE target_domain = ? OR alias_domain = ?").run(domain, domain);
      this.db.prepare("DELETE FROM tags_domain WHERE domain = ?").run(domain);
      this.db.prepare("DELETE FROM domain WHERE domain = ?").run(domain);
    });
  }

  domainTags(domain: string): string[] {
    const rows = this.db.prepare("SELECT tag_name FROM tags_domain WHERE domain = ?").all(domain) as { tag_name: string }[];
    return rows.map((r) => r.tag_name).sort(mariadbCompare);
  }

  addDomainTag(domain: string, tag: string): void {
    this.db.prepare("INSERT OR IGNORE INTO tags_domain (domain, tag_name) VALUES (?, ?)").run(domain, tag);
  }

  getAliasDomain(aliasDomain: string): AliasDomainRow | null {
    return (
      (this.db.prepare("SELECT * FROM alias_domain WHERE alias_domain = ?").get(aliasDomain) as AliasDomainRow | undefined) ?? null
    );
  }

  listAliasDomains(): AliasDomainRow[] {
    const rows = this.db.prepare("SELECT * FROM alias_domain").all() as AliasDomainRow[];
    return rows.sort((a, b) => mariadbCompare(a.alias_domain, b.alias_domain));
  }

  insertAliasDomain(row: AliasDomainRow): void {
    this.db
      .prepare("INSERT INTO alias_domain (alias_domain, target_domain, active, created, modified) VALUES (@alias_domain, @target_domain, @active, @created, @modified)")
      .run(row);
  }

  // --- mailboxes -----------------------------------------------------------------------------------------------

  getMailbox(username: string): MailboxRow | null {
    const row = this.db.prepare("SELECT * FROM mailbox WHERE username = ?").get(username) as RawMailboxRow | undefined;
    return row ? parseMailbox(row) : null;
  }

  /** Mailboxes of one domain (or of all domains), sorted as MariaDB sorts them. */
  listMailboxes(filter: { domain?: string } = {}): MailboxRow[] {
    const rows = (
      filter.domain === undefined
        ? this.db.prepare("SELECT * FROM mailbox").all()
        : this.db.prepare("SELECT * FROM mailbox WHERE domain = ?").all(filter.domain)
    ) as RawMailboxRow[];
    return rows.map(parseMailbox).sort((a, b) => mariadbCompare(a.username, b.username));
  }

  /**
   * Usernames with a tag matching one of `tags`, as Mailcow's `tag_name LIKE '%<tag>%' … UNION …` finds them:
   * unescaped patterns (`_` and `%` are wildcards), case-insensitive, one tag's matches after the other's, and the
   * username itself matched by substring (`username LIKE '%<domain>%'`) when a domain is given.
   */
  usernamesByTags(tags: string[], domainLike: string | null): string[] {
    const found: string[] = [];
    for (const tag of tags) {
      const rows = this.db
        .prepare(
          `SELECT DISTINCT username FROM tags_mailbox WHERE tag_name LIKE ?${domainLike === null ? "" : " AND username LIKE ?"}`,
        )
        .all(`%${tag}%`, ...(domainLike === null ? [] : [`%${domainLike}%`])) as { username: string }[];
      for (const username of rows.map((r) => r.username).sort(mariadbCompare)) {
        if (!found.some((f) => f.toLowerCase() === username.toLowerCase())) found.push(username);
      }
    }
    return found;
  }

  /** COUNT(*) and SUM(quota) of a domain's mailboxes, the two numbers every quota decision starts from. */
  domainUsage(domain: string): { count: number; allocatedBytes: number; bytes: number; messages: number } {
    const row = this.db
      .prepare(
        "SELECT COUNT(*) AS count, COALESCE(SUM(quota), 0) AS allocated, COALESCE(SUM(bytes), 0) AS bytes, COALESCE(SUM(messages), 0) AS messages FROM mailbox WHERE domain = ?",
      )
      .get(domain) as { count: number; allocated: number; bytes: number; messages: number };
    return { count: row.count, allocatedBytes: row.allocated, bytes: row.bytes, messages: row.messages };
  }

  insertMailbox(row: MailboxRow): void {
    this.db
      .prepare(
        `INSERT INTO mailbox (username, local_part, domain, name, password, quota, active, attributes, authsource,
           rl_value, rl_frame, bytes, messages, created, modified)
         VALUES (@username, @local_part, @domain, @name, @password, @quota, @active, @attributes, @authsource,
           @rl_value, @rl_frame, @bytes, @messages, @created, @modified)`,
      )
      .run({ ...row, attributes: JSON.stringify(row.attributes) });
  }

  updateMailbox(username: string, patch: Partial<Omit<MailboxRow, "username" | "local_part" | "domain">>): void {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    const sets = entries.map(([key]) => `${key} = @${key}`).join(", ");
    const params: Record<string, unknown> = { username };
    for (const [key, value] of entries) params[key] = key === "attributes" ? JSON.stringify(value) : value;
    this.db.prepare(`UPDATE mailbox SET ${sets} WHERE username = @username`).run(params);
  }

  deleteMailbox(username: string): void {
    this.db.prepare("DELETE FROM tags_mailbox WHERE username = ?").run(username);
    this.db.prepare("DELETE FROM mailbox WHERE username = ?").run(username);
  }

  mailboxTags(username: string): string[] {
    const rows = this.db.prepare("SELECT tag_name FROM tags_mailbox WHERE username = ?").all(username) as { tag_name: string }[];
    return rows.map((r) => r.tag_name).sort(mariadbCompare);
  }

  addMailboxTag(username: string, tag: string): void {
    this.db.prepare("INSERT OR IGNORE INTO tags_mailbox (username, tag_name) VALUES (?, ?)").run(username, tag);
  }

  removeMailboxTags(username: string, tags: string[]): void {
    for (const tag of tags) this.db.prepare("DELETE FROM tags_mailbox WHERE username = ? AND tag_name = ?").run(username, tag);
  }

  // --- aliases -------------------------------------------------------------------------------------------------

  getAliasByAddress(address: string): AliasRow | null {
    return (this.db.prepare("SELECT * FROM alias WHERE address = ?").get(address) as AliasRow | undefined) ?? null;
  }

  getAliasById(id: number): AliasRow | null {
    return (this.db.prepare("SELECT * FROM alias WHERE id = ?").get(id) as AliasRow | undefined) ?? null;
  }

  /** Aliases of a domain, without mailbox self-aliases (Mailcow filters `address NOT IN (SELECT username FROM mailbox)`). */
  listAliases(domain: string): AliasRow[] {
    return this.db
      .prepare("SELECT * FROM alias WHERE domain = ? AND address NOT IN (SELECT username FROM mailbox) ORDER BY id")
      .all(domain) as AliasRow[];
  }

  /** Aliases whose address or goto list contains `text` (a superset; callers compare exactly). */
  aliasesMentioning(text: string): AliasRow[] {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.db
      .prepare("SELECT * FROM alias WHERE address LIKE ? ESCAPE '\\' OR goto LIKE ? ESCAPE '\\' ORDER BY id")
      .all(pattern, pattern) as AliasRow[];
  }

  insertAlias(row: Omit<AliasRow, "id">): number {
    const result = this.db
      .prepare(
        `INSERT INTO alias (address, goto, domain, public_comment, private_comment, sogo_visible, internal, sender_allowed, active, created, modified)
         VALUES (@address, @goto, @domain, @public_comment, @private_comment, @sogo_visible, @internal, @sender_allowed, @active, @created, @modified)`,
      )
      .run(row);
    return Number(result.lastInsertRowid);
  }

  updateAlias(id: number, patch: Partial<Omit<AliasRow, "id">>): void {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    const sets = entries.map(([key]) => `${key} = @${key}`).join(", ");
    this.db.prepare(`UPDATE alias SET ${sets} WHERE id = @id`).run({ ...Object.fromEntries(entries), id });
  }

  deleteAlias(id: number): void {
    this.db.prepare("DELETE FROM alias WHERE id = ?").run(id);
  }

  countAliases(domain: string): number {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS count FROM alias
          WHERE (domain = ? OR domain IN (SELECT alias_domain FROM alias_domain WHERE target_domain = ?))
            AND address NOT IN (SELECT username FROM mailbox)`,
      )
      .get(domain, domain) as { count: number };
    return row.count;
  }
}

function parseMailbox(row: RawMailboxRow): MailboxRow {
  return { ...row, attributes: JSON.parse(row.attributes) as MailboxAttributes };
}
