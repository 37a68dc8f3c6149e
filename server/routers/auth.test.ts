import { TRPCError } from "@trpc/server";
import { describe, expect, test } from "vitest";
import { createTestClient, createTestServices as createServicesWith, STRONG_PASSWORD } from "../test/create-test-context";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";

const mailcow = useMailcowEmulator();
const createTestServices = (overrides: Parameters<typeof createServicesWith>[0] = {}) =>
  createServicesWith(overrides, { mailcow: mailcow.config });

async function expectTrpcError(promise: Promise<unknown>, code: TRPCError["code"]) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  return error as TRPCError;
}

describe("auth.register", () => {
  test("creates the account with an argon2id hash, signs in and derives the platform address", async () => {
    const client = createTestClient(createTestServices());
    const caller = await client.caller();
    const user = await caller.auth.register({ username: "  Ada.Lovelace ", password: STRONG_PASSWORD, displayName: "Ada" });
    expect(user).toMatchObject({ username: "ada.lovelace", email: "ada.lovelace@example.test", displayName: "Ada" });
    const row = client.services.accounts.findByUsername("ada.lovelace");
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row?.password_hash).not.toContain(STRONG_PASSWORD);
    const cookie = client.cookies.get("pm_session");
    expect(cookie?.attributes).toMatchObject({ httpOnly: true, sameSite: "lax", secure: false, path: "/" });
    expect(await (await client.caller()).auth.me()).toMatchObject({ username: "ada.lovelace", isAdmin: false });
  });

  test("auth.me says whether the account has the admin role (the client shows the console link)", async () => {
    const client = createTestClient(createTestServices());
    await (await client.caller()).auth.register({ username: "grace", password: STRONG_PASSWORD });
    expect(await (await client.caller()).auth.me()).toMatchObject({ username: "grace", isAdmin: false });
    client.services.accounts.setRole("grace", "admin");
    expect(await (await client.caller()).auth.me()).toMatchObject({ username: "grace", isAdmin: true });
  });

  test("uses the configured Mailcow domain for the address", async () => {
    const services = createServicesWith(
      { MAILCOW_API_URL: "https://mail.acme.test/api/v1", MAILCOW_API_KEY: "k", MAILCOW_DOMAIN: "acme.test", PROVISIONING_SIGNUP_DEADLINE_MS: "200" },
      { mailcow: { baseUrl: "http://127.0.0.1:9/api/v1", apiKey: "k", timeoutMs: 200 } },
    );
    const user = await (await createTestClient(services).caller()).auth.register({ username: "bob", password: STRONG_PASSWORD });
    expect(user.email).toBe("bob@acme.test");
  });

  test.each([
    ["a", "username.tooShort"],
    ["x".repeat(65), "username.tooLong"],
    ["ada lovelace", "username.chars"],
    ["анна", "username.chars"],
    [".ada", "username.dots"],
    ["ada.", "username.dots"],
    ["ada..l", "username.dots"],
    ["postmaster", "username.reserved"],
    ["No-Reply", "username.reserved"],
    ["SOGo", "username.reserved"],
  ])("refuses the username %j (%s)", async (username, code) => {
    const caller = await createTestClient(createTestServices()).caller();
    const error = await expectTrpcError(caller.auth.register({ username, password: STRONG_PASSWORD }), "BAD_REQUEST");
    expect(JSON.stringify(error.cause)).toContain(code);
  });

  test.each([
    ["short1234", "password.tooShort"],
    ["ё".repeat(37), "password.tooLong"],
    ["password1234", "password.common"],
    ["my-ada-secret-phrase", "password.containsUsername"],
    ["lone-surrogate-\uD800-here", "password.control"],
    ["{BLF-CRYPT}$2y$10$abcdefghij", "password.schemePrefix"],
  ])("refuses the password %j (%s)", async (password, code) => {
    const caller = await createTestClient(createTestServices()).caller();
    const error = await expectTrpcError(caller.auth.register({ username: "ada", password }), "BAD_REQUEST");
    expect(JSON.stringify(error.cause)).toContain(code);
  });

  test("sign-up attempts at one name are rate-limited", async () => {
    const services = createTestServices({ LOGIN_RATE_LIMIT_POINTS: "2" });
    await (await createTestClient(services, "10.0.0.1").caller()).auth.register({ username: "ada", password: STRONG_PASSWORD });
    await expectTrpcError((await createTestClient(services, "10.0.0.2").caller()).auth.register({ username: "ada", password: STRONG_PASSWORD }), "CONFLICT");
    await expectTrpcError((await createTestClient(services, "10.0.0.3").caller()).auth.register({ username: "ada", password: STRONG_PASSWORD }), "TOO_MANY_REQUESTS");
  });

  test("refuses a username that is taken, as a field error", async () => {
    const services = createTestServices();
    await (await createTestClient(services).caller()).auth.register({ username: "ada", password: STRONG_PASSWORD });
    const again = (await createTestClient(services).caller()).auth.register({ username: "ADA", password: STRONG_PASSWORD });
    const error = await expectTrpcError(again, "CONFLICT");
    expect(error.message).toBe("username.taken");
  });

  test("20 concurrent sign-ups of one name give exactly one account", async () => {
    // One address may have only PASSWORD_HASH_PER_IP argon2 runs in flight; this test is about the database race.
    const services = createTestServices({ LOGIN_RATE_LIMIT_POINTS: "100", PASSWORD_HASH_PER_IP: "100" });
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, async () => (await createTestClient(services).caller()).auth.register({ username: "race", password: STRONG_PASSWORD })),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    for (const failed of attempts.filter((a) => a.status === "rejected")) {
      expect(((failed as PromiseRejectedResult).reason as TRPCError).code).toBe("CONFLICT");
    }
    expect(services.db.prepare("SELECT COUNT(*) AS n FROM user WHERE username = 'race'").get()).toEqual({ n: 1 });
  });
});

