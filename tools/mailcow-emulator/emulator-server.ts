// The emulator as a process-level thing: SQLite state, the HTTP listener, fault switches, latency and statistics.
// Request semantics live in router.ts; this module decides whether a request is answered at all, when, and how the
// bytes leave (headers, truncation, dropped sockets).
import { randomBytes } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { z } from "zod";
import { formatDateTime, hasPolicy, readPolicy, writePolicy, type ApiContext } from "./api-context";
import { createDovecotBackend, type DovecotBackendOptions } from "./dovecot-backend";
import { seedMailboxRow } from "./mailbox-api";
import { DEFAULT_PASSWORD_POLICY, hashPassword, passwordScheme, verifyPassword, type PasswordPolicy } from "./password";
import { asciiLower, isValidDomainName, isValidEmail } from "./php";
import { createRouter, type ApiReply } from "./router";
import { SessionStore } from "./sessions";
import { EmulatorStore, type MailboxRow } from "./store";

export type EmulatorFault = "down" | "reset" | "slow" | "html500" | "danger" | "malformed";

export interface EmulatorOptions {
  /** Default "127.0.0.1"; the emulator never binds elsewhere unless told to. */
  host?: string;
  /** Default 0 = a free port. */
  port?: number;
  /** Default ":memory:". */
  databasePath?: string;
  /** The one domain created at start when missing. Default "example.test". */
  domain?: string;
  /** Read-write key; generated in Mailcow's format (and kept in the database) when absent. */
  apiKey?: string;
  /** Read-only key; generated (and kept) when undefined, none when null. */
  readOnlyApiKey?: string | null;
  domainLimits?: { mailboxes?: number; maxQuotaMiB?: number; quotaMiB?: number; defQuotaMiB?: number };
  /** Added to every response, for benchmarks. Default 0. */
  latencyMs?: number;
  /** How long the "slow" fault stalls. Default 30 000. */
  slowMs?: number;
  /** What GET /get/status/version reports. Default "2026-07a" (the tag the recorded exchanges came from). */
  version?: string;
  /**
   * Reproduce Mailcow's session quirk: a MCSESSID cookie from an earlier keyed request authenticates later requests
   * without a key, writes included. Default false: cookies are issued on every response but never authenticate.
   */
  cookieAuth?: boolean;
  /**
   * Back the mailboxes with a real Dovecot (tools/mailcow-emulator/README.md, "Dovecot backend"): every mailbox
   * change rewrites this passwd-file (BLF-CRYPT hash, quota rule; inactive mailboxes cannot log in, deleted ones are
   * gone) before the API call returns, passwords are stored as {BLF-CRYPT} like Mailcow does, and get/mailbox reports
   * Dovecot's figures when doveadm is given. `npm run mailstack` starts a Dovecot that reads such a file.
   */
  dovecot?: DovecotBackendOptions;
}

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

export interface EmulatorStats {
  /** HTTP requests that reached the handler (dropped "reset" connections excluded). */
  requests: number;
  /** Of those, add/edit/delete requests, whatever their outcome. */
  writes: number;
  /** Peak number of requests in flight at the same time. */
  maxConcurrent: number;
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
  /** Fresh state: no mailboxes/aliases/extra domains, domain and password policy re-seeded, no fault, stats zeroed. */
  reset(): void;
  seedMailbox(m: { localPart: string; name?: string; quotaMiB?: number; password?: string; active?: 0 | 1 | 2; tags?: string[] }): void;
  seedAlias(address: string, goto: string): void;
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

const API_KEY = /^[A-Za-z0-9-]+$/;

const OptionsSchema = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65_535).default(0),
  databasePath: z.string().default(":memory:"),
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .refine(isValidDomainName, "Not a valid domain name")
    .default("example.test"),
  apiKey: z.string().regex(API_KEY, "API keys may only contain A-Z a-z 0-9 -").optional(),
  readOnlyApiKey: z.string().regex(API_KEY, "API keys may only contain A-Z a-z 0-9 -").nullable().optional(),
  domainLimits: z
    .object({
      mailboxes: z.number().int().min(0).default(1000),
      maxQuotaMiB: z.number().int().min(1).default(10_240),
      quotaMiB: z.number().int().min(1).default(1024 * 1000),
      defQuotaMiB: z.number().int().min(1).default(1024),
    })
    .refine((l) => l.defQuotaMiB <= l.maxQuotaMiB && l.maxQuotaMiB <= l.quotaMiB, "Need defQuotaMiB ≤ maxQuotaMiB ≤ quotaMiB")
    .default({ mailboxes: 1000, maxQuotaMiB: 10_240, quotaMiB: 1024 * 1000, defQuotaMiB: 1024 }),
  latencyMs: z.number().min(0).default(0),
  slowMs: z.number().min(0).default(30_000),
  version: z.string().min(1).default("2026-07a"),
  cookieAuth: z.boolean().default(false),
  dovecot: z
    .object({
      passwdFile: z.string().min(1),
      doveadm: z.object({ binary: z.string().min(1).optional(), config: z.string().min(1) }).optional(),
      lastLoginFile: z.string().min(1).optional(),
    })
    .optional(),
});

