// A small IMAP connection pool for the inbox: at most one connection per user (reused; work on it is serialised by
// imapflow's mailbox lock), closed after MAIL_IMAP_IDLE_SECONDS without use, and a global cap
// (MAIL_IMAP_MAX_CONNECTIONS) enforced by closing the connection idle the longest. Credentials come from a function
// the platform passes in (a per-user app password); a rejected login calls `onLoginFailure` once (the platform-wide
// failed-login budget: Mailcow's fail2ban bans the platform's IP after 10 failures in 600 s) and marks the credential
// broken, so it is never tried again until the platform replaces it (`resetCredential`).
import type { ImapFlow, MailboxLockObject } from "imapflow";
import type { LoginBudget } from "../mailbox/login-budget";

export interface ImapServer {
  host: string;
  port: number;
  security: "ssl" | "starttls" | "none";
  /** PEM of an extra CA to trust besides the system's (MAIL_TLS_CA_FILE), e.g. the mailstack's self-signed one. */
  ca?: string;
  /** One connect + login may take this long. */
  timeoutMs?: number;
}

export interface MailCredentials {
  user: string;
  pass: string;
}

export type InboxErrorKind =
  /** The server refused the credential just now (counted by onLoginFailure). */
  | "auth_failed"
  /** The credential failed before and has not been replaced: not tried again. */
  | "credential_broken"
  /** The mail server cannot be reached (network, TLS, timeout, dropped connection). */
  | "unreachable"
  /** Every connection is busy and the global cap is reached. */
  | "busy"
  /** No such folder, message or body part. */
  | "not_found"
  /** The platform-wide budget of failed mail logins is spent: no login is tried until it frees up. */
  | "login_paused"
  /** An attachment above MAIL_ATTACHMENT_MAX_BYTES. */
  | "too_large"
  /** The SMTP server refused the message or a recipient. */
  | "rejected";

/** The one error type of the inbox; `kind` says what the caller should tell the user. Never carries a password. */
export class InboxError extends Error {
  constructor(
    readonly kind: InboxErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "InboxError";
  }
}

export interface ImapPoolOptions {
  server: ImapServer;
  /** The credential of a user (the platform: the user's IMAP+SMTP app password, unsealed). */
  credentials: (userId: string) => Promise<MailCredentials>;
  /** Called once per rejected login (the platform-wide failed-login budget). */
  onLoginFailure: (userId: string) => void | Promise<void>;
  /**
   * The platform-wide failed-login budget: a place is reserved before every login and settled after it (refused =
   * failed); when it is spent, no login is tried ("login_paused").
   */
  loginBudget?: Pick<LoginBudget, "reserve">;
  /** A connection unused this long is closed (MAIL_IMAP_IDLE_SECONDS × 1000). */
  idleMs: number;
  /** At most this many connections in all (MAIL_IMAP_MAX_CONNECTIONS). */
  maxConnections: number;
  /** The clock (ms); tests pass their own. */
  now?: () => number;
  /** How often idle connections are looked for; 0 = only when `sweepIdle()` is called (tests). */
  sweepEveryMs?: number;
  /** Where unexpected connection errors are reported (never with credentials). */
  onError?: (userId: string, error: unknown) => void;
}

interface Entry {
  userId: string;
  client: ImapFlow | null;
  connecting: Promise<ImapFlow> | null;
  /** Operations holding this connection now. */
  active: number;
  lastUsed: number;
}

export interface PoolStats {
  open: number;
  busy: number;
  /** Logins made since the pool was created (a reused connection does not count). */
  logins: number;
  /** Connections closed for being idle or for the cap. */
  closedIdle: number;
  closedForCap: number;
  brokenCredentials: number;
}

export interface Lease {
  client: ImapFlow;
  /** Gives the connection back (idempotent). */
  release(): void;
}

/** imapflow's login refusal, as opposed to network and TLS trouble. */
function isAuthFailure(error: unknown): boolean {
  const e = error as { authenticationFailed?: unknown; serverResponseCode?: unknown } | null;
  return !!e && (e.authenticationFailed === true || e.serverResponseCode === "AUTHENTICATIONFAILED");
}

