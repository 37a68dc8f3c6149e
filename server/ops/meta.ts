// Small operational facts in the `meta` table (key → text, usually JSON).
import type { Db } from "../db/open-database";

/**
 * Written by `npm run restore`: the database went back in time while Mailcow did not, so a reconcile is due.
 * Value: JSON `{ reason: "restore", backupCreatedAt, restoredAt, backupFile }`. The reconcile deletes the key
 * when it has run.
 */
export const RECONCILE_DUE = "reconcile_due";

export function getMeta(db: Db, key: string): string | null {
  const row = db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function setMeta(db: Db, key: string, value: string, at: number): void {
  db.prepare("INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at").run(
    key,
    value,
    at,
  );
}

export function deleteMeta(db: Db, key: string): void {
  db.prepare("DELETE FROM meta WHERE key = ?").run(key);
}
