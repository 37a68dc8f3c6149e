// Platform password resets made by an admin: there is no e-mail outside the platform, so the admin hands the person a
// one-time link (/reset/:token). Only the SHA-256 of the token is stored; a link works once, within its TTL, and a
// new link replaces the person's earlier ones.
import type { Db } from "../db/open-database";
import { hashToken, newToken } from "./tokens";

export function createPasswordResets(db: Db, settings: { ttlHours: number; origin: string; now: () => number }) {
  const { now } = settings;
  const dropOld = db.prepare("DELETE FROM password_reset WHERE user_id = ? AND used_at IS NULL");
  const insert = db.prepare(
    "INSERT INTO password_reset (token_hash, user_id, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?)",
  );
  const find = db.prepare<[string, number], { user_id: string }>(
    "SELECT user_id FROM password_reset WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
  );
  const use = db.prepare("UPDATE password_reset SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?");
  return {
    /** A new link for the user (earlier unused ones stop working); the token is only in this answer. */
    create(userId: string, createdBy: string | null): { token: string; link: string; expiresAt: number } {
      const token = newToken();
      const expiresAt = now() + settings.ttlHours * 3_600_000;
      db.transaction(() => {
        dropOld.run(userId);
        insert.run(hashToken(token), userId, now(), createdBy, expiresAt);
      })();
      return { token, link: `${settings.origin.replace(/\/$/, "")}/reset/${token}`, expiresAt };
    },
    /** The user a usable token belongs to, or null. */
    userFor: (token: string) => find.get(hashToken(token), now())?.user_id ?? null,
    /** Uses the token (inside the transaction that sets the password); false when it was used or expired meanwhile. */
    consume: (token: string) => use.run(now(), hashToken(token), now()).changes === 1,
  };
}
export type PasswordResets = ReturnType<typeof createPasswordResets>;
