// mailbox.forwarding.*, mailbox.vacation.*, mailbox.spamLevel.* against the Mailcow emulator: what the emulator
// stores (the one platform prefilter), the operator's policy, the user's own filters, ownership and the audit log.
import { TRPCError } from "@trpc/server";
import { describe, expect, test } from "vitest";
import { MAIL_SETTINGS_MESSAGES } from "../../shared/i18n/mail-settings";
import { MailcowError, ownerTag } from "../mailcow";
import { mailSettingsProblem } from "../mail-features/filters-service";
import { isPlatformFilter, PLATFORM_FILTER_DESC } from "../mail-features/sieve";
import { createTestClient, createTestServices, STRONG_PASSWORD } from "../test/create-test-context";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import { FieldError } from "../trpc";

const mailcow = useMailcowEmulator();
const ADA = "ada@example.test";

function setup(overrides: Parameters<typeof createTestServices>[0] = {}) {
  const clock = { now: Date.UTC(2026, 6, 1, 12, 0, 0) };
  const services = createTestServices({ MAILBOX_INFO_CACHE_SECONDS: "0", ...overrides }, { mailcow: mailcow.config, now: () => clock.now });
  return { services, clock };
}

async function signedUp(services: ReturnType<typeof setup>["services"], username = "ada") {
  const client = createTestClient(services);
  await (await client.caller()).auth.register({ username, password: STRONG_PASSWORD });
  const caller = await client.caller();
  expect((await caller.mailbox.info()).state).toBe("active");
  const me = await caller.auth.me();
  return { caller, userId: me!.id };
}

async function refusal(promise: Promise<unknown>, code: TRPCError["code"]) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  return error as TRPCError;
}

/** The field and code of a refusal that belongs to one form field. */
async function fieldRefusal(promise: Promise<unknown>, code: TRPCError["code"] = "BAD_REQUEST") {
  const cause = (await refusal(promise, code)).cause;
  expect(cause).toBeInstanceOf(FieldError);
  const { field, code: messageCode, params } = cause as FieldError;
  return { field, code: messageCode, params };
}

const prefilters = () => mailcow.emulator.activeFilters(ADA).filter((f) => f.filterType === "prefilter");

