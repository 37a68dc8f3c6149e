// The Dovecot backend: every mailbox change through the API is a real IMAP fact before the call returns, and
// get/mailbox reports what Dovecot counts. Skipped (with the reason printed) where Dovecot is not installed.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { afterAll, describe, expect, test } from "vitest";
import { passwdLine } from "./dovecot-backend";
import { startMailcowEmulator } from "./index";
import { api, mailboxBody } from "./test-support";
import type { MailboxRow } from "./store";

const MIB = 1_048_576;

describe("passwd-file lines", () => {
  const row = (patch: Partial<MailboxRow> = {}): MailboxRow => ({
    username: "ada@example.test",
    local_part: "ada",
    domain: "example.test",
    name: "",
    password: "{BLF-CRYPT}$2y$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01",
    quota: 1024 * MIB,
    active: 1,
    attributes: { imap_access: "1" },
    authsource: "mailcow",
    rl_value: null,
    rl_frame: null,
    bytes: 0,
    messages: 0,
    created: "",
    modified: null,
    ...patch,
  });

  test("an active mailbox: hash as stored, Mailcow's quota rule in bytes", () => {
    expect(passwdLine(row(), true)).toBe(`ada@example.test:${row().password}::::::userdb_quota_rule=*:bytes=1073741824`);
    expect(passwdLine(row({ quota: 0 }), true)).toMatch(/userdb_quota_rule=\*:bytes=0$/);
  });

  test("active 2 and imap_access 0 keep the userdb entry (mail is delivered) but cannot log in", () => {
    expect(passwdLine(row({ active: 2 }), true)).toMatch(/::::::nologin userdb_quota_rule=/);
    expect(passwdLine(row({ attributes: { imap_access: "0" } }), true)).toMatch(/::::::nologin userdb_quota_rule=/);
  });

  test("inactive mailboxes, inactive domains and values that would break the file get no line", () => {
    expect(passwdLine(row({ active: 0 }), true)).toBeNull();
    expect(passwdLine(row(), false)).toBeNull();
    expect(passwdLine(row({ password: "{SHA}a:b" }), true)).toBeNull();
    expect(passwdLine(row({ password: "{SHA}a\nevil@example.test:{PLAIN}x" }), true)).toBeNull();
  });
});

describe("the app-passwords file beside the passwd-file", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test("one line per usable app password: address, hash, the services whose flag is 1; rewritten on every change", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mailcow-emulator-apppw-"));
    dirs.push(dir);
    const passwdFile = join(dir, "users");
    const appFile = join(dir, "app-passwords");
    const mailcow = await startMailcowEmulator({ domain: "example.test", dovecot: { passwdFile } });
    try {
      expect(readFileSync(appFile, "utf8")).toBe("");
      const rw = api(mailcow.url, mailcow.apiKey);
      await rw.postJson("/add/mailbox", mailboxBody("ada", "example.test"));
      const add = (name: string, protocols: string[], active = 1) =>
        rw.postJson("/add/app-passwd", {
          username: "ada@example.test",
          app_name: name,
          app_passwd: `${name}-secret-1`,
          app_passwd2: `${name}-secret-1`,
          active,
          protocols,
        });
      await add("phone", ["imap_access", "smtp_access"]);
      await add("dav", ["dav_access", "eas_access", "sieve_access", "pop3_access"]);
      await add("off", ["imap_access"], 0);
      await add("none", []);
      await add("short", ["imap", "smtp"]);
      const lines = readFileSync(appFile, "utf8").split("\n");
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^ada@example\.test:\{BLF-CRYPT\}\$2y\$10\$[./A-Za-z0-9]{53}:imap,smtp$/);
      expect(lines[1]).toMatch(/^ada@example\.test:\{BLF-CRYPT\}\$2y\$10\$[./A-Za-z0-9]{53}:pop3,sieve,dav,eas$/);
      expect(lines[2]).toBe("");
      const [hash] = /\{BLF-CRYPT\}[^:]+/.exec(lines[0] as string) ?? [""];
      expect(bcrypt.compareSync("phone-secret-1", hash.slice("{BLF-CRYPT}".length))).toBe(true);

      // The mailbox's own protocol switches do not matter; a mailbox that cannot log in takes its app passwords along.
      await rw.postJson("/edit/mailbox", { items: ["ada@example.test"], attr: { imap_access: 0 } });
      expect(readFileSync(appFile, "utf8").split("\n")).toHaveLength(3);
      await rw.postJson("/edit/mailbox", { items: ["ada@example.test"], attr: { active: 2 } });
      expect(readFileSync(appFile, "utf8")).toBe("");
      await rw.postJson("/edit/mailbox", { items: ["ada@example.test"], attr: { active: 1 } });
      await rw.postJson("/edit/app-passwd", { items: [1], attr: { username: "ada@example.test", active: 0 } });
      expect(readFileSync(appFile, "utf8")).toMatch(/^ada@example\.test:\S+:pop3,sieve,dav,eas\n$/);
      await rw.postJson("/delete/mailbox", ["ada@example.test"]);
      expect(readFileSync(appFile, "utf8")).toBe("");
      expect(readFileSync(passwdFile, "utf8")).toBe("");
    } finally {
      await mailcow.close();
    }
  });
});
