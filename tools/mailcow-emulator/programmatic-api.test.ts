// The programmatic side the rest of the project codes against: options, seeding, raw rows, password checks, reset,
// and state that survives a restart on a file database.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { generateApiKey, startMailcowEmulator, type MailcowEmulator } from "./index";
import { api, mailboxBody } from "./test-support";

const KEY_FORMAT = /^[0-9A-F]{6}(-[0-9A-F]{6}){4}$/;
const open: MailcowEmulator[] = [];
const start = async (...args: Parameters<typeof startMailcowEmulator>) => {
  const emulator = await startMailcowEmulator(...args);
  open.push(emulator);
  return emulator;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "mailcow-emulator-"));
  tempDirs.push(dir);
  return dir;
};

describe("startMailcowEmulator", () => {
  test("defaults: loopback, a free port, example.test, generated keys in Mailcow's format", async () => {
    const mailcow = await start();
    expect(mailcow.url).toBe(`http://127.0.0.1:${mailcow.port}/api/v1`);
    expect(mailcow.port).toBeGreaterThan(0);
    expect(mailcow.domain).toBe("example.test");
    expect(mailcow.apiKey).toMatch(KEY_FORMAT);
    expect(mailcow.readOnlyApiKey).toMatch(KEY_FORMAT);
    expect(mailcow.readOnlyApiKey).not.toBe(mailcow.apiKey);
    expect(generateApiKey()).toMatch(KEY_FORMAT);
    const domain = await api(mailcow.url, mailcow.apiKey).getJson("/get/domain/example.test");
    expect(domain).toMatchObject({
      max_num_mboxes_for_domain: 1000,
      max_quota_for_mbox: 10_240 * 1_048_576,
      max_quota_for_domain: 1024 * 1000 * 1_048_576,
      def_quota_for_mbox: 1024 * 1_048_576,
    });
    expect(await api(mailcow.url, mailcow.apiKey).getJson("/get/passwordpolicy")).toEqual({
      length: "6",
      chars: "0",
      special_chars: "0",
      lowerupper: "0",
      numbers: "0",
    });
  });

  test("options: keys, no read-only key, domain, limits, version", async () => {
    const mailcow = await start({
      apiKey: "my-key-1",
      readOnlyApiKey: null,
      domain: "Corp.Example",
      domainLimits: { mailboxes: 2, maxQuotaMiB: 100, quotaMiB: 150, defQuotaMiB: 50 },
      version: "2025-08a",
    });
    expect(mailcow).toMatchObject({ apiKey: "my-key-1", readOnlyApiKey: null, domain: "corp.example" });
    const rw = api(mailcow.url, "my-key-1");
    expect((await rw.get("/get/status/version")).body).toBe('{"version":"2025-08a"}');
    expect(await rw.getJson("/get/domain/corp.example")).toMatchObject({ max_num_mboxes_for_domain: 2, max_new_mailbox_quota: 100 * 1_048_576 });
    expect(await rw.postJson("/add/mailbox", mailboxBody("a", "corp.example", { quota: 101 }))).toEqual([
      expect.objectContaining({ msg: ["mailbox_quota_exceeded", 100] }),
    ]);
  });

  test("invalid options are refused", async () => {
    await expect(startMailcowEmulator({ apiKey: "has space" })).rejects.toThrow();
    await expect(startMailcowEmulator({ domain: "not a domain" })).rejects.toThrow();
    await expect(startMailcowEmulator({ domainLimits: { defQuotaMiB: 5000, maxQuotaMiB: 100 } })).rejects.toThrow();
    await expect(startMailcowEmulator({ apiKey: "same-key", readOnlyApiKey: "SAME-KEY" })).rejects.toThrow();
  });
});

