// PHP sessions (MCSESSID). Mailcow answers every request that arrives without a known session with a new cookie,
// and remembers in the session that an API key once authenticated it.
// NOTE: real Mailcow then lets the bare cookie authenticate later requests, writes included (API-CONTRACT §18). The
// emulator only honours that when started with `cookieAuth: true`; by default a cookie never authenticates.
import { randomBytes } from "node:crypto";

export type ApiAccess = "rw" | "ro";

export interface Session {
  access: ApiAccess | null;
  expiresAt: number;
}

/** Mailcow's session lifetime (SESSION_LIFETIME, seconds). */
const SESSION_LIFETIME_MS = 10_800_000;
/** Bound memory for long benchmarks: the oldest sessions are forgotten first. */
const MAX_SESSIONS = 10_000;

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  lookup(id: string | undefined, now = Date.now()): Session | null {
    if (!id) return null;
    const session = this.sessions.get(id);
    if (!session) return null;
    if (session.expiresAt <= now) {
      this.sessions.delete(id);
      return null;
    }
    return session;
  }

  create(now = Date.now()): { id: string; session: Session } {
    const id = randomBytes(16).toString("hex");
    const session: Session = { access: null, expiresAt: now + SESSION_LIFETIME_MS };
    this.sessions.set(id, session);
    if (this.sessions.size > MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    return { id, session };
  }

  clear(): void {
    this.sessions.clear();
  }
}

export function sessionCookie(id: string): string {
  return `MCSESSID=${id}; path=/; HttpOnly; SameSite=Lax`;
}

export function readSessionId(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === "MCSESSID") return rest.join("=");
  }
  return undefined;
}