describe("auth.login", () => {
  async function withAccount() {
    const services = createTestServices({ LOGIN_RATE_LIMIT_POINTS: "3" });
    await (await createTestClient(services).caller()).auth.register({ username: "ada", password: STRONG_PASSWORD });
    return services;
  }

  test("accepts the username or the full address, and issues a new session each time", async () => {
    const services = await withAccount();
    const client = createTestClient(services);
    await (await client.caller()).auth.login({ login: "ada", password: STRONG_PASSWORD });
    const first = client.cookies.get("pm_session")?.value;
    await (await client.caller()).auth.login({ login: "ADA@example.test", password: STRONG_PASSWORD });
    const second = client.cookies.get("pm_session")?.value;
    expect(first).toBeTruthy();
    expect(second).not.toBe(first);
    expect(await services.sessions.validate(first!)).toBeNull();
    expect(await (await client.caller()).auth.me()).toMatchObject({ username: "ada" });
  });

  test("an unknown user and a wrong password get the same answer", async () => {
    const services = await withAccount();
    const caller = await createTestClient(services).caller();
    const wrong = await expectTrpcError(caller.auth.login({ login: "ada", password: "not-the-password" }), "UNAUTHORIZED");
    const unknown = await expectTrpcError(caller.auth.login({ login: "nobody", password: "not-the-password" }), "UNAUTHORIZED");
    const otherDomain = await expectTrpcError(caller.auth.login({ login: "ada@elsewhere.test", password: STRONG_PASSWORD }), "UNAUTHORIZED");
    expect(wrong.message).toBe(unknown.message);
    expect(otherDomain.message).toBe(unknown.message);
  });

  test("locks an account name out after too many failures, even for the right password", async () => {
    const services = await withAccount();
    const caller = await createTestClient(services, "10.0.0.9").caller();
    for (let i = 0; i < 3; i++) await expectTrpcError(caller.auth.login({ login: "ada", password: "wrong-password-1" }), "UNAUTHORIZED");
    const locked = await expectTrpcError(caller.auth.login({ login: "ada", password: STRONG_PASSWORD }), "TOO_MANY_REQUESTS");
    expect(locked.message).toBe("rateLimit.tooMany");
  });
});

describe("sessions", () => {
  test("logout ends the session and clears the cookie", async () => {
    const client = createTestClient(createTestServices());
    await (await client.caller()).auth.register({ username: "ada", password: STRONG_PASSWORD });
    const sessionId = client.cookies.get("pm_session")!.value;
    await (await client.caller()).auth.logout();
    expect(client.cookies.get("pm_session")?.value).toBe("");
    expect(await client.services.sessions.validate(sessionId)).toBeNull();
    expect(await (await client.caller()).auth.me()).toBeNull();
  });

  test("changePassword checks the current password and signs out every other session", async () => {
    const services = createTestServices();
    const laptop = createTestClient(services);
    await (await laptop.caller()).auth.register({ username: "ada", password: STRONG_PASSWORD });
    const phone = createTestClient(services);
    await (await phone.caller()).auth.login({ login: "ada", password: STRONG_PASSWORD });

    const wrong = await expectTrpcError(
      (await laptop.caller()).auth.changePassword({ currentPassword: "nope-nope-nope", newPassword: "a-brand-new-passphrase" }),
      "BAD_REQUEST",
    );
    expect(wrong.message).toBe("auth.wrongPassword");

    await (await laptop.caller()).auth.changePassword({ currentPassword: STRONG_PASSWORD, newPassword: "a-brand-new-passphrase" });
    expect(await (await laptop.caller()).auth.me()).toMatchObject({ username: "ada" });
    expect(await (await phone.caller()).auth.me()).toBeNull();
    await expectTrpcError((await phone.caller()).auth.login({ login: "ada", password: STRONG_PASSWORD }), "UNAUTHORIZED");
    await (await phone.caller()).auth.login({ login: "ada", password: "a-brand-new-passphrase" });
  });

  test("password changes are rate-limited per user", async () => {
    const services = createTestServices({ USER_ACTION_RATE_LIMIT_POINTS: "2" });
    const client = createTestClient(services);
    await (await client.caller()).auth.register({ username: "ada", password: STRONG_PASSWORD });
    let current = STRONG_PASSWORD;
    for (const next of ["first-new-passphrase", "second-new-passphrase"]) {
      await (await client.caller()).auth.changePassword({ currentPassword: current, newPassword: next });
      current = next;
    }
    const error = await expectTrpcError(
      (await client.caller()).auth.changePassword({ currentPassword: current, newPassword: "third-new-passphrase" }),
      "TOO_MANY_REQUESTS",
    );
    expect(error.message).toBe("rateLimit.tooMany");
  });

  test("protected procedures refuse anonymous callers", async () => {
    const caller = await createTestClient(createTestServices()).caller();
    await expectTrpcError(caller.auth.changePassword({ currentPassword: "x", newPassword: STRONG_PASSWORD }), "UNAUTHORIZED");
  });
});
