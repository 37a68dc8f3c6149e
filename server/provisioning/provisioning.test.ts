// Sign-up provisions the mailbox: against the Mailcow emulator over real HTTP, for every failure class.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { describe, expect, test } from "vitest";
import { createTestClient, createTestServices, STRONG_PASSWORD } from "../test/create-test-context";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import type { Services } from "../services";
import { ownerTag } from "./attempt";

const mailcow = useMailcowEmulator({ timeoutMs: 500, slowMs: 1500, domain: "example.test" });
const MIB = 1_048_576;

function services(overrides: Parameters<typeof createTestServices>[0] = {}, extra: Parameters<typeof createTestServices>[1] = {}) {
  return createTestServices({ PROVISIONING_SIGNUP_DEADLINE_MS: "1000", ...overrides }, { mailcow: mailcow.config, ...extra });
}

async function signUp(svc: Services, username = "ada", password = STRONG_PASSWORD) {
  const client = createTestClient(svc);
  const user = await (await client.caller()).auth.register({ username, password });
  return { client, user, caller: await client.caller() };
}

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

const row = (svc: Services, userId: string) => svc.provisioner.store.get(userId)!;

describe("sign-up with a healthy Mailcow", () => {
  test("creates one active mailbox with the sign-up password, 1024 MiB, TLS enforced, forced change, our tag", async () => {
    const svc = services();
    const { user, caller } = await signUp(svc);
    expect(user.mailbox).toEqual({ state: "active", reason: null });
    const stored = mailcow.emulator.mailbox("ada@example.test");
    expect(stored).not.toBeNull();
    expect(mailcow.emulator.checkPassword("ada@example.test", STRONG_PASSWORD)).toBe(true);
    const live = await svc.mailcow.getMailbox("ada@example.test");
    expect(live).toMatchObject({
      quotaBytes: 1024 * MIB,
      isActive: true,
      forcePasswordUpdate: true,
      tlsEnforceIn: true,
      tlsEnforceOut: true,
    });
    expect(live?.tags).toContain(ownerTag(user.id));
    // The sealed password is gone once Mailcow has the mailbox.
    expect(row(svc, user.id)).toMatchObject({ state: "active", sealed_password: null, password_sealed_at: null });

    const info = await caller.mailbox.info();
    expect(info).toMatchObject({
      state: "active",
      address: "ada@example.test",
      liveUnavailable: false,
      demo: true,
      live: { quotaBytes: 1024 * MIB, usedBytes: 0, messages: 0, forcePasswordChange: true, active: true },
      settings: {
        imap: { host: "mail.example.test", port: 993, security: "ssl", username: "ada@example.test" },
        smtp: { host: "mail.example.test", port: 587, security: "starttls", username: "ada@example.test" },
        webmailUrl: "https://mail.example.test/SOGo/",
      },
    });
  });

  test("refuses a name that already exists in Mailcow as a mailbox or alias it did not create", async () => {
    const svc = services();
    mailcow.emulator.seedMailbox({ localPart: "director", password: "the-directors-own-password" });
    mailcow.emulator.seedAlias("kontakt@example.test", "director@example.test");
    for (const username of ["director", "kontakt"]) {
      const error = await rejection(createTestClient(svc).caller().then((c) => c.auth.register({ username, password: STRONG_PASSWORD })));
      expect(error.code).toBe("CONFLICT");
      expect(error.message).toBe("username.takenInMail");
    }
    expect(svc.accounts.findByUsername("director")).toBeNull();
    expect(mailcow.emulator.checkPassword("director@example.test", "the-directors-own-password")).toBe(true);
  });

  test("20 concurrent sign-ups of one name give one account and one mailbox", async () => {
    const svc = services();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => signUp(svc, "race")));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(mailcow.emulator.mailbox("race@example.test")).not.toBeNull();
    expect(mailcow.emulator.stats().writes).toBe(1);
  });

  test("Mailcow's live password policy is enforced on top of ours, naming the rule", async () => {
    mailcow.emulator.setPasswordPolicy({ length: 30, numbers: true });
    const svc = services();
    const error = await rejection(signUp(svc, "ada", "long-enough-but-no-digits"));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toBe("password.mailLength");
    const digits = await rejection(signUp(svc, "ada", "long-enough-but-no-digits-at-all"));
    expect(digits.message).toBe("password.mailDigits");
    const { user } = await signUp(svc, "ada", "long-enough-with-digits-42-and-more");
    expect(user.mailbox.state).toBe("active");
  });
});

