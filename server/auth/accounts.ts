// Platform accounts in SQLite. Passwords arrive here already hashed.
import { randomUUID } from "node:crypto";
import type { Db } from "../db/open-database";

export interface AccountRow {
  id: string;
  username: string;
  display_name: string | null;
  password_hash: string;
  created_at: number;
  /** Set when the account is being deleted; the name stays taken until its mailbox is gone. */
  deleted_at: number | null;
  role: AccountRole;
  /** 1: the password was generated for the user (bulk import); the user must change it before anything else. */
  must_change_password: number;
}

export type AccountRole = "user" | "admin";

export class UsernameTakenError extends Error {
  constructor() {
    super("username taken");
  }
}

export function createAccounts(db: Db) {
  const byUsername = db.prepare<[string], AccountRow>("SELECT * FROM user WHERE username = ?");
  const byId = db.prepare<[string], AccountRow>("SELECT * FROM user WHERE id = ?");
  const insert = db.prepare(
    "INSERT INTO user (id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  const setHash = db.prepare("UPDATE user SET password_hash = ? WHERE id = ?");
  // Sessions and the mailbox row go with the account (ON DELETE CASCADE).
  const purge = db.prepare("DELETE FROM user WHERE id = ? AND deleted_at IS NOT NULL");
  const markDeleted = db.prepare("UPDATE user SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL");
  return {
    findByUsername: (username: string) => byUsername.get(username) ?? null,
    findById: (id: string) => byId.get(id) ?? null,
    /** True for a live (not deleted) account with the admin role. */
    isAdmin(id: string): boolean {
      const row = byId.get(id);
      return row !== undefined && row.deleted_at === null && row.role === "admin";
    },
    /** Grants or revokes the admin role; false when there is no such account. */
    setRole: (username: string, role: AccountRole) => db.prepare("UPDATE user SET role = ? WHERE username = ?").run(role, username).changes === 1,
    admins: () => db.prepare<[], AccountRow>("SELECT * FROM user WHERE role = 'admin' ORDER BY username").all(),
    /** Inserts a user; a concurrent sign-up with the same name loses with UsernameTakenError. */
    insert(input: { username: string; displayName: string | null; passwordHash: string }): AccountRow {
      const row: AccountRow = {
        id: randomUUID(),
        username: input.username,
        display_name: input.displayName,
        password_hash: input.passwordHash,
        created_at: Date.now(),
        deleted_at: null,
        role: "user",
        must_change_password: 0,
      };
      try {
        insert.run(row.id, row.username, row.display_name, row.password_hash, row.created_at);
      } catch (error) {
        if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") throw new UsernameTakenError();
        throw error;
      }
      return row;
    },
    setPasswordHash: (id: string, hash: string) => void setHash.run(hash, id),
    /** Sets or clears "must change the password first" (set by a direct bulk import, cleared by a password change). */
    setMustChangePassword: (id: string, must: boolean) =>
      void db.prepare("UPDATE user SET must_change_password = ? WHERE id = ?").run(must ? 1 : 0, id),
    /** Removes an account marked deleted, with everything hanging off it; false when there was none. */
    purge: (id: string) => purge.run(id).changes === 1,
    markDeleted: (id: string, at: number) => markDeleted.run(at, id).changes === 1,
  };
}
export type Accounts = ReturnType<typeof createAccounts>;