describe("mailbox.forwarding", () => {
  test("set with keep-a-copy writes one platform prefilter; get shows it; set again rewrites it; disable deletes it", async () => {
    const { services } = setup();
    const { caller } = await signedUp(services);
    expect(await caller.mailbox.forwarding.get()).toMatchObject({ enabled: false, to: [], keepCopy: true, foreignFilter: null, policy: { external: "deny", maxTargets: 5 } });

    const set = await caller.mailbox.forwarding.set({ to: [" Bob@Example.test ", "carol@example.test"], keepCopy: true });
    expect(set).toMatchObject({ enabled: true, to: ["bob@example.test", "carol@example.test"], keepCopy: true });
    const [filter, ...others] = prefilters();
    expect(others).toEqual([]);
    expect(filter!.description).toBe(PLATFORM_FILTER_DESC);
    expect(filter!.script).toContain('require ["copy"];');
    expect(filter!.script).toContain('redirect :copy "bob@example.test";');
    expect(filter!.script).toContain('redirect :copy "carol@example.test";');
    expect(await caller.mailbox.forwarding.get()).toMatchObject({ enabled: true, to: ["bob@example.test", "carol@example.test"], keepCopy: true });

    // Without a copy: plain redirect and stop; the same filter is rewritten (no second one).
    await caller.mailbox.forwarding.set({ to: ["bob@example.test"], keepCopy: false });
    const [rewritten, ...more] = prefilters();
    expect(more).toEqual([]);
    expect(rewritten!.id).toBe(filter!.id);
    expect(rewritten!.script).toContain('redirect "bob@example.test";\nstop;');
    expect(rewritten!.script).not.toContain(":copy");

    expect(await caller.mailbox.forwarding.disable()).toMatchObject({ enabled: false, to: [] });
    expect(await services.mailcow.listFilters(ADA)).toEqual([]);
    expect(await caller.mailbox.forwarding.get()).toMatchObject({ enabled: false });
  });

  test("the operator's policy is enforced on the server: external targets denied, allowed domains, the maximum", async () => {
    const denied = setup();
    const { caller } = await signedUp(denied.services);
    expect(await fieldRefusal(caller.mailbox.forwarding.set({ to: ["bob@example.test", "leak@gmail.com"], keepCopy: true }))).toEqual({
      field: "to.1",
      code: "forwarding.externalDenied",
      params: undefined,
    });
    expect(prefilters()).toEqual([]);

    await mailcow.emulator.reset();
    const partner = setup({ FORWARDING_ALLOWED_DOMAINS: "partner.example", FORWARDING_MAX_TARGETS: "2" });
    const ada = await signedUp(partner.services);
    await ada.caller.mailbox.forwarding.set({ to: ["x@partner.example"], keepCopy: true });
    const other = await fieldRefusal(ada.caller.mailbox.forwarding.set({ to: ["x@other.example"], keepCopy: true }));
    expect(other).toMatchObject({ field: "to.0", code: "forwarding.domainDenied", params: { domain: "other.example", allowed: "example.test, partner.example" } });
    expect(await fieldRefusal(ada.caller.mailbox.forwarding.set({ to: ["a@example.test", "b@example.test", "c@example.test"], keepCopy: true }))).toMatchObject({
      field: "to",
      code: "forwarding.tooMany",
      params: { max: 2 },
    });
    // The refused changes left the stored one alone.
    expect(await ada.caller.mailbox.forwarding.get()).toMatchObject({ to: ["x@partner.example"] });
    expect(prefilters()[0]!.script).toContain('"x@partner.example"');

    await mailcow.emulator.reset();
    const open = setup({ FORWARDING_EXTERNAL: "allow" });
    const bea = await signedUp(open.services);
    await bea.caller.mailbox.forwarding.set({ to: ["me@gmail.com"], keepCopy: true });
    expect(prefilters()[0]!.script).toContain('redirect :copy "me@gmail.com";');
  });

  test("refuses the mailbox itself, its own aliases (a loop), duplicates and malformed addresses, by position", async () => {
    const { services } = setup();
    const { caller } = await signedUp(services);
    mailcow.emulator.seedAlias("ada.lovelace@example.test", ADA);
    mailcow.emulator.seedAlias("team@example.test", `bob@example.test,${ADA}`);
    mailcow.emulator.seedAlias("other@example.test", "bob@example.test");
    const set = (to: string[]) => fieldRefusal(caller.mailbox.forwarding.set({ to, keepCopy: true }));
    expect(await set(["bob@example.test", "Ada@Example.test"])).toMatchObject({ field: "to.1", code: "forwarding.self" });
    expect(await set(["ada.lovelace@example.test"])).toMatchObject({ field: "to.0", code: "forwarding.ownAlias" });
    expect(await set(["bob@example.test", "team@example.test"])).toMatchObject({ field: "to.1", code: "forwarding.ownAlias" });
    expect(await set(["bob@example.test", "BOB@example.test"])).toMatchObject({ field: "to.1", code: "forwarding.duplicate" });
    expect(await set(["not an address"])).toMatchObject({ field: "to.0", code: "forwarding.invalidAddress" });
    // Input checks (zod) before anything reaches the service.
    await refusal(caller.mailbox.forwarding.set({ to: [], keepCopy: true }), "BAD_REQUEST");
    await refusal(caller.mailbox.forwarding.set({ to: ["  "], keepCopy: true }), "BAD_REQUEST");
    // An alias that does not deliver here is a fine target.
    await caller.mailbox.forwarding.set({ to: ["other@example.test"], keepCopy: true });
    expect(prefilters()).toHaveLength(1);
  });

  test("an active prefilter made in Mailcow's UI is reported, and replaced only when the user confirms", async () => {
    const { services } = setup();
    const { caller } = await signedUp(services);
    await services.mailcow.addFilter({ mailbox: ADA, type: "prefilter", description: "My own rules", script: 'if header :contains "subject" "x" { discard; }\n', active: true });
    expect(await caller.mailbox.forwarding.get()).toMatchObject({ foreignFilter: { description: "My own rules" } });
    expect(await caller.mailbox.vacation.get()).toMatchObject({ foreignFilter: { description: "My own rules" } });

    const refused = await fieldRefusal(caller.mailbox.forwarding.set({ to: ["bob@example.test"], keepCopy: true }), "CONFLICT");
    expect(refused).toEqual({ field: "replaceForeign", code: "mailSettings.foreignFilter", params: { description: "My own rules" } });
    expect(prefilters().map((f) => f.description)).toEqual(["My own rules"]);
    expect(await caller.mailbox.forwarding.get()).toMatchObject({ enabled: false });

    await caller.mailbox.forwarding.set({ to: ["bob@example.test"], keepCopy: true, replaceForeign: true });
    expect(prefilters().map((f) => f.description)).toEqual([PLATFORM_FILTER_DESC]);
    // The user's filter is turned off by Mailcow's one-active rule, never edited or deleted.
    const all = await services.mailcow.listFilters(ADA);
    expect(all.find((f) => f.description === "My own rules")).toMatchObject({ active: false, script: 'if header :contains "subject" "x" { discard; }\n' });
    expect(await caller.mailbox.forwarding.get()).toMatchObject({ enabled: true, foreignFilter: null });
  });

  test("turning one part off while the user's own filter is active keeps that filter on (ours stays, inactive)", async () => {
    const { services } = setup();
    const { caller } = await signedUp(services);
    await caller.mailbox.forwarding.set({ to: ["bob@example.test"], keepCopy: true });
    await caller.mailbox.vacation.set({ subject: "Away", message: "Back soon" });
    await services.mailcow.addFilter({ mailbox: ADA, type: "prefilter", description: "Mine", script: "keep;\n", active: true });
    await caller.mailbox.forwarding.disable();
    expect(prefilters().map((f) => f.description)).toEqual(["Mine"]);
    const ours = (await services.mailcow.listFilters(ADA)).filter((f) => isPlatformFilter(f.description));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ active: false });
    expect(ours[0]!.script).toContain("vacation");
    expect(ours[0]!.script).not.toContain("redirect");
  });
});

