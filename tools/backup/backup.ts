// `npm run backup`: a consistent copy of the platform database taken while the server runs (SQLite's online
// backup API through better-sqlite3: the copy is one committed state even while sign-ups write), packed into one
// compressed, checksummed, optionally encrypted file (format.ts), and `--keep N` rotation.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { EXTENSION, MAGIC, pack, sha256, type Manifest, type ScryptCost } from "./format";

export interface BackupOptions {
  /** The live database (DATABASE_PATH). */
  databasePath: string;
  /** A file, or a directory (existing, or ending in "/") to get `platform-mail-<time>.pmbak`. */
  out: string;
  passphrase?: string | null;
  /** Keep this many newest backups in the output directory, delete older ones. */
  keep?: number | null;
  now?: () => Date;
  /** scrypt's cost for an encrypted backup (default N=2^17, r=8, p=1); lower only in tests. */
  scryptCost?: ScryptCost;
}

export interface BackupResult {
  file: string;
  bytes: number;
  manifest: Manifest;
  encrypted: boolean;
  /** Older backups removed by --keep. */
  removed: string[];
}

export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/** A name that sorts by time and is safe on every file system: platform-mail-2026-05-01T10-20-30-123Z.pmbak */
export function backupName(at: Date): string {
  return `platform-mail-${at.toISOString().replace(/:/g, "-").replace(".", "-")}${EXTENSION}`;
}

function resolveOut(out: string, at: Date): string {
  const isDir = out.endsWith("/") || out.endsWith(path.sep) || (statSync(out, { throwIfNoEntry: false })?.isDirectory() ?? false);
  const file = path.resolve(isDir ? path.join(out, backupName(at)) : out);
  mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

/** Row counts of every table, and PRAGMA user_version, of a database file. */
export function describeDatabase(db: Database.Database): { schemaVersion: number; tables: Record<string, number> } {
  const names = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
  const tables: Record<string, number> = {};
  for (const name of names) tables[name] = db.prepare(`SELECT COUNT(*) FROM "${name.replace(/"/g, '""')}"`).pluck().get() as number;
  return { schemaVersion: db.pragma("user_version", { simple: true }) as number, tables };
}

function writeDurably(file: string, data: Buffer): void {
  const partial = `${file}.partial-${process.pid}`;
  writeFileSync(partial, data, { mode: 0o600 });
  const fd = openSync(partial, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, file);
  const dir = openSync(path.dirname(file), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export async function createBackup({ databasePath, out, passphrase = null, keep = null, now = () => new Date(), scryptCost }: BackupOptions): Promise<BackupResult> {
  const at = now();
  const file = resolveOut(out, at);
  if (keep !== null && !file.endsWith(EXTENSION)) {
    throw new Error(`--keep rotates the *${EXTENSION} files of the output directory: name the output …${EXTENSION} or give a directory`);
  }
  const source = new Database(databasePath, { fileMustExist: true, timeout: 5000 });
  const snapshot = `${file}.snapshot-${process.pid}`;
  try {
    // The backup API copies pages in steps and starts over when another connection writes in between, so the
    // result is one committed state; WAL content is included (it reads through SQLite, not the file).
    await source.backup(snapshot);
  } finally {
    source.close();
  }
  let database: Buffer;
  let described: ReturnType<typeof describeDatabase>;
  try {
    const copy = new Database(snapshot, { fileMustExist: true });
    try {
      // One self-contained file: rollback journal instead of WAL (the server switches back to WAL when it opens it).
      copy.pragma("journal_mode = DELETE");
      const check = copy.pragma("quick_check", { simple: true });
      if (check !== "ok") throw new Error(`the copied database failed SQLite's quick_check: ${String(check)}`);
      described = describeDatabase(copy);
    } finally {
      copy.close();
    }
    database = readFileSync(snapshot);
  } finally {
    rmSync(snapshot, { force: true });
    rmSync(`${snapshot}-wal`, { force: true });
    rmSync(`${snapshot}-shm`, { force: true });
  }
  const manifest: Manifest = {
    app: "platform-mail",
    appVersion: appVersion(),
    createdAt: at.toISOString(),
    schemaVersion: described.schemaVersion,
    tables: described.tables,
    databaseBytes: database.length,
    databaseSha256: sha256(database),
  };
  const packed = await pack(database, manifest, passphrase, scryptCost);
  writeDurably(file, packed);
  const removed = keep !== null ? rotate(path.dirname(file), keep) : [];
  return { file, bytes: packed.length, manifest, encrypted: passphrase !== null, removed };
}

/** The manifest's creation time of a backup file, or null when the file is not one (read from its first bytes). */
function backupTime(file: string): string | null {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(64 * 1024);
    const n = readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, n).toString("utf8");
    if (!text.startsWith(MAGIC)) return null;
    const line = text.slice(MAGIC.length, text.indexOf("\n", MAGIC.length));
    const createdAt = (JSON.parse(line) as { manifest?: { createdAt?: unknown } }).manifest?.createdAt;
    return typeof createdAt === "string" ? createdAt : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Keeps the `keep` newest backups (by their manifest's time) among the *.pmbak files of `dir`; returns the removed. */
export function rotate(dir: string, keep: number): string[] {
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`--keep must be a whole number of at least 1, got ${keep}`);
  const backups = readdirSync(dir)
    .filter((name) => name.endsWith(EXTENSION))
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => ({ file, createdAt: backupTime(file) }))
    .filter((b): b is { file: string; createdAt: string } => b.createdAt !== null)
    .sort((a, b) => (a.createdAt === b.createdAt ? b.file.localeCompare(a.file) : b.createdAt.localeCompare(a.createdAt)));
  const old = backups.slice(keep).map((b) => b.file);
  for (const file of old) rmSync(file);
  return old;
}
