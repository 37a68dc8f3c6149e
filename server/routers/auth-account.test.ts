import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { TRPCError } from "@trpc/server";
import { describe, expect, test } from "vitest";
import { totpCode } from "../auth/totp";
import { createTestClient, createTestServices as createServicesWith, STRONG_PASSWORD } from "../test/create-test-context";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";

const mailcow = useMailcowEmulator();
const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";

/** Services with a clock the test moves. */
function setup(overrides: Parameters<typeof createServicesWith>[0] = {}) {
  const clock = { now: Date.UTC(2026, 6, 1, 12, 0, 0) };
  const services = createServicesWith(overrides, { mailcow: mailcow.config, now: () => clock.now });
  return { services, clock };
}

async function rejection(promise: Promise<unknown>, code: TRPCError["code"]) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  return error as TRPCError;
}

async function signedUp(services: ReturnType<typeof setup>["services"], username = "ada", ip = "10.0.0.1", ua: string | null = CHROME) {
  const client = createTestClient(services, ip, ua);
  await (await client.caller()).auth.register({ username, password: STRONG_PASSWORD });
  return client;
}

/** Sets TOTP up and on; returns the key (as the app would hold it) and the recovery codes. */
async function enableTotp(client: Awaited<ReturnType<typeof signedUp>>, now: number) {
  const caller = await client.caller();
  const { secret, uri } = await caller.auth.totp.setup();
  expect(uri).toMatch(/^otpauth:\/\/totp\/Platform%20Mail:ada%40example\.test\?/);
  const key = decodeBase32IgnorePadding(secret);
  const { recoveryCodes } = await caller.auth.totp.enable({ code: totpCode(key, now), password: STRONG_PASSWORD });
  return { key, recoveryCodes };
}

describe("auth.sessions", () => {
  test("lists sessions with device, browser, IP and last seen, this one marked; revokes one and all others", async () => {
    const { services } = setup();
    const laptop = await signedUp(services);
    const phone = createTestClient(services, "10.0.0.2", IPHONE);
    await (await phone.caller()).auth.login({ login: "ada", password: STRONG_PASSWORD });
    const third = createTestClient(services, "10.0.0.3", null);
    await (await third.caller()).auth.login({ login: "ada@example.test", password: STRONG_PASSWORD });

    const list = await (await laptop.caller()).auth.sessions.list();
    expect(list).toHaveLength(3);
    expect(list[0]).toMatchObject({ current: true, browser: "Chrome 140", os: "Linux", device: "desktop", ip: "10.0.0.1" });
    expect(list.find((s) => s.ip === "10.0.0.2")).toMatchObject({ current: false, browser: "Safari 18", os: "iOS", device: "mobile" });
    expect(list.find((s) => s.ip === "10.0.0.3")).toMatchObject({ browser: null, device: "unknown" });
    for (const s of list) {
      expect(s.lastSeenAt).not.toBeNull();
      // The handle is not the session's secret id.
      expect(s.sessionId).not.toBe(laptop.cookies.get("pm_session")?.value);
      expect(JSON.stringify(list)).not.toContain(phone.cookies.get("pm_session")!.value);
    }

    // One session: the phone is signed out, the others stay.
    const phoneHandle = list.find((s) => s.ip === "10.0.0.2")!.sessionId;
    expect(await (await laptop.caller()).auth.sessions.revoke({ sessionId: phoneHandle })).toEqual({ revoked: 1, signedOut: false });
    expect(await (await phone.caller()).auth.me()).toBeNull();
    await rejection((await laptop.caller()).auth.sessions.revoke({ sessionId: phoneHandle }), "NOT_FOUND");

    // Another user's session cannot be named.
    const bob = await signedUp(services, "bob");
    const bobHandle = (await (await bob.caller()).auth.sessions.list())[0]!.sessionId;
    await rejection((await laptop.caller()).auth.sessions.revoke({ sessionId: bobHandle }), "NOT_FOUND");

    // All others.
    expect(await (await laptop.caller()).auth.sessions.revoke("others")).toEqual({ revoked: 1, signedOut: false });
    expect(await (await third.caller()).auth.me()).toBeNull();
    expect(await (await laptop.caller()).auth.me()).toMatchObject({ username: "ada" });
    expect(await (await bob.caller()).auth.me()).toMatchObject({ username: "bob" });
    expect(await (await laptop.caller()).auth.sessions.list()).toHaveLength(1);

    // Its own session by handle: signed out, with a blank cookie.
    const own = (await (await laptop.caller()).auth.sessions.list())[0]!.sessionId;
    expect(await (await laptop.caller()).auth.sessions.revoke({ sessionId: own })).toEqual({ revoked: 1, signedOut: true });
    expect(laptop.cookies.get("pm_session")?.value).toBe("");
  });

  test("accepts exactly a session id object or the literal \"others\"", async () => {
    const { services } = setup();
    const caller = await (await signedUp(services)).caller();
    for (const input of ["all", { sessionId: "" }, { sessionId: "x", extra: 1 }, {}, null]) {
      await rejection(caller.auth.sessions.revoke(input as never), "BAD_REQUEST");
    }
    await rejection((await createTestClient(services).caller()).auth.sessions.list(), "UNAUTHORIZED");
  });
});

