// `npm run restore`: checks a backup completely (checksums, passphrase, SQLite integrity, schema no newer than
// this code), refuses while a server uses the target database, keeps the replaced database aside, and records
// in the restored database that a reconcile with Mailcow is due (Mailcow went on while the platform went back in time).
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS } from "../../server/db/migrations";
import { migrate } from "../../server/db/open-database";
import { RECONCILE_DUE, setMeta } from "../../server/ops/meta";
import { lockFileFor, tryLockDatabase } from "../../server/ops/server-lock";
import { describeDatabase } from "./backup";
import { BackupError, unpack, type Manifest } from "./format";

export const KNOWN_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/** The target database is in use (a running server or another restore). */
export class DatabaseInUseError extends Error {
  constructor(readonly databasePath: string) {
    super(
      `Refusing to restore: ${databasePath} is in use by a running server (or another restore), which holds ` +
        `${lockFileFor(databasePath)}. Stop the server first, then run the restore again.`,
    );
    this.name = "DatabaseInUseError";
  }
}

export interface RestoreOptions {
  file: string;
  /** The database to replace (DATABASE_PATH); need not exist yet. */
  databasePath: string;
  passphrase?: string | null;
  now?: () => Date;
}

export interface RestoreResult {
  manifest: Manifest;
  encrypted: boolean;
  /** Where the database that was there before now is (with its -wal/-shm, if any), or null when there was none. */
  replaced: string | null;
  /** Schema version after migrating the restored copy to this code's version. */
  schemaVersion: number;
}

export interface ReconcileDue {
  reason: "restore";
  backupCreatedAt: string;
  restoredAt: string;
  backupFile: string;
}

const SIDE_FILES = ["", "-wal", "-shm", "-journal"];

function fsyncPath(target: string): void {
  const fd = openSync(target, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function checkSchema(version: number, what: string): void {
  if (version > KNOWN_SCHEMA_VERSION) {
    throw new BackupError(
      `The ${what} has schema version ${version}, but this version of Platform Mail knows up to ${KNOWN_SCHEMA_VERSION}: ` +
        "restore it with the Platform Mail version that made it (or a newer one)",
      "schema_too_new",
    );
  }
}

/** A timestamp for file names: 2026-05-01T10-20-30-123Z */
const fileStamp = (at: Date) => at.toISOString().replace(/:/g, "-").replace(".", "-");

export async function restoreBackup({ file, databasePath, passphrase = null, now = () => new Date() }: RestoreOptions): Promise<RestoreResult> {
  const target = path.resolve(databasePath);
  mkdirSync(path.dirname(target), { recursive: true });
  // Held from the first check to the swap: a server that starts meanwhile stops at once instead of opening a
  // half-replaced database.
  const lock = tryLockDatabase(target, "restore");
  if (!lock) throw new DatabaseInUseError(target);
  const staging = `${target}.restoring-${process.pid}`;
  const clearStaging = () => SIDE_FILES.forEach((suffix) => rmSync(`${staging}${suffix}`, { force: true }));
  try {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new Error(`Cannot read the backup ${file}: ${(error as Error).message}`);
    }
    const { manifest, database, encrypted } = await unpack(bytes, passphrase);
    checkSchema(manifest.schemaVersion, "backup");

    writeFileSync(staging, database, { mode: 0o600 });
    let schemaVersion: number;
    const at = now();
    try {
      const db = new Database(staging, { fileMustExist: true });
      try {
        const check = db.pragma("integrity_check", { simple: true });
        if (check !== "ok") throw new BackupError(`The backup's database fails SQLite's integrity check: ${String(check)}`, "damaged");
        const described = describeDatabase(db);
        checkSchema(described.schemaVersion, "backup's database");
        if (described.schemaVersion !== manifest.schemaVersion || JSON.stringify(described.tables) !== JSON.stringify(manifest.tables)) {
          throw new BackupError("The backup's database does not match its manifest (schema version or row counts differ)", "inconsistent");
        }
        // An older backup is brought to this code's schema now (the server would do it at start), so the mark fits.
        db.pragma("foreign_keys = ON");
        migrate(db, MIGRATIONS);
        const due: ReconcileDue = { reason: "restore", backupCreatedAt: manifest.createdAt, restoredAt: at.toISOString(), backupFile: path.basename(file) };
        setMeta(db, RECONCILE_DUE, JSON.stringify(due), at.getTime());
        schemaVersion = db.pragma("user_version", { simple: true }) as number;
      } finally {
        db.close();
      }
    } catch (error) {
      clearStaging();
      throw error;
    }
    fsyncPath(staging);

    // Keep what was there (the database and its WAL, which only means something next to it) under one name.
    let replaced: string | null = null;
    if (SIDE_FILES.some((suffix) => existsSync(`${target}${suffix}`))) {
      replaced = `${target}.replaced-${fileStamp(at)}`;
      for (const suffix of SIDE_FILES) {
        if (existsSync(`${target}${suffix}`)) renameSync(`${target}${suffix}`, `${replaced}${suffix}`);
      }
    }
    renameSync(staging, target);
    fsyncPath(path.dirname(target));
    return { manifest, encrypted, replaced, schemaVersion };
  } catch (error) {
    clearStaging();
    throw error;
  } finally {
    lock.release();
  }
}