describe("seeding and inspection", () => {
  test("seedMailbox makes a mailbox the API sees as existing; mailbox() shows the stored row without the hash", async () => {
    const mailcow = await start();
    mailcow.seedMailbox({ localPart: "Ada", name: "Ada L", quotaMiB: 2048, password: "hunter22", active: 2, tags: ["imported"] });
    mailcow.seedMailbox({ localPart: "bob" });
    const row = mailcow.mailbox("ada@example.test");
    expect(row).toMatchObject({
      username: "ada@example.test",
      localPart: "ada",
      domain: "example.test",
      name: "Ada L",
      quota: 2048 * 1_048_576,
      quotaMiB: 2048,
      active: 2,
      tags: ["imported"],
      passwordScheme: "{SSHA256}",
      quotaUsed: 0,
      messages: 0,
    });
    expect(JSON.stringify(row)).not.toMatch(/\{SSHA256\}[A-Za-z0-9+/]/); // the scheme, never the hash
    expect(row?.passwordMatches("hunter22")).toBe(true);
    expect(mailcow.checkPassword("ada@example.test", "hunter22")).toBe(true);
    expect(mailcow.checkPassword("ada@example.test", "wrong")).toBe(false);
    expect(mailcow.checkPassword("nobody@example.test", "hunter22")).toBe(false);
    expect(mailcow.mailbox("bob@example.test")).toMatchObject({ quotaMiB: 1024, active: 1, name: "", tags: [] });
    expect(mailcow.mailbox("nobody@example.test")).toBeNull();

    const rw = api(mailcow.url, mailcow.apiKey);
    expect(await rw.getJson("/get/mailbox/ada@example.test")).toMatchObject({ active: 2, quota: 2048 * 1_048_576, tags: ["imported"] });
    expect(await rw.postJson("/add/mailbox", mailboxBody("ada", "example.test"))).toEqual([
      expect.objectContaining({ msg: ["object_exists", "ada@example.test"] }),
    ]);
    expect(() => mailcow.seedMailbox({ localPart: "ada" })).toThrow();
  });

  test("seedAlias makes an alias the API lists and that blocks a mailbox of the same address", async () => {
    const mailcow = await start();
    mailcow.seedAlias("sales@example.test", "ada@example.test,bob@example.test");
    const rw = api(mailcow.url, mailcow.apiKey);
    expect(await rw.getJson("/get/alias/sales@example.test")).toMatchObject({ goto: "ada@example.test,bob@example.test", active: 1 });
    expect(await rw.postJson("/add/mailbox", mailboxBody("sales", "example.test"))).toEqual([
      expect.objectContaining({ msg: ["is_alias", "sales@example.test"] }),
    ]);
    expect(() => mailcow.seedAlias("sales@example.test", "x@y.z")).toThrow();
    expect(() => mailcow.seedAlias("x@elsewhere.example", "x@y.z")).toThrow();
  });

  test("setPasswordPolicy changes what add/mailbox accepts and what get/passwordpolicy reports", async () => {
    const mailcow = await start();
    mailcow.setPasswordPolicy({ length: 10, numbers: true, lowerupper: true });
    const rw = api(mailcow.url, mailcow.apiKey);
    expect(await rw.getJson("/get/passwordpolicy")).toEqual({ length: "10", chars: "0", special_chars: "0", lowerupper: "1", numbers: "1" });
    expect(await rw.postJson("/add/mailbox", mailboxBody("a", "example.test", { password: "abcdefghi1", password2: "abcdefghi1" }))).toEqual([
      expect.objectContaining({ msg: "password_complexity" }),
    ]);
    expect(await rw.postJson("/add/mailbox", mailboxBody("a", "example.test", { password: "Abcdefghi1", password2: "Abcdefghi1" }))).toEqual([
      expect.objectContaining({ msg: ["rl_saved", "a@example.test"] }),
      expect.objectContaining({ msg: ["mailbox_added", "a@example.test"] }),
    ]);
  });

  test("reset() returns to a fresh state: no mailboxes or aliases, default policy, alias ids from 1, extra domains gone", async () => {
    const mailcow = await start();
    const rw = api(mailcow.url, mailcow.apiKey);
    mailcow.seedMailbox({ localPart: "ada" });
    mailcow.seedAlias("sales@example.test", "ada@example.test");
    await rw.postJson("/add/domain", { domain: "other.example" });
    mailcow.setPasswordPolicy({ length: 12 });
    mailcow.fault("html500");

    mailcow.reset();
    expect(mailcow.mailbox("ada@example.test")).toBeNull();
    expect((await rw.get("/get/alias/all")).body).toBe("{}");
    expect((await rw.get("/get/domain/other.example")).body).toBe("{}");
    expect(await rw.getJson("/get/passwordpolicy")).toMatchObject({ length: "6" });
    expect(await rw.postJson("/add/alias", { address: "first@example.test", goto: "x@y.z" })).toEqual([
      expect.objectContaining({ msg: ["alias_added", "first@example.test", "1"] }),
    ]);
  });
});

describe("persistence", () => {
  test("a file database keeps mailboxes, aliases, policy and generated keys across restarts; no plaintext is stored", async () => {
    const databasePath = join(tempDir(), "mailcow.db");
    const first = await startMailcowEmulator({ databasePath });
    const rw1 = api(first.url, first.apiKey);
    await rw1.postJson("/add/mailbox", mailboxBody("ada", "example.test", { password: "Plaintext-Secret-9", password2: "Plaintext-Secret-9" }));
    await rw1.postJson("/add/alias", { address: "sales@example.test", goto: "ada@example.test", active: 1 });
    await rw1.postJson("/edit/passwordpolicy", { attr: { length: 9 } });
    const keys = { apiKey: first.apiKey, readOnlyApiKey: first.readOnlyApiKey };
    await first.close();

    for (const file of [databasePath, `${databasePath}-wal`]) {
      if (existsSync(file)) expect(readFileSync(file).includes("Plaintext-Secret-9")).toBe(false);
    }

    const second = await start({ databasePath, domainLimits: { mailboxes: 5 } });
    expect({ apiKey: second.apiKey, readOnlyApiKey: second.readOnlyApiKey }).toEqual(keys);
    expect(second.checkPassword("ada@example.test", "Plaintext-Secret-9")).toBe(true);
    const rw2 = api(second.url, second.apiKey);
    expect(await rw2.getJson("/get/mailbox/ada@example.test")).toMatchObject({ username: "ada@example.test", quota: 1024 * 1_048_576 });
    expect(await rw2.getJson("/get/alias/sales@example.test")).toMatchObject({ goto: "ada@example.test" });
    expect(await rw2.getJson("/get/passwordpolicy")).toMatchObject({ length: "9" });
    // The configured limits win over the stored ones; the data stays.
    expect(await rw2.getJson("/get/domain/example.test")).toMatchObject({ max_num_mboxes_for_domain: 5, mboxes_in_domain: 1 });
  });
});
