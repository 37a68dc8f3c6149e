// The emulator as a process-level thing: SQLite state (one table set per resource, resources.ts), the HTTP side
// (http-server.ts: listener, faults, latency, statistics), the optional Dovecot backend, and the programmatic API that
// tests and the demo use. Request semantics live in router.ts and the resource files.
import { randomBytes } from "node:crypto";
import { formatDateTime, hasPolicy, readPolicy, writePolicy, type ApiContext } from "./api-context";
import { createDovecotBackend } from "./dovecot-backend";
import { activeFilters } from "./filter-api";
import { startHttpServer, type EmulatorFault, type EmulatorStats } from "./http-server";
import { seedMailboxRow } from "./mailbox-api";
import { OptionsSchema, generateApiKey, type EmulatorOptions, type InternalOptions } from "./options";
import { checkLogin } from "./passdb";
import { DEFAULT_PASSWORD_POLICY, hashPassword, passwordScheme, verifyPassword, type PasswordPolicy } from "./password";
import { asciiLower, isValidEmail } from "./php";
import { RESOURCES } from "./resources";
import { createPassdbRoute, createRouter } from "./router";
import { applySeed } from "./seed";
import { SessionStore } from "./sessions";
import { EmulatorStore, type MailboxRow } from "./store";
import { readableLocalPart } from "./time-limited-alias-api";

export type { EmulatorFault, EmulatorStats } from "./http-server";
export type { EmulatorOptions, InternalOptions } from "./options";
export { generateApiKey } from "./options";

/** A stored mailbox for assertions; the password hash stays inside (only its scheme is shown). */
export interface EmulatorMailboxRow {
  username: string;
  localPart: string;
  domain: string;
  name: string;
  /** Bytes, as Mailcow stores and reports it. */
  quota: number;
  quotaMiB: number;
  active: number;
  attributes: Record<string, string | null>;
  tags: string[];
  /** "{SSHA256}" ("{BLF-CRYPT}" with the Dovecot backend) for passwords set through the emulator, else the given prefix. */
  passwordScheme: string;
  quotaUsed: number;
  messages: number;
  created: string;
  modified: string | null;
  passwordMatches(password: string): boolean;
}

export interface MailcowEmulator {
  /** Base URL including /api/v1, e.g. "http://127.0.0.1:41234/api/v1". */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  readonly readOnlyApiKey: string | null;
  readonly domain: string;
  /**
   * null = healthy. "down": connection refused (stops listening; recovery listens again on the same port);
   * "reset": accepts, then resets the socket; "slow": stalls slowMs before answering; "html500": HTTP 500 with an
   * HTML page; "danger": every write answers 200 [{"type":"danger","msg":"mysql_error",…}] and changes nothing (reads
   * work); "malformed": the request is processed, then answered 200 with its JSON body cut short.
   */
  fault(mode: EmulatorFault | null): void;
  setLatency(ms: number): void;
  /** Fresh state: the seed (or the default domain and policy) again, nothing else; no fault, stats zeroed. */
  reset(): void;
  seedMailbox(m: { localPart: string; name?: string; quotaMiB?: number; password?: string; active?: 0 | 1 | 2; tags?: string[] }): void;
  seedAlias(address: string, goto: string): void;
  /** The mailbox's active Sieve filters (what Dovecot would run before/after the user's own script). */
  activeFilters(email: string): { id: number; filterType: string; script: string; description: string }[];
  /** What Mailcow's passdb endpoint answers for a login (service: imap, smtp, pop3, sieve, dav, eas; null = none). */
  checkLogin(email: string, password: string, service: string | null): boolean;
  mailbox(email: string): EmulatorMailboxRow | null;
  checkPassword(email: string, password: string): boolean;
  setPasswordPolicy(p: Partial<{ length: number; chars: boolean; special_chars: boolean; lowerupper: boolean; numbers: boolean }>): void;
  /** Usage figures Dovecot would write (quota2): shown as quota_used/messages/percent_in_use, bytes_total/msgs_total. */
  setMailboxUsage(email: string, usage: { bytes: number; messages?: number }): void;
  /**
   * Resolves once every change so far is visible to Dovecot (at once without the Dovecot backend). API calls wait for
   * this themselves; seedMailbox() and reset() do not.
   */
  settled(): Promise<void>;
  stats(): EmulatorStats;
  close(): Promise<void>;
}

