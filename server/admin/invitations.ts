// Invitations: an admin creates links; sign-up in `invite` mode needs one. Only the SHA-256 of the token is kept, an
// invitation is used at most once (inside the sign-up transaction), and it may fix the username.
import { randomUUID } from "node:crypto";
import { isReservedUsername } from "../../shared/schemas/auth";
import type { CreateInvitationsInput, Invitation } from "../../shared/schemas/admin";
import type { Db } from "../db/open-database";
import { hashToken, newToken } from "./tokens";

interface InvitationRow {
  id: string;
  token_hash: string;
  username: string | null;
  display_name: string | null;
  note: string | null;
  created_at: number;
  created_by: string | null;
  expires_at: number;
  used_at: number | null;
  used_by: string | null;
  revoked_at: number | null;
}

export type InvitationProblem = "invitation.invalid" | "invitation.expired" | "invitation.used" | "invitation.revoked";

export interface InvitationSettings {
  ttlDays: number;
  /** Where links point: APP_ORIGIN, or "" for a relative link. */
  origin: string;
  reservedUsernames: readonly string[];
  now: () => number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function statusOf(row: InvitationRow, now: number): Invitation["status"] {
  if (row.used_at !== null) return "used";
  if (row.revoked_at !== null) return "revoked";
  return row.expires_at <= now ? "expired" : "active";
}

export function createInvitationStore(db: Db, settings: InvitationSettings) {
  const { now } = settings;
  const insert = db.prepare(
    `INSERT INTO invitation (id, token_hash, username, display_name, note, created_at, created_by, expires_at)
     VALUES (@id, @tokenHash, @username, @displayName, @note, @createdAt, @createdBy, @expiresAt)`,
  );
  const byHash = db.prepare<[string], InvitationRow>("SELECT * FROM invitation WHERE token_hash = ?");
  const activeForName = db.prepare<[string, number], { n: number }>(
    "SELECT COUNT(*) AS n FROM invitation WHERE username = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
  );
  const takenName = db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM user WHERE username = ?");
  const use = db.prepare(
    `UPDATE invitation SET used_at = @now, used_by = @userId
     WHERE token_hash = @hash AND used_at IS NULL AND revoked_at IS NULL AND expires_at > @now`,
  );
  const revoke = db.prepare("UPDATE invitation SET revoked_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL");
  const link = (token: string) => `${settings.origin.replace(/\/$/, "")}/register?invitation=${token}`;

  function toInvitation(row: InvitationRow): Invitation {
    return {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      note: row.note,
      status: statusOf(row, now()),
      createdAt: iso(row.created_at)!,
      createdBy: row.created_by,
      expiresAt: iso(row.expires_at)!,
      usedAt: iso(row.used_at),
      usedByUserId: row.used_by,
      revokedAt: iso(row.revoked_at),
    };
  }

  /** Why a name cannot be invited (taken, reserved, already invited), or null. */
  function nameProblem(username: string): string | null {
    if (isReservedUsername(username, settings.reservedUsernames)) return "username.reserved";
    if ((takenName.get(username)?.n ?? 0) > 0) return "username.taken";
    if ((activeForName.get(username, now())?.n ?? 0) > 0) return "invitation.alreadyInvited";
    return null;
  }

  return {
    link,
    nameProblem,
    /** Creates invitations; the tokens and links are in this answer only. */
    create(input: CreateInvitationsInput, createdBy: string | null) {
      const names: (string | null)[] = [];
      const refused: { username: string; code: string }[] = [];
      let displayName: string | null = null;
      if ("usernames" in input) {
        const seen = new Set<string>();
        for (const name of input.usernames) {
          if (seen.has(name)) {
            refused.push({ username: name, code: "invitation.duplicate" });
            continue;
          }
          seen.add(name);
          const problem = nameProblem(name);
          if (problem) refused.push({ username: name, code: problem });
          else names.push(name);
        }
      } else if ("count" in input) {
        for (let i = 0; i < input.count; i++) names.push(null);
      } else {
        if (input.username) {
          const problem = nameProblem(input.username);
          if (problem) refused.push({ username: input.username, code: problem });
          else names.push(input.username);
        } else names.push(null);
        displayName = input.displayName || null;
      }
      const createdAt = now();
      const expiresAt = createdAt + settings.ttlDays * 86_400_000;
      const invitations = db.transaction(() =>
        names.map((username) => {
          const token = newToken();
          const id = randomUUID();
          insert.run({ id, tokenHash: hashToken(token), username, displayName, note: input.note || null, createdAt, createdBy, expiresAt });
          return { id, username, token, link: link(token), expiresAt: iso(expiresAt)! };
        }),
      )();
      return { invitations, refused };
    },

    list(filter: { status?: Invitation["status"]; search?: string; cursor?: string; limit: number }) {
      const where: string[] = [];
      const params: Record<string, unknown> = { now: now(), limit: filter.limit + 1 };
      switch (filter.status) {
        case "used":
          where.push("used_at IS NOT NULL");
          break;
        case "revoked":
          where.push("used_at IS NULL AND revoked_at IS NOT NULL");
          break;
        case "expired":
          where.push("used_at IS NULL AND revoked_at IS NULL AND expires_at <= @now");
          break;
        case "active":
          where.push("used_at IS NULL AND revoked_at IS NULL AND expires_at > @now");
          break;
      }
      if (filter.search) {
        where.push("(username LIKE @search ESCAPE '\\' OR note LIKE @search ESCAPE '\\' OR display_name LIKE @search ESCAPE '\\')");
        params.search = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      }
      if (filter.cursor) {
        const cursor = db.prepare<[string], InvitationRow>("SELECT * FROM invitation WHERE id = ?").get(filter.cursor);
        if (cursor) {
          where.push("(created_at < @cAt OR (created_at = @cAt AND id < @cId))");
          params.cAt = cursor.created_at;
          params.cId = cursor.id;
        }
      }
      const sql = `SELECT * FROM invitation ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC LIMIT @limit`;
      const rows = db.prepare<Record<string, unknown>, InvitationRow>(sql).all(params);
      const page = rows.slice(0, filter.limit);
      return { items: page.map(toInvitation), nextCursor: rows.length > filter.limit ? page.at(-1)!.id : null };
    },

    /** Revokes unused invitations; answers how many and which ids could not be revoked (used, revoked, unknown). */
    revoke(ids: readonly string[]) {
      const at = now();
      const notRevocable: string[] = [];
      db.transaction(() => {
        for (const id of ids) if (revoke.run(at, id).changes !== 1) notRevocable.push(id);
      })();
      return { revoked: ids.length - notRevocable.length, notRevocable };
    },

    /** The invitation behind a token, or why it cannot be used. */
    check(token: string): { ok: true; invitation: Invitation } | { ok: false; problem: InvitationProblem } {
      const row = byHash.get(hashToken(token));
      if (!row) return { ok: false, problem: "invitation.invalid" };
      const status = statusOf(row, now());
      if (status !== "active") return { ok: false, problem: `invitation.${status}` as InvitationProblem };
      return { ok: true, invitation: toInvitation(row) };
    },

    /** Inside the sign-up transaction: marks the invitation used by this account; false when it is no longer usable. */
    consume(token: string, userId: string): boolean {
      return use.run({ hash: hashToken(token), userId, now: now() }).changes === 1;
    },
  };
}
export type InvitationStore = ReturnType<typeof createInvitationStore>;