describe("mailbox.vacation", () => {
  test("set with dates writes the vacation script next to forwarding; the Mail page shows until …; disable turns it off", async () => {
    const { services } = setup({ VACATION_DAYS: "3" });
    const { caller } = await signedUp(services);
    mailcow.emulator.seedAlias("ada.lovelace@example.test", ADA);
    await caller.mailbox.forwarding.set({ to: ["bob@example.test"], keepCopy: true });
    const set = await caller.mailbox.vacation.set({ subject: 'Away "till" August', message: "Hello,\nI am away.\nПривет!", from: "2026-07-01", until: "2026-07-20" });
    expect(set).toMatchObject({ enabled: true, subject: 'Away "till" August', from: "2026-07-01", until: "2026-07-20", days: 3 });

    const [filter, ...others] = prefilters();
    expect(others).toEqual([]);
    expect(filter!.script).toContain('require ["copy", "vacation", "date", "relational"];');
    expect(filter!.script).toContain('currentdate :value "ge" "date" "2026-07-01"');
    expect(filter!.script).toContain('currentdate :value "le" "date" "2026-07-20"');
    expect(filter!.script).toContain(':days 3 :addresses ["ada@example.test", "ada.lovelace@example.test"] :from "ada@example.test" :subject "Away \\"till\\" August"');
    expect(filter!.script).toContain('"Hello,\nI am away.\nПривет!";');
    expect(filter!.script).toContain('redirect :copy "bob@example.test";');

    expect(await caller.mailbox.vacation.get()).toMatchObject({ enabled: true, message: "Hello,\nI am away.\nПривет!", until: "2026-07-20" });
    expect((await caller.mailbox.info()).vacation).toEqual({ until: "2026-07-20" });
    // Every MailboxInfo answer says so, e.g. the one a password change returns (the Mail page shows it at once).
    expect((await caller.mailbox.updatePassword({ newPassword: "another-long-passphrase-7" })).vacation).toEqual({ until: "2026-07-20" });

    await caller.mailbox.vacation.disable();
    expect((await caller.mailbox.info()).vacation).toBeNull();
    expect(prefilters()[0]!.script).not.toContain("vacation");
    expect(await caller.mailbox.forwarding.get()).toMatchObject({ enabled: true, to: ["bob@example.test"] });
  });

  test("dates: real calendar days, end not before start, end not in the past; open-ended shows until null", async () => {
    const { services, clock } = setup();
    const { caller } = await signedUp(services);
    const base = { subject: "Away", message: "Back later" };
    expect(await fieldRefusal(caller.mailbox.vacation.set({ ...base, until: "2026-06-30" }))).toMatchObject({ field: "until", code: "vacation.untilPast" });
    const zod = async (input: Parameters<typeof caller.mailbox.vacation.set>[0], field: string, code: string) => {
      const cause = (await refusal(caller.mailbox.vacation.set(input), "BAD_REQUEST")).cause as unknown as { issues: { path: PropertyKey[]; message: string }[] };
      expect(cause.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: [field], message: code })]));
    };
    await zod({ ...base, from: "2026-02-30" }, "from", "vacation.date");
    await zod({ ...base, until: "20.07.2026" }, "until", "vacation.date");
    await zod({ ...base, from: "2026-07-10", until: "2026-07-09" }, "until", "vacation.dateOrder");
    await zod({ subject: "  ", message: "x" }, "subject", "vacation.subjectRequired");
    await zod({ subject: "x", message: " \n " }, "message", "vacation.messageRequired");
    expect(prefilters()).toEqual([]);

    await caller.mailbox.vacation.set({ ...base, until: "2026-07-01" });
    expect((await caller.mailbox.info()).vacation).toEqual({ until: "2026-07-01" });
    // After its last day the Mail page no longer says it is on.
    clock.now = Date.UTC(2026, 6, 2, 0, 0, 1);
    expect((await caller.mailbox.info()).vacation).toBeNull();

    await caller.mailbox.vacation.set(base);
    expect((await caller.mailbox.info()).vacation).toEqual({ until: null });
    expect(prefilters()[0]!.script).not.toContain("currentdate");
  });
});

