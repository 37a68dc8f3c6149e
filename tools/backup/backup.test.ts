// Backup and restore: a consistent online copy while sign-ups write, restored into a fresh directory where every
// account and session of the copy works; damaged, truncated, wrongly-keyed and too-new backups are refused with a
// clear message; a database in use is not replaced; the CLI's exit codes.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { openDatabase } from "../../server/db/open-database";
import { buildApp } from "../../server/http/app";
import { getMeta, RECONCILE_DUE } from "../../server/ops/meta";
import { tryLockDatabase } from "../../server/ops/server-lock";
import { createTestServices, STRONG_PASSWORD } from "../../server/test/create-test-context";
import { useMailcowEmulator } from "../../server/test/use-mailcow-emulator";
import { createBackup } from "./backup";
import { BackupError, pack, sha256 } from "./format";
import { DatabaseInUseError, KNOWN_SCHEMA_VERSION, restoreBackup, type ReconcileDue } from "./restore";

const root = mkdtempSync(path.join(tmpdir(), "pm-backup-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = () => {
  const dir = path.join(root, `d${++dirCount}`);
  return dir;
};

const mailcow = useMailcowEmulator();
const SECRET_KEY = Buffer.alloc(32, 7).toString("base64");
/** scrypt at 1/8 of the production cost: the same code path, without seconds per derivation on a loaded machine. */
const CHEAP = { N: 2 ** 14, r: 8, p: 1 };

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A server (HTTP app + services) on a database file, as `npm start` builds it. */
async function serverOn(databasePath: string) {
  const services = createTestServices(
    { DATABASE_PATH: databasePath, DATA_DIR: path.dirname(databasePath), MAILBOX_SECRET_KEY: SECRET_KEY, LOGIN_RATE_LIMIT_POINTS: "1000", PASSWORD_HASH_PER_IP: "100" },
    { mailcow: mailcow.config },
  );
  const app = await buildApp(services);
  closers.push(async () => {
    await app.close();
    services.db.close();
  });
  return { app, services };
}

type App = Awaited<ReturnType<typeof serverOn>>["app"];

const trpc = (url: string, body: unknown, cookie?: string) => ({
  method: "POST" as const,
  url,
  headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
  payload: JSON.stringify(body),
});

async function signUp(app: App, username: string): Promise<{ username: string; cookie: string }> {
  const res = await app.inject(trpc("/trpc/auth.register", { username, password: STRONG_PASSWORD }));
  expect(res.statusCode, res.body).toBe(200);
  return { username, cookie: String(res.headers["set-cookie"]).split(";")[0]! };
}

/** A small database with two accounts (`<prefix>a`, `<prefix>b`), closed, for the refusal tests. */
async function smallDatabase(prefix = "ada"): Promise<string> {
  const databasePath = path.join(freshDir(), "platform.db");
  const { app } = await serverOn(databasePath);
  await signUp(app, `${prefix}a`);
  await signUp(app, `${prefix}b`);
  for (const close of closers.splice(0).reverse()) await close();
  return databasePath;
}

describe("backup and restore", () => {
  test("a backup taken while 20 sign-ups run restores into a fresh directory where every account and session in it works", async () => {
    const databasePath = path.join(freshDir(), "platform.db");
    const { app } = await serverOn(databasePath);
    const known = new Map<string, string>(); // username → session cookie
    for (let i = 0; i < 5; i++) {
      const { username, cookie } = await signUp(app, `early${i}`);
      known.set(username, cookie);
    }

    let finished = 0;
    const signUps = Array.from({ length: 20 }, (_, i) => signUp(app, `during${i}`).finally(() => finished++));
    // Taken in the middle: some sign-ups are committed, the others are still hashing and writing.
    await expect.poll(() => finished, { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
    const answeredBefore = finished;
    const backup = await createBackup({ databasePath, out: `${path.join(root, "backups-online")}/` });
    for (const { username, cookie } of await Promise.all(signUps)) known.set(username, cookie);

    // The copy is one committed state: each account came with its session and mailbox record (one transaction).
    const { user: users = 0, session: sessions, mailbox: mailboxes } = backup.manifest.tables;
    expect(users).toBeGreaterThanOrEqual(5 + answeredBefore);
    expect(users).toBeLessThanOrEqual(25);
    expect(sessions).toBe(users);
    expect(mailboxes).toBe(users);
    expect(backup.manifest.schemaVersion).toBe(KNOWN_SCHEMA_VERSION);
    expect(path.basename(backup.file)).toMatch(/^platform-mail-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.pmbak$/);

    const target = path.join(freshDir(), "data", "platform.db");
    const restored = await restoreBackup({ file: backup.file, databasePath: target, now: () => new Date("2030-01-02T03:04:05Z") });
    expect(restored.replaced).toBeNull();

    const copy = new Database(target, { readonly: true });
    const rows = copy.prepare("SELECT u.username, s.id AS session FROM user u JOIN session s ON s.user_id = u.id").all() as { username: string; session: string }[];
    const due = JSON.parse(copy.prepare("SELECT value FROM meta WHERE key = ?").pluck().get(RECONCILE_DUE) as string) as ReconcileDue;
    copy.close();
    expect(rows).toHaveLength(users);
    expect(rows.map((r) => r.username)).toEqual(expect.arrayContaining(["early0", "early1", "early2", "early3", "early4"]));
    expect(due).toEqual({ reason: "restore", backupCreatedAt: backup.manifest.createdAt, restoredAt: "2030-01-02T03:04:05.000Z", backupFile: path.basename(backup.file) });

    const second = await serverOn(target);
    for (const { username, session } of rows) {
      const cookie = known.get(username);
      expect(cookie, username).toBe(`pm_session=${session}`);
      const me = await second.app.inject({ url: "/trpc/auth.me", headers: { cookie: cookie! } });
      expect(me.json(), username).toMatchObject({ result: { data: { username } } });
    }
    for (const { username } of rows) {
      const login = await second.app.inject(trpc("/trpc/auth.login", { login: username, password: STRONG_PASSWORD }));
      expect(login.statusCode, `${username}: ${login.body}`).toBe(200);
    }
  }, 60_000);

  test("an encrypted backup needs its passphrase; a wrong one is refused and the target stays as it was", async () => {
    const databasePath = await smallDatabase();
    const backup = await createBackup({ databasePath, out: path.join(root, "encrypted.pmbak"), passphrase: "correct horse battery staple", scryptCost: CHEAP });
    expect(backup.encrypted).toBe(true);
    const raw = readFileSync(backup.file);
    expect(raw.includes(Buffer.from("SQLite format 3"))).toBe(false);

    const target = path.join(freshDir(), "platform.db");
    await expect(restoreBackup({ file: backup.file, databasePath: target })).rejects.toThrow(/encrypted: give its passphrase/);
    const wrong = restoreBackup({ file: backup.file, databasePath: target, passphrase: "correct horse battery stapler" });
    await expect(wrong).rejects.toThrow(new BackupError("Wrong passphrase: the backup cannot be decrypted with it", "wrong_passphrase"));
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(path.dirname(target)).filter((f) => f.includes("restoring"))).toEqual([]);

    const restored = await restoreBackup({ file: backup.file, databasePath: target, passphrase: "correct horse battery staple" });
    expect(restored.encrypted).toBe(true);
    const db = openDatabase(target);
    expect(db.prepare("SELECT username FROM user ORDER BY username").pluck().all()).toEqual(["adaa", "adab"]);
    db.close();
  });

  test("a damaged or truncated backup is refused with a clear message, and the database in place is kept", async () => {
    const databasePath = await smallDatabase();
    const backup = await createBackup({ databasePath, out: path.join(root, "good.pmbak") });
    const good = readFileSync(backup.file);
    const target = await smallDatabase("grace");
    const before = sha256(readFileSync(target));

    const variants: [string, Buffer, RegExp][] = [
      ["truncated", good.subarray(0, good.length - 100), /^The backup is truncated: \d+ of \d+ payload bytes are there/],
      ["header only", good.subarray(0, good.indexOf(0x0a, 30) + 1), /^The backup is truncated: 0 of \d+ payload bytes/],
      ["cut in the header", good.subarray(0, 40), /^The backup is truncated or damaged: its header is incomplete/],
      ["a flipped payload byte", Buffer.from(good).fill(good[good.length - 10]! ^ 0xff, good.length - 10, good.length - 9), /payload's SHA-256 checksum does not match/],
      ["not a backup", Buffer.from("SQLite format 3\0 and so on"), /^This is not a Platform Mail backup/],
      ["empty", Buffer.alloc(0), /^This is not a Platform Mail backup/],
    ];
    for (const [what, bytes, message] of variants) {
      const file = path.join(root, `bad-${what.replace(/\W+/g, "-")}.pmbak`);
      writeFileSync(file, bytes);
      await expect(restoreBackup({ file, databasePath: target }), what).rejects.toThrow(message);
    }
    expect(sha256(readFileSync(target))).toBe(before);
  });

  test("a backup from a newer schema than this code knows is refused", async () => {
    const file = path.join(freshDir(), "platform.db");
    const db = openDatabase(file);
    db.pragma(`user_version = ${KNOWN_SCHEMA_VERSION + 1}`);
    db.pragma("journal_mode = DELETE");
    db.close();
    const database = readFileSync(file);
    const manifest = {
      app: "platform-mail" as const,
      appVersion: "9.9.9",
      createdAt: new Date().toISOString(),
      schemaVersion: KNOWN_SCHEMA_VERSION + 1,
      tables: {},
      databaseBytes: database.length,
      databaseSha256: sha256(database),
    };
    const backupFile = path.join(root, "future.pmbak");
    writeFileSync(backupFile, await pack(database, manifest, null));
    await expect(restoreBackup({ file: backupFile, databasePath: path.join(freshDir(), "platform.db") })).rejects.toThrow(
      `The backup has schema version ${KNOWN_SCHEMA_VERSION + 1}, but this version of Platform Mail knows up to ${KNOWN_SCHEMA_VERSION}`,
    );
  });

  test("restore refuses while a server holds the database, and keeps the replaced database (with its WAL) aside", async () => {
    const source = await smallDatabase();
    const backup = await createBackup({ databasePath: source, out: path.join(root, "for-in-use.pmbak") });

    const target = path.join(freshDir(), "platform.db");
    const { app } = await serverOn(target);
    await signUp(app, "newer");
    const serverLock = tryLockDatabase(target, "server");
    expect(serverLock).not.toBeNull();
    expect(tryLockDatabase(target, "second server")).toBeNull();
    await expect(restoreBackup({ file: backup.file, databasePath: target })).rejects.toThrow(DatabaseInUseError);
    await expect(restoreBackup({ file: backup.file, databasePath: target })).rejects.toThrow(/is in use by a running server.*Stop the server first/);

    // Stopped abruptly: the lock goes with the process, the WAL stays next to the database.
    serverLock!.release();
    closers.splice(0); // the app is not closed gracefully, so its WAL is not checkpointed away
    expect(existsSync(`${target}-wal`)).toBe(true);
    const restored = await restoreBackup({ file: backup.file, databasePath: target, now: () => new Date("2031-05-06T07:08:09.010Z") });
    expect(restored.replaced).toBe(`${path.resolve(target)}.replaced-2031-05-06T07-08-09-010Z`);
    expect(existsSync(`${restored.replaced}-wal`)).toBe(true);
    expect(existsSync(`${target}-wal`)).toBe(false);

    const kept = new Database(restored.replaced!, { readonly: true });
    expect(kept.prepare("SELECT username FROM user").pluck().all()).toEqual(["newer"]);
    kept.close();
    const now = openDatabase(target);
    expect(now.prepare("SELECT username FROM user ORDER BY username").pluck().all()).toEqual(["adaa", "adab"]);
    expect(JSON.parse(getMeta(now, RECONCILE_DUE)!)).toMatchObject({ reason: "restore", backupCreatedAt: backup.manifest.createdAt });
    now.close();
  });

  test("--keep N keeps the N newest backups of the directory and touches nothing else", async () => {
    const databasePath = await smallDatabase();
    const dir = path.join(root, "rotation");
    const times = ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"];
    let last: Awaited<ReturnType<typeof createBackup>> | null = null;
    for (const at of times) last = await createBackup({ databasePath, out: `${dir}/`, keep: 2, now: () => new Date(at) });
    writeFileSync(path.join(dir, "notes.pmbak"), "not a backup");
    writeFileSync(path.join(dir, "readme.txt"), "hello");
    last = await createBackup({ databasePath, out: `${dir}/`, keep: 2, now: () => new Date("2026-01-05T00:00:00Z") });
    expect(last.removed.map((f) => path.basename(f))).toEqual(["platform-mail-2026-01-03T00-00-00-000Z.pmbak"]);
    expect(readdirSync(dir).sort()).toEqual([
      "notes.pmbak",
      "platform-mail-2026-01-04T00-00-00-000Z.pmbak",
      "platform-mail-2026-01-05T00-00-00-000Z.pmbak",
      "readme.txt",
    ]);
  });
});

describe("the CLI", () => {
  const run = promisify(execFile);
  const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
  const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
  const cliRun = async (args: string[], env: Record<string, string>) => {
    try {
      const { stdout, stderr } = await run(tsx, [cli, ...args], { env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", ...env } });
      return { code: 0, out: stdout + stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, out: failed.stdout + failed.stderr };
    }
  };

  test("backup and restore from the command line; a truncated file exits 3 with the reason", async () => {
    const databasePath = await smallDatabase();
    const dataDir = path.dirname(databasePath);
    const out = path.join(root, "cli.pmbak");

    const backup = await cliRun(["backup", "--out", out], { DATA_DIR: dataDir });
    expect(backup.out).toMatch(/Backup written: .*cli\.pmbak \([\d.]+ KiB, not encrypted\)/);
    expect(backup.out).toMatch(/rows: .*session 2.*user 2/);
    expect(backup.code).toBe(0);

    const truncatedFile = path.join(root, "cli-truncated.pmbak");
    const whole = readFileSync(out);
    writeFileSync(truncatedFile, whole.subarray(0, whole.length - 50));
    const target = path.join(freshDir(), "platform.db");
    const truncated = await cliRun(["restore", truncatedFile], { DATABASE_PATH: target });
    expect(truncated.code).toBe(3);
    expect(truncated.out).toMatch(/^Refused: The backup is truncated: \d+ of \d+ payload bytes are there/);

    const restore = await cliRun(["restore", out], { DATABASE_PATH: target });
    expect(restore.out).toContain(`Restored ${target} from ${out}`);
    expect(restore.out).toContain("A reconcile with Mailcow is due");
    expect(restore.code).toBe(0);

    const usage = await cliRun(["backup"], { DATA_DIR: dataDir });
    expect(usage.code).toBe(2);
  }, 60_000);
});