export async function createEmulator(options: EmulatorOptions = {}, internal: InternalOptions = {}): Promise<MailcowEmulator> {
  const config = OptionsSchema.parse(options);
  const store = new EmulatorStore(config.databasePath, RESOURCES);
  const dovecot = config.dovecot ? createDovecotBackend(config.dovecot, store) : null;
  const hashWith = (password: string) => hashPassword(password, dovecot ? "BLF-CRYPT" : "SSHA256");
  const lastImapLogin = (username: string) => dovecot?.lastImapLogin(username) ?? 0;
  const spamAliasLocalPart = internal.spamAliasLocalPart ?? (() => readableLocalPart());
  const seedFile = config.seed ?? null;

  const apiKey = config.apiKey ?? seedFile?.apiKeys?.rw ?? persistedKey(store, "api_key_rw");
  const seededRo = seedFile?.apiKeys?.ro;
  const readOnlyApiKey =
    config.readOnlyApiKey === null ? null : (config.readOnlyApiKey ?? (seededRo === undefined ? persistedKey(store, "api_key_ro") : seededRo));
  if (readOnlyApiKey !== null && readOnlyApiKey.toLowerCase() === apiKey.toLowerCase()) {
    store.close();
    throw new Error("The read-only API key must differ from the read-write key");
  }

  const ctx = (): ApiContext => ({
    store,
    role: "admin",
    now: () => formatDateTime(new Date()),
    unixNow: () => Math.floor(Date.now() / 1000),
    version: config.version,
    policy: () => readPolicy(store),
    setPolicy: (policy) => writePolicy(store, policy),
    hashPassword: hashWith,
    lastImapLogin,
    spamAliasLocalPart,
  });
  const unknownPassword = () => randomBytes(24).toString("base64");

  // With a seed, the seed is the whole start state (on an empty database: a kept demo database keeps its own).
  // Without one, the default domain is created (or its limits refreshed) as before.
  const seed = () => {
    if (seedFile) {
      if (store.listDomains().length === 0 && store.listMailboxes().length === 0) applySeed(ctx(), seedFile, hashWith, unknownPassword);
    } else {
      const limits = {
        mailboxes: config.domainLimits.mailboxes,
        defquota: config.domainLimits.defQuotaMiB,
        maxquota: config.domainLimits.maxQuotaMiB,
        quota: config.domainLimits.quotaMiB,
      };
      if (store.getDomain(config.domain)) store.updateDomainLimits(config.domain, limits);
      else {
        store.insertDomain({
          domain: config.domain,
          description: config.domain,
          aliases: 400,
          ...limits,
          backupmx: 0,
          gal: 1,
          relay_all_recipients: 0,
          relay_unknown_only: 0,
          active: 1,
          created: formatDateTime(new Date()),
          modified: null,
        });
      }
    }
    if (!hasPolicy(store)) writePolicy(store, DEFAULT_PASSWORD_POLICY);
  };
  seed();
  // The domain seedMailbox() uses: the configured one, or the seed's first.
  const mainDomain = seedFile ? (seedFile.domains[0]?.domain ?? config.domain) : config.domain;
  try {
    // A database kept from an earlier run (the demo) and the passwd-file agree from the start.
    dovecot?.write();
  } catch (error) {
    store.close();
    throw new Error(`The Dovecot passwd-file ${config.dovecot?.passwdFile} cannot be written`, { cause: error });
  }

  const sessions = new SessionStore();
  let http: Awaited<ReturnType<typeof startHttpServer>> | null = null;
  const routerDeps = {
    store,
    keys: () => ({ rw: apiKey, ro: readOnlyApiKey }),
    version: config.version,
    sessions,
    cookieAuth: config.cookieAuth,
    policy: () => readPolicy(store),
    setPolicy: (policy: PasswordPolicy) => writePolicy(store, policy),
    failWrites: () => http?.currentFault() === "danger",
    hashPassword: hashWith,
    lastImapLogin,
    spamAliasLocalPart,
  };
  const route = createRouter(routerDeps);
  const passdbRoute = createPassdbRoute(routerDeps);

  try {
    http = await startHttpServer(config, {
      api: route,
      passdb: passdbRoute,
      // Mailcow's quota2 and last-login figures are written by Dovecot; here they are fetched when asked for.
      ...(dovecot && { beforeMailboxRead: (object: string | undefined) => dovecot.refresh(object?.includes("@") ? object : null) }),
      afterWrite: () => (dovecot?.write() ? dovecot.pendingMs() : 0),
    });
  } catch (error) {
    store.close();
    throw error;
  }
  const server = http;

  const toRow = (row: MailboxRow): EmulatorMailboxRow => ({
    username: row.username,
    localPart: row.local_part,
    domain: row.domain,
    name: row.name,
    quota: row.quota,
    quotaMiB: row.quota / 1_048_576,
    active: row.active,
    attributes: { ...row.attributes },
    tags: store.mailboxTags(row.username),
    passwordScheme: passwordScheme(row.password),
    quotaUsed: row.bytes,
    messages: row.messages,
    created: row.created,
    modified: row.modified,
    passwordMatches: (password: string) => verifyPassword(row.password, password),
  });

  let closed = false;
  const emulator: MailcowEmulator = {
    url: server.url,
    port: server.port,
    apiKey,
    readOnlyApiKey,
    domain: mainDomain,

    fault: (mode) => server.fault(mode),
    setLatency: (ms) => server.setLatency(ms),

    reset() {
      server.fault(null);
      store.wipe();
      store.deleteSetting("password_policy");
      seed();
      sessions.clear();
      dovecot?.write();
      server.resetStats();
    },

    seedMailbox(m) {
      const domain = store.getDomain(mainDomain);
      if (!domain) throw new Error(`Domain ${mainDomain} does not exist`);
      const username = `${asciiLower(m.localPart)}@${mainDomain}`;
      if (!isValidEmail(username)) throw new Error(`Not a valid address: ${username}`);
      if (store.getMailbox(username) || store.getAliasByAddress(username)) throw new Error(`${username} already exists`);
      seedMailboxRow(ctx(), {
        localPart: m.localPart,
        domain: mainDomain,
        name: m.name ?? "",
        quotaMiB: m.quotaMiB ?? domain.defquota,
        // Without a password the mailbox gets one nobody knows, as an imported account would.
        passwordHash: hashWith(m.password ?? unknownPassword()),
        active: m.active ?? 1,
        tags: m.tags ?? [],
      });
      dovecot?.write();
    },

    seedAlias(address, goto) {
      const normalized = asciiLower(address.trim());
      const domain = normalized.slice(normalized.indexOf("@") + 1);
      if (!normalized.includes("@") || (!store.getDomain(domain) && !store.getAliasDomain(domain))) {
        throw new Error(`Alias ${address} is not on a configured domain`);
      }
      if (store.getMailbox(normalized) || store.getAliasByAddress(normalized)) throw new Error(`${normalized} already exists`);
      store.insertAlias({
        address: normalized,
        goto,
        domain,
        public_comment: null,
        private_comment: null,
        sogo_visible: 1,
        internal: 0,
        sender_allowed: 0,
        active: 1,
        created: formatDateTime(new Date()),
        modified: null,
      });
    },

    activeFilters: (email) => activeFilters(ctx(), email),
    checkLogin: (email, password, service) => checkLogin(ctx(), email, password, service) !== null,

    mailbox(email) {
      const row = store.getMailbox(email);
      return row ? toRow(row) : null;
    },

    checkPassword(email, password) {
      const row = store.getMailbox(email);
      return row ? verifyPassword(row.password, password) : false;
    },

    setPasswordPolicy(p) {
      const policy: PasswordPolicy = readPolicy(store);
      if (p.length !== undefined) policy.length = p.length;
      for (const key of ["chars", "special_chars", "lowerupper", "numbers"] as const) {
        const value = p[key];
        if (value !== undefined) policy[key] = value ? 1 : 0;
      }
      writePolicy(store, policy);
    },

    setMailboxUsage(email, usage) {
      const row = store.getMailbox(email);
      if (!row) throw new Error(`No mailbox ${email}`);
      store.updateMailbox(row.username, { bytes: usage.bytes, messages: usage.messages ?? row.messages });
    },

    async settled() {
      if (dovecot) await server.stall(dovecot.pendingMs());
    },

    stats: () => server.stats(),

    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      store.close();
    },
  };
  return emulator;
}

function persistedKey(store: EmulatorStore, setting: string): string {
  const existing = store.getSetting(setting);
  if (existing) return existing;
  const key = generateApiKey();
  store.setSetting(setting, key);
  return key;
}