describe("sign-up while Mailcow misbehaves keeps the account and converges after recovery", () => {
  test.each([
    ["down", "pending", "mailcow_unreachable"],
    ["reset", "pending", "mailcow_unreachable"],
    ["html500", "pending", "mailcow_error"],
    ["danger", "pending", "mailcow_busy"],
    ["malformed", "pending", "mailcow_error"],
  ] as const)("%s → %s (%s) → active", async (fault, state, reason) => {
    const svc = services();
    mailcow.emulator.fault(fault);
    const { user, caller } = await signUp(svc);
    expect(user.mailbox).toEqual({ state, reason });
    expect(svc.accounts.findByUsername("ada")).not.toBeNull();
    expect(row(svc, user.id).sealed_password).toMatch(/^v1\./);
    expect(row(svc, user.id).sealed_password).not.toContain(STRONG_PASSWORD);
    const info = await caller.mailbox.info();
    expect(info).toMatchObject({ state, reason, live: null });
    expect(info.reasonText).toMatch(/автоматически/);

    mailcow.emulator.fault(null);
    await svc.provisioner.drain();
    expect(row(svc, user.id)).toMatchObject({ state: "active", sealed_password: null });
    expect(mailcow.emulator.checkPassword("ada@example.test", STRONG_PASSWORD)).toBe(true);
    expect((await caller.mailbox.info()).state).toBe("active");
  });

  test("slow: the sign-up answers by its deadline and the mailbox is created once", async () => {
    const svc = services({ PROVISIONING_SIGNUP_DEADLINE_MS: "300" }, { mailcow: { ...mailcow.config, timeoutMs: 5000 } });
    mailcow.emulator.fault("slow");
    const started = Date.now();
    const { user } = await signUp(svc);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(user.mailbox.state).toBe("provisioning");
    mailcow.emulator.fault(null);
    await svc.provisioner.drain();
    expect(row(svc, user.id).state).toBe("active");
    expect(mailcow.emulator.stats().writes).toBe(1);
  });

  test("a wrong API key: pending, then active once an operator fixes the key (and the server restarts)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pm-prov-"));
    const env = { DATABASE_PATH: path.join(dir, "platform.db"), DATA_DIR: dir };
    const broken = services(env, { mailcow: { ...mailcow.config, apiKey: "WRONG-KEY" } });
    const { user } = await signUp(broken);
    expect(user.mailbox).toEqual({ state: "pending", reason: "mailcow_auth" });
    await broken.provisioner.stop();
    broken.db.close();

    const fixed = services(env);
    await fixed.provisioner.drain();
    expect(row(fixed, user.id).state).toBe("active");
    expect(mailcow.emulator.checkPassword("ada@example.test", STRONG_PASSWORD)).toBe(true);
    fixed.db.close();
  });

  test("an address squatted while Mailcow was unreachable becomes a conflict, never a takeover", async () => {
    const svc = services();
    mailcow.emulator.fault("down");
    const { user, caller } = await signUp(svc, "boss");
    mailcow.emulator.fault(null);
    mailcow.emulator.seedMailbox({ localPart: "boss", password: "the-bosses-own-password" });
    await svc.provisioner.drain();
    expect(row(svc, user.id)).toMatchObject({ state: "conflict", reason: "address_taken", sealed_password: null });
    expect(mailcow.emulator.checkPassword("boss@example.test", "the-bosses-own-password")).toBe(true);
    expect((await caller.mailbox.info()).state).toBe("conflict");
    await rejection(caller.mailbox.updatePassword({ newPassword: "trying-to-take-it-over" }));
    expect(mailcow.emulator.checkPassword("boss@example.test", "the-bosses-own-password")).toBe(true);
  });

  test("a crash after Mailcow's success but before our commit converges without a second mailbox", async () => {
    const svc = services();
    mailcow.emulator.fault("down");
    const { user } = await signUp(svc);
    mailcow.emulator.fault(null);
    // What a lost attempt leaves behind: the mailbox exists in Mailcow, tagged for this user; our row says pending.
    await svc.mailcow.addMailbox({ localPart: "ada", domain: "example.test", quotaMiB: 1024, password: STRONG_PASSWORD, tags: [ownerTag(user.id)] });
    const writes = mailcow.emulator.stats().writes;
    await svc.provisioner.drain();
    expect(row(svc, user.id)).toMatchObject({ state: "active", sealed_password: null });
    expect(mailcow.emulator.stats().writes).toBe(writes);
  });

  test("two workers on one database never work on the same mailbox at once", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pm-lease-"));
    const env = { DATABASE_PATH: path.join(dir, "platform.db"), DATA_DIR: dir };
    const a = services(env);
    mailcow.emulator.fault("down");
    const { user } = await signUp(a);
    mailcow.emulator.fault(null);
    const b = services(env);
    await Promise.all([a.provisioner.drain(), b.provisioner.drain(), a.provisioner.drain()]);
    expect(row(a, user.id).state).toBe("active");
    expect(mailcow.emulator.stats().writes).toBe(1);
    a.db.close();
    b.db.close();
  });
});