/** Knobs only the emulator's own tests need (replaying a recording that creates its domains itself). */
export interface InternalOptions {
  seedDomain?: boolean;
}

/** Mailcow's UI format: five groups of six upper-case hex digits. */
export function generateApiKey(): string {
  const hex = randomBytes(15).toString("hex").toUpperCase();
  return hex.match(/.{6}/g)?.join("-") ?? hex;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

const HTML_500 =
  "<!DOCTYPE html>\n<html><head><title>mailcow UI</title></head><body>\n" +
  "<h2>Connection to Redis failed.</h2><p>The following error was reported:<br>Connection refused</p>\n</body></html>\n";

const HTML_404 = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

export async function createEmulator(options: EmulatorOptions = {}, internal: InternalOptions = {}): Promise<MailcowEmulator> {
  const config = OptionsSchema.parse(options);
  const seedDomain = internal.seedDomain ?? true;
  const store = new EmulatorStore(config.databasePath);
  const dovecot = config.dovecot ? createDovecotBackend(config.dovecot, store) : null;
  const hashWith = (password: string) => hashPassword(password, dovecot ? "BLF-CRYPT" : "SSHA256");
  const lastImapLogin = (username: string) => dovecot?.lastImapLogin(username) ?? 0;

  const apiKey = config.apiKey ?? persistedKey(store, "api_key_rw");
  const readOnlyApiKey = config.readOnlyApiKey === null ? null : (config.readOnlyApiKey ?? persistedKey(store, "api_key_ro"));
  if (readOnlyApiKey !== null && readOnlyApiKey.toLowerCase() === apiKey.toLowerCase()) {
    store.close();
    throw new Error("The read-only API key must differ from the read-write key");
  }

  const seed = () => {
    if (seedDomain) {
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
  try {
    // A database kept from an earlier run (the demo) and the passwd-file agree from the start.
    dovecot?.write();
  } catch (error) {
    store.close();
    throw new Error(`The Dovecot passwd-file ${config.dovecot?.passwdFile} cannot be written`, { cause: error });
  }

  const sessions = new SessionStore();
  let faultMode: EmulatorFault | null = null;
  const currentFault = () => faultMode;
  let latencyMs = config.latencyMs;
  let stats: EmulatorStats = { requests: 0, writes: 0, maxConcurrent: 0 };
  let inFlight = 0;
  let closed = false;

  const route = createRouter({
    store,
    keys: () => ({ rw: apiKey, ro: readOnlyApiKey }),
    version: config.version,
    sessions,
    cookieAuth: config.cookieAuth,
    policy: () => readPolicy(store),
    setPolicy: (policy) => writePolicy(store, policy),
    failWrites: () => faultMode === "danger",
    hashPassword: hashWith,
    lastImapLogin,
  });

  // Pending stalls (latency, "slow") end early when the emulator closes, so close() never waits on a timer.
  const stalls = new Map<NodeJS.Timeout, () => void>();
  const stall = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        stalls.delete(timer);
        resolve();
      }, ms);
      stalls.set(timer, resolve);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (faultMode === "reset") {
      req.socket.resetAndDestroy();
      return;
    }
    stats.requests++;
    inFlight++;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, inFlight);
    res.once("close", () => inFlight--);

    const body = await readBody(req);
    if (body === null) {
      send(res, 413, "text/html; charset=utf-8", "<html><body><h1>413 Request Entity Too Large</h1></body></html>", null);
      return;
    }
    if (faultMode === "slow") await stall(config.slowMs);
    await stall(latencyMs);
    if (closed || res.destroyed) return;
    // The mode may have changed while the request was stalled.
    if (currentFault() === "reset") {
      req.socket.resetAndDestroy();
      return;
    }
    if (faultMode === "html500") {
      send(res, 500, "text/html; charset=utf-8", HTML_500, null);
      return;
    }

    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    if (!url.pathname.startsWith("/api/v1/")) {
      send(res, 404, "text/html; charset=utf-8", HTML_404, null);
      return;
    }
    const query = safeDecode(url.pathname.slice("/api/v1/".length));
    const [action, category, object] = query.split("/");
    if (dovecot && req.method === "GET" && action === "get" && category === "mailbox" && req.headers["x-api-key"]) {
      // Mailcow's quota2 and last-login figures are written by Dovecot; here they are fetched when asked for.
      await dovecot.refresh(object?.includes("@") ? object : null);
      if (closed || res.destroyed) return;
    }
    const reply = route({ method: req.method ?? "GET", query, search: url.searchParams, headers: req.headers, body });
    if (reply.action === "add" || reply.action === "edit" || reply.action === "delete") {
      stats.writes++;
      // The change is effective in Dovecot before the answer leaves (see dovecot-backend.ts for the one-second rule).
      if (dovecot?.write()) await stall(dovecot.pendingMs());
      if (closed || res.destroyed) return;
    }
    if (faultMode === "malformed") {
      send(res, 200, "application/json", truncated(reply.body), reply);
      return;
    }
    send(res, reply.status, reply.contentType, reply.body, reply);
  }

  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // A failure here is a broken socket or a bug; the client sees a dropped connection, the test sees it there.
      if (!res.destroyed) res.destroy();
    });
  });
  server.on("connection", (socket) => {
    if (faultMode === "reset") {
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  // Errors on client sockets (resets mid-request) are the client's business, not the emulator's.
  server.on("clientError", (_error, socket) => socket.destroy());

  try {
    await listen(server, config.port, config.host);
  } catch (error) {
    store.close();
    throw error;
  }
  // A failed re-listen after "down" (port taken meanwhile) must not crash the process: requests keep failing instead.
  server.on("error", () => {});
  const address = server.address() as AddressInfo;
  const port = address.port;
  // Re-listening after "down" must happen synchronously, so it binds the resolved address rather than a host name.
  const boundHost = address.address;
  const urlHost = boundHost.includes(":") ? `[${boundHost}]` : boundHost;

  const goDown = () => {
    server.close();
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
  };
  const comeUp = () => {
    server.listen(port, boundHost);
  };

  const ctx = (): ApiContext => ({
    store,
    role: "admin",
    now: () => formatDateTime(new Date()),
    policy: () => readPolicy(store),
    setPolicy: (policy) => writePolicy(store, policy),
    hashPassword: hashWith,
    lastImapLogin,
  });

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

  const emulator: MailcowEmulator = {
    url: `http://${urlHost}:${port}/api/v1`,
    port,
    apiKey,
    readOnlyApiKey,
    domain: config.domain,

    fault(mode) {
      if (closed) throw new Error("The Mailcow emulator is closed");
      const previous = faultMode;
      faultMode = mode;
      if (mode === "down" && previous !== "down") goDown();
      if (mode !== "down" && previous === "down") comeUp();
    },

    setLatency(ms) {
      if (!(ms >= 0)) throw new Error(`Latency must be ≥ 0 ms, got ${ms}`);
      latencyMs = ms;
    },

    reset() {
      emulator.fault(null);
      store.wipe();
      store.deleteSetting("password_policy");
      seed();
      sessions.clear();
      dovecot?.write();
      latencyMs = config.latencyMs;
      stats = { requests: 0, writes: 0, maxConcurrent: inFlight };
    },

    seedMailbox(m) {
      const domain = store.getDomain(config.domain);
      if (!domain) throw new Error(`Domain ${config.domain} does not exist`);
      const username = `${asciiLower(m.localPart)}@${config.domain}`;
      if (!isValidEmail(username)) throw new Error(`Not a valid address: ${username}`);
      if (store.getMailbox(username) || store.getAliasByAddress(username)) throw new Error(`${username} already exists`);
      seedMailboxRow(ctx(), {
        localPart: m.localPart,
        domain: config.domain,
        name: m.name ?? "",
        quotaMiB: m.quotaMiB ?? domain.defquota,
        // Without a password the mailbox gets one nobody knows, as an imported account would.
        passwordHash: hashWith(m.password ?? randomBytes(24).toString("base64")),
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
      if (dovecot) await stall(dovecot.pendingMs());
    },

    stats() {
      return { ...stats };
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const [timer, resolve] of stalls) {
        clearTimeout(timer);
        resolve();
      }
      stalls.clear();
      if (faultMode !== "down") {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
          for (const socket of sockets) socket.destroy();
        });
      }
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

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** At least one byte short of the real body, and never valid JSON. */
function truncated(body: string): string {
  if (body.length < 4) return '[{"type":"success","msg":';
  return body.slice(0, Math.floor(body.length / 2));
}

function send(res: ServerResponse, status: number, contentType: string, body: string, reply: ApiReply | null): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string | string[]> = {
    "Content-Type": contentType,
    "Content-Length": String(Buffer.byteLength(body)),
  };
  if (reply) {
    if (reply.setCookie) headers["Set-Cookie"] = reply.setCookie;
    headers.Expires = "Thu, 19 Nov 1981 08:52:00 GMT";
    headers["Cache-Control"] = "no-store, no-cache, must-revalidate";
    headers.Pragma = "no-cache";
    if (reply.fullHeaders) {
      headers.Vary = "Origin";
      headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE, OPTION, OPTIONS";
      headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, X-Api-Key, Origin";
      headers["X-Content-Type-Options"] = "nosniff";
      headers["X-Robots-Tag"] = "none";
      headers["X-Download-Options"] = "noopen";
      headers["X-Permitted-Cross-Domain-Policies"] = "none";
      headers["Referrer-Policy"] = "strict-origin";
    }
    headers["X-Frame-Options"] = "SAMEORIGIN";
  }
  res.writeHead(status, headers);
  res.end(body);
}
