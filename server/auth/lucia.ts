// The only module that imports lucia. Lucia v3 is deprecated upstream (docs/decisions/001-lucia-v3.md):
// everything else talks to the small `SessionStore` interface below, so replacing lucia with the
// copy-in session module upstream recommends touches this file alone.
import { BetterSqlite3Adapter } from "@lucia-auth/adapter-sqlite";
import { generateIdFromEntropySize, Lucia, TimeSpan } from "lucia";
import { SESSION_COOKIE } from "../../shared/constants";
import type { Db } from "../db/open-database";

export interface SessionUser {
  id: string;
  username: string;
}
export interface SessionInfo {
  id: string;
  userId: string;
  expiresAt: Date;
  /** True when the expiry was just extended: the cookie must be sent again. */
  fresh: boolean;
}
export interface CookieSpec {
  name: string;
  value: string;
  attributes: {
    httpOnly?: boolean;
    secure?: boolean;
    sameSite?: "lax" | "strict" | "none";
    path?: string;
    maxAge?: number;
    expires?: Date;
  };
}

/** Where a session is used from: kept for the account page's session list. */
export interface SessionSeen {
  ip?: string | null;
  userAgent?: string | null;
}

export interface SessionStore {
  cookieName: string;
  create(userId: string, seen?: SessionSeen): Promise<{ session: SessionInfo; cookie: CookieSpec }>;
  /**
   * Synchronous twin of create(), for use inside a database transaction (sign-up creates the user, its
   * session and its mailbox record atomically). Writes the row exactly as lucia's adapter would.
   */
  createSync(userId: string, seen?: SessionSeen): { session: SessionInfo; cookie: CookieSpec };
  /** With `seen`, also records the use (last seen, IP, user agent) at most once a minute per session. */
  validate(sessionId: string, seen?: SessionSeen): Promise<{ user: SessionUser; session: SessionInfo } | null>;
  invalidate(sessionId: string): Promise<void>;
  invalidateUserSessions(userId: string): Promise<void>;
  sessionCookie(sessionId: string): CookieSpec;
  blankCookie(): CookieSpec;
  deleteExpired(): Promise<void>;
}

const SESSION_LIFETIME = new TimeSpan(30, "d");
/** A session's "last seen" is written at most this often (one small write a minute, not one per request). */
const SEEN_WRITE_INTERVAL_MS = 60_000;
/** User agents are kept for display only; a longer one is cut. */
const USER_AGENT_MAX = 512;

function createLucia(db: Db, secureCookies: boolean) {
  return new Lucia(new BetterSqlite3Adapter(db, { user: "user", session: "session" }), {
    sessionExpiresIn: SESSION_LIFETIME,
    sessionCookie: {
      name: SESSION_COOKIE,
      expires: true,
      attributes: { secure: secureCookies, sameSite: "lax" },
    },
    getUserAttributes: (attributes) => ({ username: attributes.username }),
  });
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseUserAttributes: { username: string };
  }
}

function toSession(session: { id: string; userId: string; expiresAt: Date; fresh: boolean }): SessionInfo {
  return { id: session.id, userId: session.userId, expiresAt: session.expiresAt, fresh: session.fresh };
}
function toCookie(cookie: { name: string; value: string; attributes: CookieSpec["attributes"] }): CookieSpec {
  return { name: cookie.name, value: cookie.value, attributes: { ...cookie.attributes, httpOnly: true } };
}

export function createSessionStore(db: Db, { secureCookies }: { secureCookies: boolean }): SessionStore {
  const lucia = createLucia(db, secureCookies);
  const insertSession = db.prepare("INSERT INTO session (id, user_id, expires_at) VALUES (?, ?, ?)");
  const describe = db.prepare(
    "UPDATE session SET created_at = ?, last_seen_at = ?, ip = ?, user_agent = ? WHERE id = ?",
  );
  const touch = db.prepare(
    `UPDATE session SET last_seen_at = ?, ip = COALESCE(?, ip), user_agent = COALESCE(?, user_agent)
     WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at <= ?)`,
  );
  const ua = (seen: SessionSeen | undefined) => seen?.userAgent?.slice(0, USER_AGENT_MAX) ?? null;
  const recordCreation = (id: string, seen: SessionSeen | undefined) => {
    const now = Date.now();
    describe.run(now, now, seen?.ip ?? null, ua(seen), id);
  };
  return {
    cookieName: lucia.sessionCookieName,
    async create(userId, seen) {
      const session = await lucia.createSession(userId, {});
      recordCreation(session.id, seen);
      return { session: toSession(session), cookie: toCookie(lucia.createSessionCookie(session.id)) };
    },
    createSync(userId, seen) {
      // Same id entropy and expiry as lucia.createSession().
      const id = generateIdFromEntropySize(25);
      const expiresAt = new Date(Date.now() + SESSION_LIFETIME.milliseconds());
      insertSession.run(id, userId, Math.floor(expiresAt.getTime() / 1000));
      recordCreation(id, seen);
      return { session: { id, userId, expiresAt, fresh: true }, cookie: toCookie(lucia.createSessionCookie(id)) };
    },
    async validate(sessionId, seen) {
      const { user, session } = await lucia.validateSession(sessionId);
      if (!user || !session) return null;
      if (seen) {
        const now = Date.now();
        touch.run(now, seen.ip ?? null, ua(seen), session.id, now - SEEN_WRITE_INTERVAL_MS);
      }
      return { user: { id: user.id, username: user.username }, session: toSession(session) };
    },
    invalidate: (sessionId) => lucia.invalidateSession(sessionId),
    invalidateUserSessions: (userId) => lucia.invalidateUserSessions(userId),
    sessionCookie: (sessionId) => toCookie(lucia.createSessionCookie(sessionId)),
    blankCookie: () => toCookie(lucia.createBlankSessionCookie()),
    deleteExpired: () => lucia.deleteExpiredSessions(),
  };
}