describe("permanent refusals and the retry window", () => {
  test("a full domain fails the mailbox for good, with words for the user, and forgets the password", async () => {
    const limited = await import("../../tools/mailcow-emulator/index").then((m) => m.startMailcowEmulator({ domainLimits: { mailboxes: 0 } }));
    try {
      const full = services({}, { mailcow: { baseUrl: limited.url, apiKey: limited.apiKey, timeoutMs: 500 } });
      const { user, caller } = await signUp(full);
      expect(user.mailbox).toEqual({ state: "failed", reason: "domain_full" });
      expect(row(full, user.id).sealed_password).toBeNull();
      const info = await caller.mailbox.info();
      expect(info.reasonText).toContain("администратор");
    } finally {
      await limited.close();
    }
  });

  test("after the retry window the password is wiped and the user is asked for a new one; create() then works", async () => {
    let clock = Date.now();
    const svc = services({}, { now: () => clock });
    mailcow.emulator.fault("down");
    const { user, caller } = await signUp(svc);
    expect(row(svc, user.id).state).toBe("pending");
    mailcow.emulator.fault(null);
    clock += 25 * 3_600_000;
    await svc.provisioner.drain();
    expect(row(svc, user.id)).toMatchObject({ state: "needs_password", reason: "retry_window_passed", sealed_password: null });
    expect(mailcow.emulator.mailbox("ada@example.test")).toBeNull();

    const info = await caller.mailbox.create({ password: "a-new-mailbox-password" });
    expect(info.state).toBe("active");
    expect(mailcow.emulator.checkPassword("ada@example.test", "a-new-mailbox-password")).toBe(true);
    // Idempotent: asking again changes nothing.
    expect((await caller.mailbox.create({ password: "yet-another-password" })).state).toBe("active");
    expect(mailcow.emulator.checkPassword("ada@example.test", "a-new-mailbox-password")).toBe(true);
  });
});

