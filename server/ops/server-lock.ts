// "Who uses this database right now": a server (and a restore) holds an exclusive SQLite lock on a small side
// file, `<database>.lock`, for as long as it runs. The operating system drops the lock when the process ends,
// however it ends, so a crash leaves no stale lock behind (unlike a PID file). Another process that asks for the
// same lock is told it is taken. Advisory locks need a local file system (not NFS).
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export interface DatabaseLock {
  readonly file: string;
  release(): void;
}

export function lockFileFor(databasePath: string): string {
  return `${path.resolve(databasePath)}.lock`;
}

/** Takes the lock for `databasePath`, or returns null when another connection (any process) holds it. */
export function tryLockDatabase(databasePath: string, holder: string): DatabaseLock | null {
  const file = lockFileFor(databasePath);
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 0 });
  try {
    // In EXCLUSIVE locking mode a connection keeps the lock of its first write until it closes.
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("CREATE TABLE IF NOT EXISTS holder (what TEXT NOT NULL, pid INTEGER NOT NULL, since INTEGER NOT NULL)");
    db.transaction(() => {
      db.exec("DELETE FROM holder");
      db.prepare("INSERT INTO holder (what, pid, since) VALUES (?, ?, ?)").run(holder, process.pid, Date.now());
    })();
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code === "SQLITE_BUSY") return null;
    throw error;
  }
  return {
    file,
    release() {
      if (db.open) db.close();
    },
  };
}

/** Like tryLockDatabase, but an error naming the lock file when it is taken. */
export function lockDatabase(databasePath: string, holder: string): DatabaseLock {
  const lock = tryLockDatabase(databasePath, holder);
  if (!lock) {
    throw new Error(
      `${path.resolve(databasePath)} is in use by another process (a running server or a restore holds ${lockFileFor(databasePath)}); stop it first`,
    );
  }
  return lock;
}
