// The proof on a real mail server: Debian's Dovecot behind the Mailcow emulator (its Dovecot backend), the real
// server process talking to that emulator over HTTP, and imapflow logging in the way a mail app would. What the Mail
// page says about sign-up, password change, quota and deletion is checked against what Dovecot actually does.
// Needs `apt-get install -y dovecot-imapd dovecot-lmtpd` (.ci/run installs it); it fails, not skips, without it.
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { CheckLoginResult, MailboxInfo } from "../shared/schemas/mailbox";
import type { MailcowEmulator } from "../tools/mailcow-emulator/index";
import { deliverLmtp } from "../tools/mailstack/lmtp";
import { DOVECOT_VERSION, imapLogin, imapQuota, NO_DOVECOT_REASON, startTestMailstack, type TestMailstack } from "../tools/mailstack/test-support";
import { launchBrowser, mailstackServerEnv, openPage, type RunningServer, screenshot, startEmulatorOnMailstack, startServer } from "./harness";
import { trpcSession, type TrpcSession } from "./trpc-http";

const MIB = 1_048_576;
const SIGNUP_PASSWORD = "sign-up-pass-2026";
const NEW_PASSWORD = "changed-pass-2026";

/** Polls until `check` is truthy (the worker runs every PROVISIONING_POLL_MS). */
async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(() => {
  if (!DOVECOT_VERSION) throw new Error(`The IMAP suite needs Dovecot: ${NO_DOVECOT_REASON}`);
});