describe("mailbox router", () => {
  test("updatePassword changes only the mailbox password and clears the forced change", async () => {
    const svc = services();
    const { caller } = await signUp(svc);
    const info = await caller.mailbox.updatePassword({ newPassword: "a-different-mailbox-pw" });
    expect(info.live?.forcePasswordChange).toBe(false);
    expect(mailcow.emulator.checkPassword("ada@example.test", "a-different-mailbox-pw")).toBe(true);
    expect(mailcow.emulator.checkPassword("ada@example.test", STRONG_PASSWORD)).toBe(false);
    // The account password is unchanged.
    await (await createTestClient(svc).caller()).auth.login({ login: "ada", password: STRONG_PASSWORD });
  });

  test("updatePassword reports Mailcow's policy as a field error and Mailcow being down honestly", async () => {
    const svc = services();
    const { caller } = await signUp(svc);
    mailcow.emulator.setPasswordPolicy({ special_chars: true });
    const policy = await rejection(caller.mailbox.updatePassword({ newPassword: "onlylettersanddigits1" }));
    expect(policy.code).toBe("BAD_REQUEST");
    mailcow.emulator.fault("down");
    const down = await rejection(caller.mailbox.updatePassword({ newPassword: "with-a-special-char!" }));
    expect(down.code).toBe("SERVICE_UNAVAILABLE");
    expect(down.message).toBe("mailbox.mailcowUnavailable");
  });

  test("info answers with the stored state when Mailcow is down", async () => {
    const svc = services({ MAILBOX_INFO_CACHE_SECONDS: "0" });
    const { caller } = await signUp(svc);
    mailcow.emulator.fault("down");
    expect(await caller.mailbox.info()).toMatchObject({ state: "active", live: null, liveUnavailable: true });
  });

  test("a mailbox disabled in Mailcow shows as disabled", async () => {
    const svc = services({ MAILBOX_INFO_CACHE_SECONDS: "0" });
    const { caller } = await signUp(svc);
    await svc.mailcow.editMailbox("ada@example.test", { active: false });
    expect(await caller.mailbox.info()).toMatchObject({ state: "disabled", reason: "disabled_in_mailcow" });
  });

  test("retry runs a pending mailbox now", async () => {
    const svc = services();
    mailcow.emulator.fault("down");
    const { caller } = await signUp(svc);
    mailcow.emulator.fault(null);
    expect((await caller.mailbox.retry()).state).toBe("active");
  });

  test("webmailUrl and passwordPolicy", async () => {
    const svc = services();
    const { caller } = await signUp(svc);
    expect(await caller.mailbox.webmailUrl()).toMatchObject({ webmailUrl: "https://mail.example.test/SOGo/", imap: { port: 993 } });
    expect(await caller.mailbox.passwordPolicy()).toMatchObject({ available: true, minLength: 6 });
  });
});

describe("account deletion", () => {
  test("disables the mailbox at once, keeps the name during the grace period, then deletes everything", async () => {
    let clock = Date.now();
    const svc = services({ ACCOUNT_DELETION_GRACE_HOURS: "168" }, { now: () => clock });
    const { user, caller, client } = await signUp(svc);
    await rejection(caller.auth.deleteAccount({ password: "not-my-password" }));
    await caller.auth.deleteAccount({ password: STRONG_PASSWORD });
    expect((await svc.mailcow.getMailbox("ada@example.test"))?.active).toBe(0);
    expect(await (await client.caller()).auth.me()).toBeNull();
    await rejection(createTestClient(svc).caller().then((c) => c.auth.login({ login: "ada", password: STRONG_PASSWORD })));
    const reuse = await rejection(createTestClient(svc).caller().then((c) => c.auth.register({ username: "ada", password: STRONG_PASSWORD })));
    expect(reuse.code).toBe("CONFLICT");

    clock += 169 * 3_600_000;
    await svc.provisioner.drain();
    expect(mailcow.emulator.mailbox("ada@example.test")).toBeNull();
    expect(svc.accounts.findById(user.id)).toBeNull();
    expect(svc.provisioner.store.get(user.id)).toBeNull();
  });

  test("an account that was never provisioned leaves nothing behind in Mailcow", async () => {
    let clock = Date.now();
    const svc = services({ ACCOUNT_DELETION_GRACE_HOURS: "1" }, { now: () => clock });
    mailcow.emulator.fault("down");
    const { user, caller } = await signUp(svc);
    await caller.auth.deleteAccount({ password: STRONG_PASSWORD });
    mailcow.emulator.fault(null);
    await svc.provisioner.drain();
    expect(mailcow.emulator.mailbox("ada@example.test")).toBeNull();
    clock += 2 * 3_600_000;
    await svc.provisioner.drain();
    expect(mailcow.emulator.mailbox("ada@example.test")).toBeNull();
    expect(mailcow.emulator.stats().writes).toBe(0);
    expect(svc.accounts.findById(user.id)).toBeNull();
  });
});