describe("auth.totp", () => {
  test("set-up, enable with the password and a computed code, sign in in two steps, no session before the code", async () => {
    const { services, clock } = setup();
    const client = await signedUp(services);
    expect(await (await client.caller()).auth.totp.status()).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    const { key, recoveryCodes } = await enableTotp(client, clock.now);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
    expect(await (await client.caller()).auth.totp.status()).toEqual({ enabled: true, recoveryCodesLeft: 10 });
    // Stored sealed and hashed: neither the secret nor a code is in the database.
    const dump = JSON.stringify(services.db.prepare("SELECT * FROM user_totp").all()) + JSON.stringify(services.db.prepare("SELECT * FROM user_recovery_code").all());
    expect(dump).not.toContain(encodeBase32UpperCaseNoPadding(key));
    for (const code of recoveryCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace(/-/g, ""));
    }
    await rejection((await client.caller()).auth.totp.setup(), "PRECONDITION_FAILED");

    const sessionsBefore = () => (services.db.prepare("SELECT count(*) AS n FROM session").get() as { n: number }).n;
    const browser = createTestClient(services, "10.0.0.9", CHROME);
    const before = sessionsBefore();
    const required = await rejection((await browser.caller()).auth.login({ login: "ada", password: STRONG_PASSWORD }), "PRECONDITION_FAILED");
    expect(required.message).toBe("auth.totpRequired");
    expect(sessionsBefore()).toBe(before);
    expect(browser.cookies.size).toBe(0);

    // The code just used to enable (same step) does not work twice; the next step's does.
    await rejection((await browser.caller()).auth.login({ login: "ada", password: STRONG_PASSWORD, totp: totpCode(key, clock.now) }), "UNAUTHORIZED");
    expect(sessionsBefore()).toBe(before);
    clock.now += 30_000;
    const wrong = String((Number(totpCode(key, clock.now)) + 1) % 1_000_000).padStart(6, "0");
    await rejection((await browser.caller()).auth.login({ login: "ada", password: STRONG_PASSWORD, totp: wrong }), "UNAUTHORIZED");
    // A wrong password with a good code is still a wrong password.
    await rejection((await browser.caller()).auth.login({ login: "ada", password: "not-the-password", totp: totpCode(key, clock.now) }), "UNAUTHORIZED");
    expect(await (await browser.caller()).auth.login({ login: "ada", password: STRONG_PASSWORD, totp: totpCode(key, clock.now) })).toMatchObject({ username: "ada" });
    expect(await (await browser.caller()).auth.me()).toMatchObject({ username: "ada" });
    // A code from two steps ago is outside the window.
    clock.now += 90_000;
    const old = totpCode(key, clock.now - 60_000);
    await rejection((await createTestClient(services).caller()).auth.login({ login: "ada", password: STRONG_PASSWORD, totp: old }), "UNAUTHORIZED");
  });

  test("a recovery code signs in once", async () => {
    const { services, clock } = setup();
    const client = await signedUp(services);
    const { recoveryCodes } = await enableTotp(client, clock.now);
    const code = recoveryCodes[3]!;
    const first = createTestClient(services);
    expect(await (await first.caller()).auth.login({ login: "ada", password: STRONG_PASSWORD, recoveryCode: code.toLowerCase().replace(/-/g, " ") })).toMatchObject({ username: "ada" });
    const again = await rejection((await createTestClient(services).caller()).auth.login({ login: "ada", password: STRONG_PASSWORD, recoveryCode: code }), "UNAUTHORIZED");
    expect(again.message).toBe("totp.recoveryInvalid");
    expect(await (await client.caller()).auth.totp.status()).toEqual({ enabled: true, recoveryCodesLeft: 9 });
  });

  test("enable needs the password and a right code; wrong codes are rate-limited like sign-in", async () => {
    const { services, clock } = setup({ LOGIN_RATE_LIMIT_POINTS: "3" });
    const client = await signedUp(services);
    const caller = await client.caller();
    await rejection(caller.auth.totp.enable({ code: "123456", password: STRONG_PASSWORD }), "PRECONDITION_FAILED");
    const key = decodeBase32IgnorePadding((await caller.auth.totp.setup()).secret);
    const wrongPassword = await rejection(caller.auth.totp.enable({ code: totpCode(key, clock.now), password: "nope-nope-nope" }), "BAD_REQUEST");
    expect(wrongPassword.message).toBe("auth.wrongPassword");
    await rejection(caller.auth.totp.enable({ code: "12345", password: STRONG_PASSWORD }), "BAD_REQUEST");
    const bad = String((Number(totpCode(key, clock.now)) + 7) % 1_000_000).padStart(6, "0");
    await rejection(caller.auth.totp.enable({ code: bad, password: STRONG_PASSWORD }), "BAD_REQUEST");
    // The third failure (a wrong password, two wrong codes) spends the budget: even the right code waits now.
    await rejection(caller.auth.totp.enable({ code: bad, password: STRONG_PASSWORD }), "BAD_REQUEST");
    await rejection(caller.auth.totp.enable({ code: totpCode(key, clock.now), password: STRONG_PASSWORD }), "TOO_MANY_REQUESTS");
    expect(await caller.auth.totp.status()).toEqual({ enabled: false, recoveryCodesLeft: 0 });
  });

  test("disable needs the password and a code (or a recovery code); sign-in is one step again", async () => {
    const { services, clock } = setup();
    const client = await signedUp(services);
    const { key, recoveryCodes } = await enableTotp(client, clock.now);
    const caller = await client.caller();
    clock.now += 30_000;
    await rejection(caller.auth.totp.disable({ password: "wrong-password-x", code: totpCode(key, clock.now) }), "BAD_REQUEST");
    await rejection(caller.auth.totp.disable({ password: STRONG_PASSWORD, code: "000000" === totpCode(key, clock.now) ? "111111" : "000000" }), "BAD_REQUEST");
    await rejection(caller.auth.totp.disable({ password: STRONG_PASSWORD, code: "" }), "BAD_REQUEST");
    expect(await caller.auth.totp.disable({ password: STRONG_PASSWORD, code: recoveryCodes[0]! })).toEqual({ ok: true });
    expect(await caller.auth.totp.status()).toEqual({ enabled: false, recoveryCodesLeft: 0 });
    expect(services.db.prepare("SELECT count(*) AS n FROM user_recovery_code").get()).toEqual({ n: 0 });
    expect(await (await createTestClient(services).caller()).auth.login({ login: "ada", password: STRONG_PASSWORD })).toMatchObject({ username: "ada" });
  });

  test("a sealed secret opens only with the key it was sealed with", async () => {
    const { services, clock } = setup();
    const client = await signedUp(services);
    const { key } = await enableTotp(client, clock.now);
    services.db.prepare("UPDATE user_totp SET sealed_secret = 'v1.AAAA.BBBB.CCCC'").run();
    clock.now += 30_000;
    await rejection((await createTestClient(services).caller()).auth.login({ login: "ada", password: STRONG_PASSWORD, totp: totpCode(key, clock.now) }), "UNAUTHORIZED");
  });
});

