// The signed-in user's sessions for the account page: device and browser (from the user agent, with bowser), IP,
// last seen. Sessions are named by a public handle (a hash of the session id): the id itself is the sign-in
// secret and never leaves the httpOnly cookie.
import { createHash } from "node:crypto";
import Bowser from "bowser";
import type { SessionSummary } from "../../shared/schemas/account";
import type { Db } from "../db/open-database";
import type { SessionSeen } from "./lucia";

interface SessionRow {
  id: string;
  expires_at: number;
  created_at: number | null;
  last_seen_at: number | null;
  user_agent: string | null;
  ip: string | null;
}

/** The public handle of a session: 128 bits of SHA-256 of its id, base64url. */
export function sessionHandle(sessionId: string): string {
  return createHash("sha256").update(sessionId, "utf8").digest().subarray(0, 16).toString("base64url");
}

/** Where a request comes from, as the session store records it. */
export function seenFrom(ctx: { ip: string; userAgent: string | null }): SessionSeen {
  return { ip: ctx.ip, userAgent: ctx.userAgent };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function describeUserAgent(userAgent: string | null): Pick<SessionSummary, "browser" | "os" | "device"> {
  if (!userAgent) return { browser: null, os: null, device: "unknown" };
  const result = Bowser.parse(userAgent);
  const major = result.browser.version?.split(".")[0];
  const browser = result.browser.name ? `${result.browser.name}${major ? ` ${major}` : ""}` : null;
  const os = result.os.name ? `${result.os.name}${result.os.versionName ? ` ${result.os.versionName}` : ""}` : null;
  const type = result.platform.type;
  const device = type === "mobile" || type === "tablet" || type === "desktop" ? type : "unknown";
  return { browser, os, device };
}

export function listSessions(db: Db, userId: string, currentSessionId: string, nowMs: number): SessionSummary[] {
  const rows = db
    .prepare<[string, number], SessionRow>(
      "SELECT id, expires_at, created_at, last_seen_at, user_agent, ip FROM session WHERE user_id = ? AND expires_at > ?",
    )
    .all(userId, Math.floor(nowMs / 1000));
  return rows
    .map((row) => ({
      sessionId: sessionHandle(row.id),
      current: row.id === currentSessionId,
      ...describeUserAgent(row.user_agent),
      ip: row.ip,
      createdAt: iso(row.created_at),
      lastSeenAt: iso(row.last_seen_at ?? row.created_at),
      expiresAt: new Date(row.expires_at * 1000).toISOString(),
    }))
    .sort((a, b) => Number(b.current) - Number(a.current) || (b.lastSeenAt ?? "").localeCompare(a.lastSeenAt ?? ""));
}

/** The session id behind a public handle, if it belongs to this user. */
export function findSessionByHandle(db: Db, userId: string, handle: string): string | null {
  const ids = db.prepare<[string], { id: string }>("SELECT id FROM session WHERE user_id = ?").all(userId);
  return ids.find((row) => sessionHandle(row.id) === handle)?.id ?? null;
}

/** Signs out every session of the user but one. */
export function deleteOtherSessions(db: Db, userId: string, keepSessionId: string): number {
  return db.prepare("DELETE FROM session WHERE user_id = ? AND id != ?").run(userId, keepSessionId).changes;
}
