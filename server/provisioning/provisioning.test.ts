// Sign-up provisions the mailbox: against the Mailcow emulator over real HTTP, for every failure class.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { pino } from "pino";
import { beforeEach, describe, expect, test } from "vitest";
import { drainLater, manualClock } from "../test/clock";
import { createTestClient, createTestServices, STRONG_PASSWORD } from "../test/create-test-context";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import type { Services } from "../services";
import { ownerTag } from "./attempt";

const mailcow = useMailcowEmulator({ domain: "example.test" });
const MIB = 1_048_576;

// Mailcow's answers never time out here (10 s): every outcome is decided by the fault, not by the machine's load.
const MAILCOW = () => ({ ...mailcow.config, timeoutMs: 10_000 });
let clock = manualClock();
beforeEach(() => {
  clock = manualClock();
});

function services(overrides: Parameters<typeof createTestServices>[0] = {}, extra: Parameters<typeof createTestServices>[1] = {}) {
  // The sign-up deadline is longer than any attempt against a fault that answers at once, so sign-up reports the
  // attempt's outcome whatever the machine's load; the "slow" case sets a short one on purpose.
  return createTestServices({ PROVISIONING_SIGNUP_DEADLINE_MS: "10000", ...overrides }, { mailcow: MAILCOW(), now: clock, ...extra });
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
    // The 40 look-ups share MAILCOW_MAX_CONCURRENCY with the winner's attempt, which may outlive the sign-up's deadline.
    await svc.provisioner.drain();
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
    await drainLater(svc, clock);
    expect(row(svc, user.id)).toMatchObject({ state: "active", sealed_password: null });
    expect(mailcow.emulator.checkPassword("ada@example.test", STRONG_PASSWORD)).toBe(true);
    expect((await caller.mailbox.info()).state).toBe("active");
  });

  test("slow: the sign-up answers by its deadline and the mailbox is created once", async () => {
    // The emulator stalls 30 s; our requests give up after 2 s: the outcome does not depend on the machine's speed.
    const svc = services({ PROVISIONING_SIGNUP_DEADLINE_MS: "300" }, { mailcow: { ...mailcow.config, timeoutMs: 2000 } });
    mailcow.emulator.fault("slow");
    const { user } = await signUp(svc);
    expect(user.mailbox.state).toBe("provisioning");
    mailcow.emulator.fault(null);
    // The attempt that outlived the sign-up ends: pending when its own request timed out under the stall, or
    // active when it was still waiting for the first (probing) Mailcow call and went out after the stall ended.
    await svc.provisioner.stop();
    expect(["pending", "active"]).toContain(row(svc, user.id).state);
    await drainLater(svc, clock);
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
    await drainLater(fixed, clock);
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
    await drainLater(svc, clock);
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
    await drainLater(svc, clock);
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
    clock.advance(3_600_000);
    await Promise.all([a.provisioner.drain(), b.provisioner.drain(), a.provisioner.drain()]);
    expect(row(a, user.id).state).toBe("active");
    expect(mailcow.emulator.stats().writes).toBe(1);
    a.db.close();
    b.db.close();
  });
});