describe("against Dovecot, through the real server and the Mailcow emulator", () => {
  let stack: TestMailstack;
  let mailcow: MailcowEmulator;
  let server: RunningServer;
  let ada: TrpcSession;
  const address = "ada@example.test";

  beforeAll(async () => {
    stack = await startTestMailstack();
    mailcow = await startEmulatorOnMailstack(stack);
    server = await startServer({
      ...mailstackServerEnv(stack, mailcow),
      // About 1.8 s: long enough to see the disabled mailbox, short enough to see it deleted.
      ACCOUNT_DELETION_GRACE_HOURS: "0.0005",
      PROVISIONING_POLL_MS: "200",
    });
    ada = trpcSession(server.url);
  });
  afterAll(async () => {
    await server?.stop();
    await mailcow?.close();
    await stack?.cleanup();
  });

  test("the password chosen at sign-up opens the real IMAP mailbox at once, with no wait or retry; a wrong one does not", async () => {
    const started = performance.now();
    const registered = await ada.mutate<{ mailbox: { state: string } }>("auth.register", { username: "ada", password: SIGNUP_PASSWORD });
    const answered = performance.now();
    expect(registered.mailbox.state).toBe("active");
    const login = await imapLogin(stack, address, SIGNUP_PASSWORD);
    const loggedIn = performance.now();
    expect(login).toMatchObject({ ok: true });
    // The figure is reported, not asserted: wall time on a loaded machine decides nothing about correctness.
    console.info(
      `sign-up answered in ${Math.round(answered - started)} ms; the first IMAP login (${login.ms} ms) succeeded ` +
        `${Math.round(loggedIn - started)} ms after the sign-up request`,
    );
    expect(await imapLogin(stack, address, "not-the-password")).toMatchObject({ ok: false, code: "AUTHENTICATIONFAILED" });
    const info = await ada.query<MailboxInfo>("mailbox.info");
    expect(info).toMatchObject({
      state: "active",
      address,
      settings: { imap: { host: "127.0.0.1", port: stack.imapsPort, security: "ssl", username: address } },
    });
  });

  test("mailbox.updatePassword: the old password stops working, the new one works", async () => {
    await ada.mutate("mailbox.updatePassword", { newPassword: NEW_PASSWORD });
    expect(await imapLogin(stack, address, NEW_PASSWORD)).toMatchObject({ ok: true });
    expect(await imapLogin(stack, address, SIGNUP_PASSWORD)).toMatchObject({ ok: false });
  });

  test("mail delivered over LMTP shows on the Mail page; Dovecot enforces the 1024 MiB that were provisioned", async () => {
    const before = await ada.query<MailboxInfo>("mailbox.info");
    expect(before.live).toMatchObject({ messages: 0, usedBytes: 0, quotaBytes: 1024 * MIB });
    await deliverLmtp({ port: stack.lmtpPort }, { from: "sender@example.org", to: address, subject: "Welcome", text: "Hello, Ada.\n".repeat(50) });
    const info = await ada.query<MailboxInfo>("mailbox.info");
    expect(info.live?.messages).toBeGreaterThanOrEqual(1);
    expect(info.live?.usedBytes).toBeGreaterThan(0);
    expect(info.live?.quotaBytes).toBe(1024 * MIB);
    expect(info.live?.lastImapLogin).not.toBeNull();
    const quota = await imapQuota(stack, address, NEW_PASSWORD);
    expect(quota).toMatchObject({ limit: 1024 * MIB });
    expect(quota?.usage).toBeGreaterThan(0);
  });

  test("mailbox.checkLogin: ok with the time it took, wrong_password, and never the password in the answer", async () => {
    const ok = await ada.mutate<CheckLoginResult>("mailbox.checkLogin", { password: NEW_PASSWORD });
    expect(ok).toEqual({ result: "ok", elapsedMs: expect.any(Number), host: "127.0.0.1", port: stack.imapsPort, security: "ssl" });
    // The time is reported, not judged here: a wall-clock bound would fail on a loaded machine (a check slower than the
    // configured timeout answers "timeout" instead of "ok").
    expect(Number.isInteger(ok.elapsedMs) && ok.elapsedMs >= 0).toBe(true);
    const wrong = await ada.mutate<CheckLoginResult>("mailbox.checkLogin", { password: SIGNUP_PASSWORD });
    expect(wrong.result).toBe("wrong_password");
    expect(JSON.stringify([ok, wrong])).not.toContain("pass-2026");
  });

  test("the Mail page's «Проверить вход» dialog checks the password against the real IMAP server", async () => {
    const browser = await launchBrowser();
    try {
      const { page, errors } = await openPage(browser);
      await page.goto(`${server.url}/login`);
      await page.fill("input[name=login]", "ada");
      await page.fill("input[name=password]", SIGNUP_PASSWORD);
      await page.getByRole("button", { name: "Войти" }).click();
      await page.waitForURL(`${server.url}/`);
      await page.getByRole("link", { name: "Почта" }).click();
      await page.getByRole("button", { name: "Проверить вход" }).click();
      const dialog = page.getByRole("dialog", { name: "Проверить вход в почту" });
      await expect.poll(() => dialog.isVisible()).toBe(true);
      // Focus is in the password field; the account password is not the mailbox password any more.
      expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("password");
      await page.keyboard.type(SIGNUP_PASSWORD);
      await page.keyboard.press("Enter");
      const result = page.getByTestId("check-login-result");
      await expect.poll(() => result.locator("[data-result]").getAttribute("data-result"), { timeout: 5000 }).toBe("wrong_password");
      await page.fill("input[name=password]", NEW_PASSWORD);
      await page.getByRole("button", { name: "Проверить", exact: true }).click();
      await expect.poll(() => result.locator("[data-result]").getAttribute("data-result"), { timeout: 5000 }).toBe("ok");
      expect(await result.innerText()).toMatch(/Вход работает: почтовый сервер принял пароль за [\d\s]+ мс/);
      expect(await page.inputValue("input[name=password]")).toBe("");
      await screenshot(page, "mail-check-login-ok-desktop");
      await page.keyboard.press("Escape");
      await expect.poll(() => dialog.isVisible()).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("check-mailbox-login");
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  test("a mailbox deactivated in Mailcow cannot log in; a deleted account's mailbox is disabled, then gone", async () => {
    const bob = trpcSession(server.url);
    const bobAddress = "bob@example.test";
    await bob.mutate("auth.register", { username: "bob", password: SIGNUP_PASSWORD });
    expect(await imapLogin(stack, bobAddress, SIGNUP_PASSWORD)).toMatchObject({ ok: true });

    // An administrator deactivates the mailbox in Mailcow.
    const edit = (active: number) =>
      fetch(`${mailcow.url}/edit/mailbox`, {
        method: "POST",
        headers: { "X-API-Key": mailcow.apiKey, "Content-Type": "application/json" },
        body: JSON.stringify({ items: [bobAddress], attr: { active } }),
      });
    await edit(0);
    expect(await imapLogin(stack, bobAddress, SIGNUP_PASSWORD)).toMatchObject({ ok: false });
    expect(await bob.query<MailboxInfo>("mailbox.info")).toMatchObject({ state: "disabled", reason: "disabled_in_mailcow" });
    await edit(1);
    expect(await imapLogin(stack, bobAddress, SIGNUP_PASSWORD)).toMatchObject({ ok: true });

    // The user deletes the account: the mailbox is disabled at once and removed after the grace period.
    await bob.mutate("auth.deleteAccount", { password: SIGNUP_PASSWORD });
    await until("the mailbox to be disabled", () => mailcow.mailbox(bobAddress)?.active === 0 || mailcow.mailbox(bobAddress) === null);
    expect(await imapLogin(stack, bobAddress, SIGNUP_PASSWORD)).toMatchObject({ ok: false });
    await until("the mailbox to be deleted", () => mailcow.mailbox(bobAddress) === null);
    await mailcow.settled();
    expect(await imapLogin(stack, bobAddress, SIGNUP_PASSWORD)).toMatchObject({ ok: false });
    expect(readFileSync(stack.passwdFile, "utf8")).not.toContain(bobAddress);
    // Ada's mailbox is untouched.
    expect(await imapLogin(stack, address, NEW_PASSWORD)).toMatchObject({ ok: true });
  });

  // Last in this block: it stops Dovecot.
  test("mailbox.checkLogin says unreachable when the mail server is down", async () => {
    await stack.stop();
    const down = await ada.mutate<CheckLoginResult>("mailbox.checkLogin", { password: NEW_PASSWORD });
    expect(down).toMatchObject({ result: "unreachable", host: "127.0.0.1", port: stack.imapsPort });
  });
});

describe("demo mode (`npm start`) while `npm run mailstack` runs", () => {
  let stack: TestMailstack;
  let server: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "pm-e2e-demo-"));
    // Dovecot's processes run as nobody and must reach <DATA_DIR>/mailstack.
    chmodSync(dataDir, 0o755);
    stack = await startTestMailstack({ dir: path.join(dataDir, "mailstack") });
    server = await startServer({ DATA_DIR: dataDir, MAILBOX_INFO_CACHE_SECONDS: "0" });
  });
  afterAll(async () => {
    await server?.stop();
    await stack?.cleanup();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test("a newcomer's mailbox is a real one at 127.0.0.1, and the Mail page says so", async () => {
    const eva = trpcSession(server.url);
    await eva.mutate("auth.register", { username: "eva", password: SIGNUP_PASSWORD });
    const info = await eva.query<MailboxInfo>("mailbox.info");
    expect(info).toMatchObject({
      demo: true,
      state: "active",
      settings: { imap: { host: "127.0.0.1", port: stack.imapsPort, security: "ssl", username: "eva@example.test" } },
    });
    expect(await imapLogin(stack, "eva@example.test", SIGNUP_PASSWORD)).toMatchObject({ ok: true });
    expect(await eva.mutate<CheckLoginResult>("mailbox.checkLogin", { password: SIGNUP_PASSWORD })).toMatchObject({ result: "ok" });
    expect(server.logs.join("")).toContain("DEMO MODE with the mailstack");
  });
});