export class ImapPool {
  private readonly entries = new Map<string, Entry>();
  private readonly broken = new Set<string>();
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout | null;
  private counters = { logins: 0, closedIdle: 0, closedForCap: 0 };
  private closed = false;

  constructor(private readonly options: ImapPoolOptions) {
    this.now = options.now ?? Date.now;
    const every = options.sweepEveryMs ?? Math.max(1_000, Math.min(options.idleMs / 4, 30_000));
    this.timer = every > 0 ? setInterval(() => this.sweepIdle(), every) : null;
    this.timer?.unref();
  }

  /** Borrows the user's connection (connecting and logging in when there is none). Release it when done. */
  async acquire(userId: string): Promise<Lease> {
    if (this.closed) throw new InboxError("unreachable", "The IMAP pool is closed");
    if (this.broken.has(userId)) throw new InboxError("credential_broken", "The mailbox credential was refused before and has not been replaced");
    let entry = this.entries.get(userId);
    if (!entry) {
      this.makeRoom();
      entry = { userId, client: null, connecting: null, active: 0, lastUsed: this.now() };
      this.entries.set(userId, entry);
    }
    entry.active++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      entry.active--;
      entry.lastUsed = this.now();
    };
    try {
      const client = await this.connected(entry);
      return { client, release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Runs `work` on the user's connection. */
  async withClient<T>(userId: string, work: (client: ImapFlow) => Promise<T>): Promise<T> {
    const lease = await this.acquire(userId);
    try {
      return await work(lease.client);
    } catch (error) {
      throw this.translate(lease.client, error);
    } finally {
      lease.release();
    }
  }

  /** Runs `work` with `folder` selected and locked (other work on this user's connection waits). */
  async withMailbox<T>(userId: string, folder: string, work: (client: ImapFlow, lock: MailboxLockObject) => Promise<T>): Promise<T> {
    return this.withClient(userId, async (client) => {
      const lock = await client.getMailboxLock(folder);
      try {
        return await work(client, lock);
      } finally {
        lock.release();
      }
    });
  }

  /** Maps an error from an operation: a dropped connection is "unreachable", a missing folder "not_found". */
  translate(client: ImapFlow, error: unknown): unknown {
    if (error instanceof InboxError) return error;
    const e = error as { serverResponseCode?: unknown; code?: unknown; mailboxMissing?: unknown } | null;
    if (e?.serverResponseCode === "NONEXISTENT" || e?.serverResponseCode === "TRYCREATE" || e?.mailboxMissing === true) {
      return new InboxError("not_found", "No such folder", { cause: error });
    }
    if (!client.usable || e?.code === "NoConnection" || e?.code === "ETIMEOUT" || e?.code === "ECONNRESET") {
      return new InboxError("unreachable", "The connection to the mail server was lost", { cause: error });
    }
    return error;
  }

  /** Closes connections unused for `idleMs` or longer; returns how many. The pool's timer calls it too. */
  sweepIdle(): number {
    const cutoff = this.now() - this.options.idleMs;
    let closed = 0;
    for (const entry of this.entries.values()) {
      if (entry.active === 0 && entry.connecting === null && entry.lastUsed <= cutoff) {
        this.drop(entry);
        closed++;
      }
    }
    this.counters.closedIdle += closed;
    return closed;
  }

  /** The credential of this user was refused before; true until `resetCredential`. */
  isBroken(userId: string): boolean {
    return this.broken.has(userId);
  }

  /** The platform replaced the credential (a new app password): it may be tried again, once. */
  resetCredential(userId: string): void {
    this.broken.delete(userId);
  }

  /** Another protocol (SMTP) refused the same credential: counted and marked broken the same way. */
  async reportLoginFailure(userId: string): Promise<void> {
    this.broken.add(userId);
    const entry = this.entries.get(userId);
    if (entry && entry.active === 0) this.drop(entry);
    await this.options.onLoginFailure(userId);
  }

  /** The user's credential, unless it is marked broken (for SMTP submission with the same app password). */
  async credentialsFor(userId: string): Promise<MailCredentials> {
    if (this.broken.has(userId)) throw new InboxError("credential_broken", "The mailbox credential was refused before and has not been replaced");
    return this.options.credentials(userId);
  }

  /** Closes the user's connection now (e.g. the mailbox was disabled or the account deleted). */
  disconnect(userId: string): void {
    const entry = this.entries.get(userId);
    if (entry) this.drop(entry);
  }

  stats(): PoolStats {
    let busy = 0;
    for (const entry of this.entries.values()) if (entry.active > 0) busy++;
    return { open: this.entries.size, busy, ...this.counters, brokenCredentials: this.broken.size };
  }

  /** Logs out every connection (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    const clients = [...this.entries.values()].map((entry) => entry.client).filter((c): c is ImapFlow => c !== null);
    this.entries.clear();
    await Promise.all(clients.map((client) => client.logout().catch(() => client.close())));
  }

  /** Below the cap, or closes the connection idle the longest; all busy → "busy". */
  private makeRoom(): void {
    if (this.entries.size < this.options.maxConnections) return;
    let oldest: Entry | null = null;
    for (const entry of this.entries.values()) {
      if (entry.active === 0 && entry.connecting === null && (!oldest || entry.lastUsed < oldest.lastUsed)) oldest = entry;
    }
    if (!oldest) throw new InboxError("busy", `All ${this.options.maxConnections} mail connections are busy`);
    this.drop(oldest);
    this.counters.closedForCap++;
  }

  private drop(entry: Entry): void {
    if (this.entries.get(entry.userId) === entry) this.entries.delete(entry.userId);
    const client = entry.client;
    entry.client = null;
    if (client) client.logout().catch(() => client.close());
  }

  private connected(entry: Entry): Promise<ImapFlow> {
    if (entry.client?.usable) return Promise.resolve(entry.client);
    if (entry.connecting) return entry.connecting;
    entry.connecting = this.login(entry).finally(() => {
      entry.connecting = null;
    });
    return entry.connecting;
  }

  private async login(entry: Entry): Promise<ImapFlow> {
    const { server } = this.options;
    // Loaded on first use: imapflow takes about half a second to import, which the server's start need not pay.
    const { ImapFlow } = await import("imapflow");
    const credentials = await this.options.credentials(entry.userId);
    const timeout = server.timeoutMs ?? 10_000;
    const client = new ImapFlow({
      host: server.host,
      port: server.port,
      secure: server.security === "ssl",
      doSTARTTLS: server.security === "starttls" ? true : server.security === "none" ? false : undefined,
      tls: server.ca ? { ca: server.ca } : undefined,
      auth: { user: credentials.user, pass: credentials.pass },
      logger: false,
      // The pool closes connections itself; IDLE would only keep idle ones busy.
      disableAutoIdle: true,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: 5 * 60_000,
    });
    client.on("error", (error: unknown) => this.options.onError?.(entry.userId, error));
    client.on("close", () => {
      if (entry.client === client) {
        entry.client = null;
        if (entry.active === 0 && this.entries.get(entry.userId) === entry) this.entries.delete(entry.userId);
      }
    });
    const reservation = this.options.loginBudget?.reserve() ?? { ok: true as const, settle: () => {} };
    if (!reservation.ok) {
      if (this.entries.get(entry.userId) === entry) this.entries.delete(entry.userId);
      throw new InboxError("login_paused", `Mail logins from this server are paused for ${reservation.retryAfterSeconds} s`);
    }
    try {
      await client.connect();
      reservation.settle(false);
    } catch (error) {
      reservation.settle(isAuthFailure(error));
      client.close();
      if (this.entries.get(entry.userId) === entry) this.entries.delete(entry.userId);
      if (isAuthFailure(error)) {
        this.broken.add(entry.userId);
        await this.options.onLoginFailure(entry.userId);
        throw new InboxError("auth_failed", "The mail server refused the mailbox credential", { cause: error });
      }
      throw new InboxError("unreachable", "The mail server cannot be reached", { cause: error });
    }
    this.counters.logins++;
    entry.client = client;
    return client;
  }
}