describe("permanent refusals and the retry window", () => {
  test("a full domain fails the mailbox with words for the user; the worker retries by itself once there is room", async () => {
    const limited = await import("../../tools/mailcow-emulator/index").then((m) => m.startMailcowEmulator({ domainLimits: { mailboxes: 1 } }));
    try {
      const env = { SIGNUP_MIN_FREE_MAILBOXES: "0", PROVISIONING_ROOM_CHECK_MINUTES: "15" };
      const full = services(env, { mailcow: { baseUrl: limited.url, apiKey: limited.apiKey, timeoutMs: 10_000 } });
      limited.seedMailbox({ localPart: "first" });
      const { user, caller } = await signUp(full);
      expect(user.mailbox).toEqual({ state: "failed", reason: "domain_full" });
      const info = await caller.mailbox.info();
      expect(info.reasonText).toContain("администратор");
      // The password waits sealed: the domain may get room.
      expect(row(full, user.id).sealed_password).toMatch(/^v1\./);

      // Still full: nothing is tried before the room check is due, and a check finds no room.
      await full.provisioner.drain();
      await drainLater(full, clock, 16 * 60_000);
      expect(row(full, user.id)).toMatchObject({ state: "failed", reason: "domain_full" });
      const writes = limited.stats().writes;
      expect(writes).toBe(1);

      // An administrator makes room (here: removes a mailbox); the next check retries on its own.
      await full.mailcow.deleteMailboxes(["first@example.test"]);
      await full.provisioner.drain();
      expect(row(full, user.id).state).toBe("failed"); // not due yet
      await drainLater(full, clock, 16 * 60_000);
      expect(row(full, user.id)).toMatchObject({ state: "active", sealed_password: null });
      expect(limited.checkPassword("ada@example.test", STRONG_PASSWORD)).toBe(true);
    } finally {
      await limited.close();
    }
  });

  test("sign-up is refused with words for the user while the domain has too little room (SIGNUP_MIN_FREE_MAILBOXES)", async () => {
    const limited = await import("../../tools/mailcow-emulator/index").then((m) => m.startMailcowEmulator({ domainLimits: { mailboxes: 3 } }));
    try {
      const errors: string[] = [];
      const logger = pino({ level: "error" }, { write: (line: string) => void errors.push(line) });
      const guarded = services({ SIGNUP_MIN_FREE_MAILBOXES: "3" }, { mailcow: { baseUrl: limited.url, apiKey: limited.apiKey, timeoutMs: 10_000 }, logger });
      const { user } = await signUp(guarded, "ada");
      expect(user.mailbox.state).toBe("active");
      clock.advance(60_000); // one look at the domain serves sign-ups for 30 s
      // Two slots left, three wanted: refused on the username field; no account, no mailbox.
      for (const username of ["bob", "eve"]) {
        const refused = await rejection(signUp(guarded, username));
        expect(refused.code).toBe("SERVICE_UNAVAILABLE");
        expect(refused.message).toBe("mailbox.noRoom");
        expect(refused.cause).toMatchObject({ field: "username", code: "mailbox.noRoom" });
        expect(guarded.accounts.findByUsername(username)).toBeNull();
        expect(limited.mailbox(`${username}@example.test`)).toBeNull();
        clock.advance(60_000);
      }
      // The operator hears about it once per interval, not once per refused sign-up.
      expect(errors.filter((line) => line.includes("sign-ups are refused"))).toHaveLength(1);
      expect(errors.join("\n")).toContain("SIGNUP_MIN_FREE_MAILBOXES");
    } finally {
      await limited.close();
    }
  });

  test("after the retry window the password is wiped and the user is asked for a new one; create() then works", async () => {
    const svc = services();
    mailcow.emulator.fault("down");
    const { user, caller } = await signUp(svc);
    expect(row(svc, user.id).state).toBe("pending");
    mailcow.emulator.fault(null);
    await drainLater(svc, clock, 25 * 3_600_000);
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

  test.each([
    ["re-created for another user", (userId: string) => [ownerTag(`${userId}-other`)]],
    ["re-created with a tag that only contains ours", (userId: string) => [`x${ownerTag(userId)}`, `${ownerTag(userId)}0`]],
    ["deleted", null],
  ] as const)("a mailbox %s in Mailcow is never touched or shown again: conflict, removed_in_mailcow", async (_name, tags) => {
    const svc = services({ MAILBOX_INFO_CACHE_SECONDS: "0" });
    const { user, caller } = await signUp(svc);
    expect((await caller.mailbox.info()).state).toBe("active");
    await svc.mailcow.deleteMailboxes(["ada@example.test"]);
    if (tags) {
      await svc.mailcow.addMailbox({ localPart: "ada", domain: "example.test", quotaMiB: 1024, password: "the-new-owners-password", tags: ["platform-mail", ...tags(user.id)] });
    }
    const refused = await rejection(caller.mailbox.updatePassword({ newPassword: "trying-to-take-it-over" }));
    expect(refused.code).toBe("PRECONDITION_FAILED");
    if (tags) expect(mailcow.emulator.checkPassword("ada@example.test", "the-new-owners-password")).toBe(true);
    const info = await caller.mailbox.info();
    expect(info).toMatchObject({ state: "conflict", reason: "removed_in_mailcow", live: null });
    expect(info.reasonText).toContain("администратор");
    expect(row(svc, user.id)).toMatchObject({ state: "conflict", reason: "removed_in_mailcow" });
    expect((await rejection(caller.mailbox.checkLogin({ password: "the-new-owners-password" }))).code).toBe("PRECONDITION_FAILED");
    // The worker leaves it alone too: nothing is due, nothing is written.
    const writes = mailcow.emulator.stats().writes;
    await drainLater(svc, clock);
    expect(mailcow.emulator.stats().writes).toBe(writes);
  });

  test("info checks the owner before showing live figures, also from its short cache", async () => {
    const svc = services({ MAILBOX_INFO_CACHE_SECONDS: "60" });
    const { caller } = await signUp(svc);
    await svc.mailcow.deleteMailboxes(["ada@example.test"]);
    await svc.mailcow.addMailbox({ localPart: "ada", domain: "example.test", quotaMiB: 1024, password: "the-new-owners-password", tags: ["someone-else"] });
    // updatePassword asks Mailcow afresh, so the cache cannot hide the change.
    expect((await rejection(caller.mailbox.updatePassword({ newPassword: "trying-to-take-it-over" }))).code).toBe("PRECONDITION_FAILED");
    expect(await caller.mailbox.info()).toMatchObject({ state: "conflict", live: null });
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
    const svc = services({ ACCOUNT_DELETION_GRACE_HOURS: "168" });
    const { user, caller, client } = await signUp(svc);
    await rejection(caller.auth.deleteAccount({ password: "not-my-password" }));
    await caller.auth.deleteAccount({ password: STRONG_PASSWORD });
    expect((await svc.mailcow.getMailbox("ada@example.test"))?.active).toBe(0);
    expect(await (await client.caller()).auth.me()).toBeNull();
    await rejection(createTestClient(svc).caller().then((c) => c.auth.login({ login: "ada", password: STRONG_PASSWORD })));
    const reuse = await rejection(createTestClient(svc).caller().then((c) => c.auth.register({ username: "ada", password: STRONG_PASSWORD })));
    expect(reuse.code).toBe("CONFLICT");

    await drainLater(svc, clock, 169 * 3_600_000);
    expect(mailcow.emulator.mailbox("ada@example.test")).toBeNull();
    expect(svc.accounts.findById(user.id)).toBeNull();
    expect(svc.provisioner.store.get(user.id)).toBeNull();
  });

  test("an account that was never provisioned leaves nothing behind in Mailcow", async () => {
    const svc = services({ ACCOUNT_DELETION_GRACE_HOURS: "1" });
    mailcow.emulator.fault("down");
    const { user, caller } = await signUp(svc);
    await caller.auth.deleteAccount({ password: STRONG_PASSWORD });
    mailcow.emulator.fault(null);
    await drainLater(svc, clock);
    expect(mailcow.emulator.mailbox("ada@example.test")).toBeNull();
    await drainLater(svc, clock, 2 * 3_600_000);
    expect(mailcow.emulator.mailbox("ada@example.test")).toBeNull();
    expect(mailcow.emulator.stats().writes).toBe(0);
    expect(svc.accounts.findById(user.id)).toBeNull();
  });
});