describe("mailbox.spamLevel", () => {
  test("default, the named levels, custom numbers and back to Mailcow's default", async () => {
    const { services } = setup();
    const { caller } = await signedUp(services);
    expect(await caller.mailbox.spamLevel.get()).toEqual({ level: "default", low: 5, high: 15 });
    expect(await caller.mailbox.spamLevel.set({ level: "strict" })).toEqual({ level: "strict", low: 3, high: 10 });
    expect(await services.mailcow.getSpamScore(ADA)).toEqual({ low: 3, high: 10 });
    expect(await caller.mailbox.spamLevel.set({ level: "relaxed" })).toEqual({ level: "relaxed", low: 10, high: 25 });
    expect(await caller.mailbox.spamLevel.set({ low: 6.5, high: 12 })).toEqual({ level: "custom", low: 6.5, high: 12 });
    expect(await caller.mailbox.spamLevel.get()).toEqual({ level: "custom", low: 6.5, high: 12 });
    expect(await caller.mailbox.spamLevel.set({ level: "default" })).toEqual({ level: "default", low: 5, high: 15 });
    await refusal(caller.mailbox.spamLevel.set({ low: 9, high: 9 }), "BAD_REQUEST");
    await refusal(caller.mailbox.spamLevel.set({ low: -1, high: 9 }), "BAD_REQUEST");
    await refusal(caller.mailbox.spamLevel.set({ level: "custom" } as never), "BAD_REQUEST");
  });
});