describe("auth.deleteAccount and auth.changePassword with the account page's additions", () => {
  test("deleteAccount asks for the second factor when it is on", async () => {
    const { services, clock } = setup();
    const client = await signedUp(services);
    const { key } = await enableTotp(client, clock.now);
    const caller = await client.caller();
    const missing = await rejection(caller.auth.deleteAccount({ password: STRONG_PASSWORD }), "BAD_REQUEST");
    expect(missing.message).toBe("auth.totpRequired");
    clock.now += 30_000;
    await rejection(caller.auth.deleteAccount({ password: STRONG_PASSWORD, totp: "999999" === totpCode(key, clock.now) ? "111111" : "999999" }), "BAD_REQUEST");
    expect(await caller.auth.deleteAccount({ password: STRONG_PASSWORD, totp: totpCode(key, clock.now) })).toEqual({ ok: true });
    expect(services.accounts.findByUsername("ada")?.deleted_at).not.toBeNull();
  });

  test("changePassword with alsoMailbox sets the mailbox password the way mailbox.updatePassword does", async () => {
    const { services } = setup();
    const client = await signedUp(services);
    const other = createTestClient(services, "10.0.0.5");
    await (await other.caller()).auth.login({ login: "ada", password: STRONG_PASSWORD });
    const next = "another-strong-passphrase-42";
    await (await client.caller()).auth.changePassword({ currentPassword: STRONG_PASSWORD, newPassword: next, alsoMailbox: true });
    expect(mailcow.emulator.checkPassword("ada@example.test", next)).toBe(true);
    expect(mailcow.emulator.mailbox("ada@example.test")?.attributes.force_pw_update).toBe("0");
    expect(await (await other.caller()).auth.me()).toBeNull();
    expect(await (await client.caller()).auth.me()).toMatchObject({ username: "ada" });

    // Without it, only the platform password changes.
    const third = "yet-another-passphrase-77";
    await (await client.caller()).auth.changePassword({ currentPassword: next, newPassword: third });
    expect(mailcow.emulator.checkPassword("ada@example.test", next)).toBe(true);
  });

  test("a mailbox that refuses the new password leaves the platform password unchanged", async () => {
    const { services } = setup();
    const client = await signedUp(services);
    mailcow.emulator.setPasswordPolicy({ special_chars: true, numbers: true, lowerupper: true });
    const error = await rejection(
      (await client.caller()).auth.changePassword({ currentPassword: STRONG_PASSWORD, newPassword: "plain-lowercase-words", alsoMailbox: true }),
      "BAD_REQUEST",
    );
    expect(JSON.stringify(error.cause)).toContain("newPassword");
    expect(await (await createTestClient(services).caller()).auth.login({ login: "ada", password: STRONG_PASSWORD })).toMatchObject({ username: "ada" });
  });
});
