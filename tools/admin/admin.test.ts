import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { createAuditLog } from "../../server/audit/audit-log";
import { createAccounts } from "../../server/auth/accounts";
import { openDatabase } from "../../server/db/open-database";
import { EXIT, runAdminCommand } from "./admin";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDatabase() {
  const dir = mkdtempSync(path.join(tmpdir(), "pm-admin-cli-"));
  dirs.push(dir);
  const file = path.join(dir, "platform.db");
  const db = openDatabase(file);
  createAccounts(db).insert({ username: "ada", displayName: "Ada", passwordHash: "x" });
  return { file, db };
}

/** The real command, as `npm run admin -- …` runs it. */
function admin(file: string, ...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "tools/admin/cli.ts", ...args, "--database", file], {
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent" },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe("npm run admin", () => {
  test("grant, list, revoke on a database another connection holds open (as the server does); each audited as cli", () => {
    const { file, db } = tempDatabase();
    // The command opens its own connection, as `npm run admin` does next to a running server.
    const run = (command: string, username?: string) => {
      const own = openDatabase(file);
      try {
        return runAdminCommand(own, command, username);
      } finally {
        own.close();
      }
    };
    expect(run("list")).toMatchObject({ code: 0, out: [expect.stringContaining("No admins yet")] });
    expect(run("grant", " Ada ")).toEqual({ code: 0, out: ["ada is now an admin."], err: [] });
    const accounts = createAccounts(db);
    expect(accounts.isAdmin(accounts.findByUsername("ada")!.id)).toBe(true);
    expect(run("grant", "ada")).toMatchObject({ code: 0, out: ["ada is already an admin."] });
    expect(run("list")).toMatchObject({ code: 0, out: ["ada (Ada)"] });
    expect(run("revoke", "ada")).toMatchObject({ code: 0, out: ["ada is no longer an admin."] });
    expect(accounts.admins()).toEqual([]);
    expect(run("grant", "nobody")).toMatchObject({ code: EXIT.noSuchUser, err: [expect.stringContaining('No account named "nobody"')] });
    expect(run("grant")).toMatchObject({ code: EXIT.usage, err: [expect.stringContaining("grant needs a username")] });
    const audit = createAuditLog(db).list({ actorName: "cli" });
    expect(audit.map((e) => [e.action, e.target, e.result])).toEqual([
      ["admin.role.grant", "nobody", "refused"],
      ["admin.role.revoke", "ada", "ok"],
      ["admin.role.grant", "ada", "ok"],
    ]);
    db.close();
  });

  test("the real command: output and exit codes", { timeout: 90_000 }, () => {
    const { file, db } = tempDatabase();
    expect(admin(file, "grant", "ada")).toMatchObject({ code: 0, out: "ada is now an admin.\n" });
    expect(createAccounts(db).admins().map((a) => a.username)).toEqual(["ada"]);
    expect(admin(file, "grant", "nobody")).toMatchObject({ code: 3, err: expect.stringContaining('No account named "nobody"') });
    expect(admin(file, "promote", "ada")).toMatchObject({ code: 2, err: expect.stringContaining("Usage:") });
    db.close();
  });
});
