import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { createAuditLog } from "../../server/audit/audit-log";
import { createAccounts } from "../../server/auth/accounts";
import { openDatabase } from "../../server/db/open-database";

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
    expect(admin(file, "list")).toMatchObject({ code: 0, out: expect.stringContaining("No admins yet") });
    expect(admin(file, "grant", "Ada")).toMatchObject({ code: 0, out: "ada is now an admin.\n" });
    expect(createAccounts(db).isAdmin(createAccounts(db).findByUsername("ada")!.id)).toBe(true);
    expect(admin(file, "grant", "ada")).toMatchObject({ code: 0, out: "ada is already an admin.\n" });
    expect(admin(file, "list")).toMatchObject({ code: 0, out: "ada (Ada)\n" });
    expect(admin(file, "revoke", "ada")).toMatchObject({ code: 0, out: "ada is no longer an admin.\n" });
    expect(createAccounts(db).admins()).toEqual([]);
    const audit = createAuditLog(db).list({ actorName: "cli" });
    expect(audit.map((e) => [e.action, e.target, e.result])).toEqual([
      ["admin.role.revoke", "ada", "ok"],
      ["admin.role.grant", "ada", "ok"],
    ]);
    db.close();
  });

  test("clear messages and exit codes for mistakes", () => {
    const { file, db } = tempDatabase();
    expect(admin(file, "grant", "nobody")).toMatchObject({ code: 3, err: expect.stringContaining('No account named "nobody"') });
    expect(admin(file, "grant")).toMatchObject({ code: 2, err: expect.stringContaining("grant needs a username") });
    expect(admin(file, "promote", "ada")).toMatchObject({ code: 2, err: expect.stringContaining("Usage:") });
    expect(admin(file, "list", "extra")).toMatchObject({ code: 2 });
    expect(createAuditLog(db).list({ action: "admin.role.grant" })).toMatchObject([{ result: "refused", target: "nobody" }]);
    db.close();
  });
});