describe("every mail settings procedure", () => {
  test("needs a signed-in user with an active mailbox", async () => {
    const { services } = setup();
    const anonymous = await createTestClient(services).caller();
    await refusal(anonymous.mailbox.forwarding.get(), "UNAUTHORIZED");
    await refusal(anonymous.mailbox.vacation.set({ subject: "a", message: "b" }), "UNAUTHORIZED");
    await refusal(anonymous.mailbox.spamLevel.set({ level: "strict" }), "UNAUTHORIZED");
  });

  test("a mailbox re-created in Mailcow for someone else is never read or changed", async () => {
    const { services } = setup();
    const { caller, userId } = await signedUp(services);
    await services.mailcow.deleteMailboxes([ADA]);
    await services.mailcow.addMailbox({ localPart: "ada", domain: "example.test", quotaMiB: 1024, password: "the-new-owners-password", tags: ["platform-mail", ownerTag(`${userId}-other`)] });
    const writes = mailcow.emulator.stats().writes;
    await refusal(caller.mailbox.forwarding.set({ to: ["bob@example.test"], keepCopy: true }), "PRECONDITION_FAILED");
    await refusal(caller.mailbox.vacation.set({ subject: "a", message: "b" }), "PRECONDITION_FAILED");
    await refusal(caller.mailbox.spamLevel.set({ level: "strict" }), "PRECONDITION_FAILED");
    await refusal(caller.mailbox.forwarding.get(), "PRECONDITION_FAILED");
    await refusal(caller.mailbox.spamLevel.get(), "PRECONDITION_FAILED");
    expect(mailcow.emulator.stats().writes).toBe(writes);
    expect(await services.mailcow.listFilters(ADA)).toEqual([]);
    expect(await services.mailcow.getSpamScore(ADA)).toEqual({ low: 5, high: 15 });
  });

  test("changes are audited without message bodies; refusals too", async () => {
    const { services } = setup();
    const { caller, userId } = await signedUp(services);
    await caller.mailbox.forwarding.set({ to: ["bob@example.test", "carol@example.test"], keepCopy: false });
    await caller.mailbox.vacation.set({ subject: "Secret subject", message: "Secret body", until: "2026-07-20" });
    await caller.mailbox.spamLevel.set({ level: "strict" });
    await refusal(caller.mailbox.forwarding.set({ to: ["x@gmail.com"], keepCopy: true }), "BAD_REQUEST");
    await caller.mailbox.vacation.disable();
    await caller.mailbox.forwarding.disable();
    const entries = services.audit.list({ targetUserId: userId, action: "mailbox." }).reverse();
    expect(entries.map((e) => [e.action, e.result])).toEqual([
      ["mailbox.forwarding.set", "ok"],
      ["mailbox.vacation.set", "ok"],
      ["mailbox.spamLevel.set", "ok"],
      ["mailbox.forwarding.set", "refused"],
      ["mailbox.vacation.disable", "ok"],
      ["mailbox.forwarding.disable", "ok"],
    ]);
    expect(entries[0]).toMatchObject({ actorId: userId, actorName: "ada", target: ADA, detail: { targets: 2, keepCopy: false, replaceForeign: false } });
    expect(entries[1]!.detail).toEqual({ from: null, until: "2026-07-20", replaceForeign: false });
    expect(entries[2]!.detail).toEqual({ level: "strict" });
    expect(entries[3]!.detail).toMatchObject({ problem: "forwarding.externalDenied" });
    expect(JSON.stringify(entries)).not.toMatch(/Secret|bob@|carol@/);
  });

  test("changes are rate-limited per user", async () => {
    const { services } = setup({ USER_ACTION_RATE_LIMIT_POINTS: "2" });
    const { caller } = await signedUp(services);
    await caller.mailbox.spamLevel.set({ level: "strict" });
    await caller.mailbox.spamLevel.set({ level: "relaxed" });
    await refusal(caller.mailbox.spamLevel.set({ level: "default" }), "TOO_MANY_REQUESTS");
    // Reads have their own, larger budget.
    expect(await caller.mailbox.spamLevel.get()).toMatchObject({ level: "relaxed" });
  });
});

describe("Mailcow's refusals in words", () => {
  test("sieve_error, the empty answer to a too large script and refused thresholds become the user's words; the rest is 'unavailable'", () => {
    const rejected = (messageKey: string) => new MailcowError("rejected", `Mailcow refused: ${messageKey}`, { operation: "addFilter", status: 200, messageKey });
    expect(mailSettingsProblem(rejected("sieve_error"))).toEqual({ kind: "field", field: "_form", code: "mailSettings.scriptRefused" });
    expect(mailSettingsProblem(new MailcowError("bad_response", "empty", { operation: "addFilter", status: 200, reason: "empty_answer" }))).toEqual({
      kind: "field",
      field: "_form",
      code: "mailSettings.scriptTooLong",
    });
    expect(mailSettingsProblem(rejected("spam_score_invalid"))).toMatchObject({ code: "mailSettings.spamRefused" });
    expect(mailSettingsProblem(rejected("access_denied"))).toMatchObject({ kind: "mailcow_unavailable" });
    expect(mailSettingsProblem(new Error("boom"))).toMatchObject({ kind: "unexpected" });
    for (const code of ["mailSettings.scriptRefused", "mailSettings.scriptTooLong", "mailSettings.foreignFilter"] as const) {
      expect(MAIL_SETTINGS_MESSAGES[code].ru).toMatch(/[а-я]/);
      expect(MAIL_SETTINGS_MESSAGES[code].en).not.toMatch(/sieve_error|[а-я]/);
    }
  });
});
