// The Dovecot backend: every mailbox change through the API is a real IMAP fact before the call returns, and
// get/mailbox reports what Dovecot counts. Skipped (with the reason printed) where Dovecot is not installed.
// Part of `npm run test:e2e` (needs Debian's dovecot-imapd and dovecot-lmtpd): fails, never skips, without them.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { deliverLmtp } from "../mailstack/lmtp";
import { DOVECOT_VERSION, imapLogin, imapQuota, NO_DOVECOT_REASON, startTestMailstack, type TestMailstack } from "../mailstack/test-support";
import { startMailcowEmulator, type MailcowEmulator } from "./index";
import { api, mailboxBody, type Api } from "./test-support";

const MIB = 1_048_576;

if (!DOVECOT_VERSION) throw new Error(`dovecot-backend: ${NO_DOVECOT_REASON}`);

describe(`with a real Dovecot ${DOVECOT_VERSION}`, () => {
  let stack: TestMailstack;
  let mailcow: MailcowEmulator;
  let rw: Api;
  const D = "example.test";

  beforeAll(async () => {
    stack = await startTestMailstack();
    mailcow = await startMailcowEmulator({
      dovecot: { passwdFile: stack.passwdFile, doveadm: stack.doveadm, lastLoginFile: stack.lastLoginFile },
    });
    rw = api(mailcow.url, mailcow.apiKey);
  }, 30_000);
  afterAll(async () => {
    await mailcow?.close();
    await stack?.cleanup();
  }, 30_000);

  const add = (local: string, extra: Record<string, unknown> = {}) => rw.postJson("/add/mailbox", mailboxBody(local, D, extra));
  const edit = (email: string, attr: Record<string, unknown>) => rw.postJson("/edit/mailbox", { items: [email], attr });
  const login = (user: string, pass: string) => imapLogin(stack, user, pass);

  // No reset between tests (each costs Dovecot's one-second rule): every test has its own mailboxes.
  test("a mailbox added through the API opens over IMAP at once, with the password stored as Mailcow stores it", async () => {
    expect(await add("ada", { password: "first-pass-1", password2: "first-pass-1" })).toContainEqual(
      expect.objectContaining({ msg: ["mailbox_added", `ada@${D}`] }),
    );
    const ok = await login(`ada@${D}`, "first-pass-1");
    expect(ok).toMatchObject({ ok: true });
    expect(await login(`ADA@${D.toUpperCase()}`, "first-pass-1")).toMatchObject({ ok: true });
    expect(await login(`ada@${D}`, "wrong-pass-1")).toMatchObject({ ok: false, code: "AUTHENTICATIONFAILED" });
    expect(mailcow.mailbox(`ada@${D}`)?.passwordScheme).toBe("{BLF-CRYPT}");
    expect(mailcow.checkPassword(`ada@${D}`, "first-pass-1")).toBe(true);
    expect(readFileSync(stack.passwdFile, "utf8")).toMatch(/^ada@example\.test:\{BLF-CRYPT\}\$2y\$10\$[./A-Za-z0-9]{53}::::::userdb_quota_rule=\*:bytes=1073741824$/m);
  });

  test("password changes count before the API call returns, even several within one second (the reload rule)", async () => {
    await add("bob", { password: "pass-0-abc", password2: "pass-0-abc" });
    for (let i = 1; i <= 2; i++) {
      expect(await login(`bob@${D}`, `pass-${i - 1}-abc`)).toMatchObject({ ok: true });
      await edit(`bob@${D}`, { password: `pass-${i}-abc`, password2: `pass-${i}-abc` });
      expect(await login(`bob@${D}`, `pass-${i}-abc`)).toMatchObject({ ok: true });
      expect(await login(`bob@${D}`, `pass-${i - 1}-abc`)).toMatchObject({ ok: false });
    }
  });

  test("the quota Dovecot enforces is the mailbox quota, and follows edits", async () => {
    await add("cat", { quota: 1024 });
    expect(await imapQuota(stack, `cat@${D}`, "secret1")).toEqual({ usage: 0, limit: 1024 * MIB });
    await edit(`cat@${D}`, { quota: 50 });
    expect(await imapQuota(stack, `cat@${D}`, "secret1")).toEqual({ usage: 0, limit: 50 * MIB });
  });

  test("inactive mailboxes cannot log in; active 2 still receives mail; reactivation and deletion", async () => {
    await add("dan");
    await edit(`dan@${D}`, { active: 0 });
    expect(await login(`dan@${D}`, "secret1")).toMatchObject({ ok: false });
    await edit(`dan@${D}`, { active: 2 });
    expect(await login(`dan@${D}`, "secret1")).toMatchObject({ ok: false });
    await deliverLmtp({ port: stack.lmtpPort }, { from: "x@example.org", to: `dan@${D}`, subject: "while away", text: "hi" });
    await edit(`dan@${D}`, { active: 1 });
    expect(await login(`dan@${D}`, "secret1")).toMatchObject({ ok: true });
    expect(await rw.getJson(`/get/mailbox/dan@${D}`)).toMatchObject({ messages: 1 });
    await rw.postJson("/delete/mailbox", [`dan@${D}`]);
    expect(await login(`dan@${D}`, "secret1")).toMatchObject({ ok: false });
    expect(readFileSync(stack.passwdFile, "utf8")).not.toMatch(/^dan@/m);
  });

  test("get/mailbox reports Dovecot's bytes, message count and last IMAP login", async () => {
    await add("eve");
    await add("fay");
    expect(await rw.getJson(`/get/mailbox/eve@${D}`)).toMatchObject({ quota_used: 0, messages: 0, last_imap_login: 0 });
    const before = Math.floor(Date.now() / 1000);
    expect(await login(`eve@${D}`, "secret1")).toMatchObject({ ok: true });
    for (const subject of ["one", "two"]) {
      await deliverLmtp({ port: stack.lmtpPort }, { from: "x@example.org", to: `eve@${D}`, subject, text: "x".repeat(2000) });
    }
    const eve = (await rw.getJson(`/get/mailbox/eve@${D}`)) as Record<string, number>;
    expect(eve).toMatchObject({ messages: 2, quota: 1024 * MIB });
    expect(eve.quota_used).toBeGreaterThan(4000);
    expect(eve.last_imap_login).toBeGreaterThanOrEqual(before);
    const all = (await rw.getJson(`/get/mailbox/all/${D}`)) as Record<string, unknown>[];
    expect(all.filter((m) => m.username === `eve@${D}` || m.username === `fay@${D}`).map((m) => [m.username, m.messages])).toEqual([
      [`eve@${D}`, 2],
      [`fay@${D}`, 0],
    ]);
    expect(mailcow.mailbox(`eve@${D}`)).toMatchObject({ messages: 2, quotaUsed: eve.quota_used });
  });

  test("seeded mailboxes and reset() reach the passwd-file too", async () => {
    mailcow.seedMailbox({ localPart: "gus", password: "seeded-pass-1" });
    await mailcow.settled();
    expect(await login(`gus@${D}`, "seeded-pass-1")).toMatchObject({ ok: true });
    mailcow.reset();
    await mailcow.settled();
    expect(readFileSync(stack.passwdFile, "utf8")).toBe("");
    expect(await login(`gus@${D}`, "seeded-pass-1")).toMatchObject({ ok: false });
  });
});
