import { TRPCError } from "@trpc/server";
import { describe, expect, test } from "vitest";
import { adminCore } from "../../admin/core";
import { buildApp } from "../../http/app";
import { manualClock } from "../../test/clock";
import { createTestClient, createTestServices as createServicesWith, STRONG_PASSWORD } from "../../test/create-test-context";
import { useMailcowEmulator } from "../../test/use-mailcow-emulator";
import type { Services } from "../../services";

const mailcow = useMailcowEmulator();
const createTestServices = (overrides: Parameters<typeof createServicesWith>[0] = {}, now?: () => number) =>
  createServicesWith(overrides, { mailcow: mailcow.config, ...(now ? { now } : {}) });

async function caught(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

/** A signed-up person (with an active mailbox in the emulator) and their browser. */
async function signUp(services: Services, username: string, extra: { invitation?: string } = {}) {
  const client = createTestClient(services);
  const user = await (await client.caller()).auth.register({ username, password: STRONG_PASSWORD, ...extra });
  return { client, user };
}

async function adminOf(services: Services, username = "chief") {
  const { client, user } = await signUp(services, username);
  services.accounts.setRole(username, "admin");
  return { caller: await client.caller(), user, client };
}

async function finished(services: Services, caller: Awaited<ReturnType<typeof adminOf>>["caller"], jobId: string) {
  await adminCore(services).jobs.settled(jobId);
  return caller.admin.jobs.status({ id: jobId });
}

describe("access", () => {
  test("every admin procedure: anonymous UNAUTHORIZED, non-admin FORBIDDEN", async () => {
    const services = createTestServices();
    const anonymous = await createTestClient(services).caller();
    const { client } = await signUp(services, "plain.user");
    const user = await client.caller();
    const target = { userIds: ["x"] };
    const calls = (c: typeof user) => [
      () => c.admin.mailboxes.list({}),
      () => c.admin.mailboxes.get({ userId: "x" }),
      () => c.admin.mailboxes.preview({ action: { type: "signOut" }, target }),
      () => c.admin.mailboxes.perform({ action: { type: "signOut" }, target }),
      () => c.admin.invitations.create({}),
      () => c.admin.invitations.list({}),
      () => c.admin.invitations.revoke({ ids: ["x"] }),
      () => c.admin.audit.list({}),
      () => c.admin.jobs.status({ id: "x" }),
    ];
    for (const call of calls(anonymous)) expect((await caught(call())).code).toBe("UNAUTHORIZED");
    for (const call of calls(user)) expect((await caught(call())).code).toBe("FORBIDDEN");
  });

  test("admin procedures are rate-limited per admin", async () => {
    const services = createTestServices({ ADMIN_RATE_LIMIT_PER_MINUTE: "3" });
    const { caller } = await adminOf(services);
    for (let i = 0; i < 3; i++) await caller.admin.invitations.list({});
    const error = await caught(caller.admin.mailboxes.list({}));
    expect(error.code).toBe("TOO_MANY_REQUESTS");
  });
});

describe("registration modes and invitations", () => {
  test("defaults: open outside production, invite in production", async () => {
    const { parseEnv } = await import("../../env");
    const dev = parseEnv({ NODE_ENV: "development" });
    expect(dev.ok && dev.config.REGISTRATION_MODE).toBe("open");
    const prod = parseEnv({
      NODE_ENV: "production", MAILCOW_API_URL: "https://m.test/api/v1", MAILCOW_API_KEY: "k", MAILCOW_DOMAIN: "m.test",
      APP_ORIGIN: "https://p.test", MAILBOX_SECRET_KEY: Buffer.alloc(32, 1).toString("base64"),
    });
    expect(prod.ok && prod.config.REGISTRATION_MODE).toBe("invite");
    expect(parseEnv({ REGISTRATION_MODE: "sometimes" }).ok).toBe(false);
  });

  test("closed refuses sign-up; the page learns the mode", async () => {
    const services = createTestServices({ REGISTRATION_MODE: "closed" });
    const anonymous = await createTestClient(services).caller();
    expect(await anonymous.auth.signupInfo()).toMatchObject({ mode: "closed", invitation: null });
    const error = await caught(anonymous.auth.register({ username: "ada", password: STRONG_PASSWORD }));
    expect(error).toMatchObject({ code: "FORBIDDEN", message: "registration.closed" });
    expect(services.accounts.findByUsername("ada")).toBeNull();
  });

  test("invite: a valid invitation works once, with its preset username; expired and revoked ones do not", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const services = createTestServices({ REGISTRATION_MODE: "invite", INVITATION_TTL_DAYS: "14", APP_ORIGIN: "https://p.test" }, clock);
    // The first admin is granted from the CLI in real life; here directly.
    services.accounts.insert({ username: "root", displayName: null, passwordHash: "x" });
    services.accounts.setRole("root", "admin");
    const invitations = adminCore(services).invitations;

    const anonymous = await createTestClient(services).caller();
    expect((await caught(anonymous.auth.register({ username: "ada", password: STRONG_PASSWORD }))).code).toBe("FORBIDDEN");

    const { invitations: [forAda] } = invitations.create({ username: "ada" }, null);
    expect(forAda!.link).toBe(`https://p.test/register?invitation=${forAda!.token}`);
    expect(Buffer.from(forAda!.token, "base64url").length).toBeGreaterThanOrEqual(16);
    // Only the hash is stored.
    expect(JSON.stringify(services.db.prepare("SELECT * FROM invitation").all())).not.toContain(forAda!.token);
    expect(await anonymous.auth.signupInfo({ invitation: forAda!.token })).toMatchObject({ mode: "invite", invitation: { valid: true, username: "ada" } });

    const wrongName = await caught(anonymous.auth.register({ username: "eve", password: STRONG_PASSWORD, invitation: forAda!.token }));
    expect(wrongName).toMatchObject({ code: "BAD_REQUEST", message: "invitation.usernameFixed" });
    const { user } = await signUp(services, "ada", { invitation: forAda!.token });
    expect(user.mailbox.state).toBe("active");
    const again = await caught(anonymous.auth.register({ username: "ada2", password: STRONG_PASSWORD, invitation: forAda!.token }));
    expect(again.message).toBe("invitation.used");

    const { invitations: [blank] } = invitations.create({}, null);
    clock.advance(15 * 86_400_000);
    expect((await caught(anonymous.auth.register({ username: "bob", password: STRONG_PASSWORD, invitation: blank!.token }))).message).toBe("invitation.expired");
    expect(await anonymous.auth.signupInfo({ invitation: blank!.token })).toMatchObject({ invitation: { valid: false, problem: "invitation.expired" } });

    const { invitations: [revoked] } = invitations.create({}, null);
    invitations.revoke([revoked!.id]);
    expect((await caught(anonymous.auth.register({ username: "bob", password: STRONG_PASSWORD, invitation: revoked!.token }))).message).toBe("invitation.revoked");
    expect((await caught(anonymous.auth.register({ username: "bob", password: STRONG_PASSWORD, invitation: "A".repeat(43) }))).message).toBe("invitation.invalid");
  });

  test("two sign-ups racing with one invitation: exactly one account", async () => {
    const services = createTestServices({ REGISTRATION_MODE: "invite" });
    const { invitations: [one] } = adminCore(services).invitations.create({ count: 1 }, null);
    const results = await Promise.allSettled(["cat", "dog"].map((username) => signUp(services, username, { invitation: one!.token })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect([services.accounts.findByUsername("cat"), services.accounts.findByUsername("dog")].filter(Boolean)).toHaveLength(1);
  });

  test("admin.invitations.create (single, count, usernames), list and revoke, audited", async () => {
    const services = createTestServices();
    const { caller, user } = await adminOf(services);
    const single = await caller.admin.invitations.create({ username: "new.one", note: "HR" });
    expect(single.invitations).toHaveLength(1);
    const many = await caller.admin.invitations.create({ count: 3 });
    expect(many.invitations.map((i) => i.username)).toEqual([null, null, null]);
    const named = await caller.admin.invitations.create({ usernames: ["anna", "boris", "anna", "chief", "new.one"] });
    expect(named.invitations.map((i) => i.username)).toEqual(["anna", "boris"]);
    expect(named.refused).toEqual([
      { username: "anna", code: "invitation.duplicate" },
      { username: "chief", code: "username.taken" },
      { username: "new.one", code: "invitation.alreadyInvited" },
    ]);
    expect((await caught(caller.admin.invitations.create({ usernames: ["postmaster"] }))).code).toBe("BAD_REQUEST");

    const page = await caller.admin.invitations.list({ limit: 4 });
    expect(page.items).toHaveLength(4);
    expect(page.nextCursor).not.toBeNull();
    const rest = await caller.admin.invitations.list({ limit: 4, cursor: page.nextCursor! });
    expect(rest.items).toHaveLength(2);
    expect(new Set([...page.items, ...rest.items].map((i) => i.id)).size).toBe(6);

    const revoked = await caller.admin.invitations.revoke({ ids: [single.invitations[0]!.id, "nope"] });
    expect(revoked).toEqual({ revoked: 1, notRevocable: ["nope"] });
    expect((await caller.admin.invitations.list({ status: "revoked" })).items.map((i) => i.username)).toEqual(["new.one"]);
    const audit = services.audit.list({ actorId: user.id, action: "admin.invitations." });
    expect(audit.map((e) => e.action).sort()).toEqual(["admin.invitations.create", "admin.invitations.create", "admin.invitations.create", "admin.invitations.revoke"]);
  });
});

describe("admin.mailboxes.list and get", () => {
  test("pages, searches, filters, sorts, counts per state", async () => {
    const services = createTestServices();
    const { caller } = await adminOf(services);
    for (const name of ["carol", "dave", "erin"]) await signUp(services, name);
    services.accounts.insert({ username: "frank.nobox", displayName: "Frank Ocean", passwordHash: "x" });

    const all = await caller.admin.mailboxes.list({ limit: 2 });
    expect(all.total).toBe(5);
    expect(all.items.map((r) => r.username)).toEqual(["carol", "chief"]);
    expect(all.nextOffset).toBe(2);
    expect(all.counts).toMatchObject({ active: 4, none: 1, all: 5 });
    expect((await caller.admin.mailboxes.list({ offset: 4 })).nextOffset).toBeNull();

    expect((await caller.admin.mailboxes.list({ filter: { search: "ocean" } })).items.map((r) => r.username)).toEqual(["frank.nobox"]);
    expect((await caller.admin.mailboxes.list({ filter: { search: "dave@" } })).items.map((r) => r.username)).toEqual(["dave"]);
    expect((await caller.admin.mailboxes.list({ filter: { states: ["none"] } })).items.map((r) => r.state)).toEqual(["none"]);
    expect((await caller.admin.mailboxes.list({ filter: { admin: true } })).items.map((r) => r.username)).toEqual(["chief"]);
    const desc = await caller.admin.mailboxes.list({ sort: { field: "username", dir: "desc" } });
    expect(desc.items[0]!.username).toBe("frank.nobox");
    // Search text is data, not a pattern.
    expect((await caller.admin.mailboxes.list({ filter: { search: "%" } })).total).toBe(0);
  });

  test("a person's page: account, state history, live figures (also feeding the quota filter), sessions, audit", async () => {
    const services = createTestServices();
    const { caller } = await adminOf(services);
    const { user } = await signUp(services, "gina");
    mailcow.emulator.setMailboxUsage("gina@example.test", { bytes: 900 * 1_048_576, messages: 12 });
    const person = await caller.admin.mailboxes.get({ userId: user.id });
    expect(person.account).toMatchObject({ username: "gina", admin: false });
    expect(person.mailbox).toMatchObject({ state: "active", address: "gina@example.test" });
    expect(person.history.map((h) => [h.from, h.to]).reverse()).toEqual([
      [null, "provisioning"],
      ["provisioning", "active"],
    ]);
    expect(person.live).toMatchObject({ status: "ok", messages: 12, quotaUsedBytes: 900 * 1_048_576, active: 1 });
    expect(person.sessions).toHaveLength(1);
    const quotaFiltered = await caller.admin.mailboxes.list({ filter: { quotaAbovePercent: 80 } });
    expect(quotaFiltered.items.map((r) => r.username)).toEqual(["gina"]);
    expect((await caught(caller.admin.mailboxes.get({ userId: "nobody" }))).code).toBe("NOT_FOUND");
  });
});

describe("actions: preview and perform against the emulator", () => {
  test("disable / enable only owned mailboxes; preview says who is skipped and why; each item audited", async () => {
    const services = createTestServices();
    const { caller, user: me } = await adminOf(services);
    const { user: hana } = await signUp(services, "hana");
    const nobox = services.accounts.insert({ username: "ivan", displayName: null, passwordHash: "x" });
    const target = { userIds: [hana.id, nobox.id, "ghost"] };

    const preview = await caller.admin.mailboxes.preview({ action: { type: "disable" }, target });
    expect(preview).toMatchObject({ total: 3, will: 1, skipped: 2, skippedBy: { no_mailbox: 1, no_account: 1 }, blocked: null });
    expect(mailcow.emulator.mailbox("hana@example.test")?.active).toBe(1);

    const { jobId } = await caller.admin.mailboxes.perform({ action: { type: "disable" }, target });
    const status = await finished(services, caller, jobId);
    expect(status).toMatchObject({ state: "done", total: 3, ok: 1, skipped: 2, failed: 0 });
    expect(mailcow.emulator.mailbox("hana@example.test")?.active).toBe(0);
    const again = await finished(services, caller, (await caller.admin.mailboxes.perform({ action: { type: "disable" }, target: { userIds: [hana.id] } })).jobId);
    expect(again.items[0]).toMatchObject({ result: "skipped", code: "already" });
    await finished(services, caller, (await caller.admin.mailboxes.perform({ action: { type: "enable" }, target: { userIds: [hana.id] } })).jobId);
    expect(mailcow.emulator.mailbox("hana@example.test")?.active).toBe(1);

    const entries = services.audit.list({ actorId: me.id, targetUserId: hana.id });
    expect(entries.map((e) => [e.action, e.result])).toEqual([
      ["admin.mailboxes.enable", "ok"],
      ["admin.mailboxes.disable", "refused"],
      ["admin.mailboxes.disable", "ok"],
    ]);
    expect(entries[0]).toMatchObject({ actorName: "chief", ip: "127.0.0.1" });
  });

  test("setQuota: within the domain's limits it changes; above them Mailcow's limit is shown, nothing changes", async () => {
    const services = createTestServices();
    const { caller } = await adminOf(services);
    const { user } = await signUp(services, "jana");
    const blocked = await caught(caller.admin.mailboxes.perform({ action: { type: "setQuota", quotaMiB: 20_000 }, target: { userIds: [user.id] } }));
    expect(blocked.code).toBe("PRECONDITION_FAILED");
    expect(blocked.message).toBe("quota.aboveMailboxMax");
    const preview = await caller.admin.mailboxes.preview({ action: { type: "setQuota", quotaMiB: 20_000 }, target: { userIds: [user.id] } });
    expect(preview.blocked).toEqual({ code: "quota.aboveMailboxMax", params: { maxMiB: 10_240 } });
    const status = await finished(services, caller, (await caller.admin.mailboxes.perform({ action: { type: "setQuota", quotaMiB: 2048 }, target: { userIds: [user.id] } })).jobId);
    expect(status.ok).toBe(1);
    expect(mailcow.emulator.mailbox("jana@example.test")?.quota).toBe(2048 * 1_048_576);
  });

  test("resetMailboxPassword: a temporary password shown once, force_pw_update set", async () => {
    const services = createTestServices();
    const { caller } = await adminOf(services);
    const { user } = await signUp(services, "kira");
    const { jobId } = await caller.admin.mailboxes.perform({ action: { type: "resetMailboxPassword" }, target: { userIds: [user.id] } });
    const status = await finished(services, caller, jobId);
    const secret = status.secrets[0]!.temporaryPassword!;
    expect(secret).toMatch(/^.{20}$/);
    expect(mailcow.emulator.checkPassword("kira@example.test", secret)).toBe(true);
    expect(mailcow.emulator.mailbox("kira@example.test")?.attributes.force_pw_update).toBe("1");
    const later = await caller.admin.jobs.status({ id: jobId });
    expect(later).toMatchObject({ secrets: [], secretsDelivered: true });
    expect(JSON.stringify(services.audit.list({}))).not.toContain(secret);
  });

  test("signOut ends every session; resetPlatformPassword gives a one-time link; an admin does not sign out or delete themselves", async () => {
    const services = createTestServices({ APP_ORIGIN: "https://p.test" });
    const { caller, user: me } = await adminOf(services);
    const { user, client } = await signUp(services, "lena");
    await finished(services, caller, (await caller.admin.mailboxes.perform({ action: { type: "signOut" }, target: { userIds: [user.id, me.id] } })).jobId);
    expect(await (await client.caller()).auth.me()).toBeNull();
    expect(await caller.auth.me()).not.toBeNull();

    const status = await finished(services, caller, (await caller.admin.mailboxes.perform({ action: { type: "resetPlatformPassword" }, target: { userIds: [user.id] } })).jobId);
    const link = status.secrets[0]!.resetLink!;
    expect(link).toMatch(/^https:\/\/p\.test\/reset\/[A-Za-z0-9_-]{43}$/);
    const token = link.split("/").at(-1)!;
    const anonymous = await createTestClient(services).caller();
    expect(await anonymous.auth.passwordReset.check({ token })).toEqual({ valid: true, username: "lena" });
    await anonymous.auth.passwordReset.complete({ token, newPassword: "a-brand-new-passphrase" });
    expect((await caught(anonymous.auth.passwordReset.complete({ token, newPassword: "another-new-passphrase" }))).message).toBe("reset.invalid");
    await anonymous.auth.login({ login: "lena", password: "a-brand-new-passphrase" });

    const preview = await caller.admin.mailboxes.preview({ action: { type: "delete" }, target: { userIds: [me.id, user.id] } });
    expect(preview).toMatchObject({ will: 1, skippedBy: { self: 1 } });
  });

  test("delete: the existing deletion with its grace period", async () => {
    const services = createTestServices();
    const { caller } = await adminOf(services);
    const { user } = await signUp(services, "mila");
    await finished(services, caller, (await caller.admin.mailboxes.perform({ action: { type: "delete" }, target: { filter: { search: "mila" } } })).jobId);
    expect(services.accounts.findById(user.id)?.deleted_at).not.toBeNull();
    expect(services.provisioner.store.get(user.id)).toMatchObject({ state: "deleting", reason: "account_deleted" });
    expect(mailcow.emulator.mailbox("mila@example.test")?.active).toBe(0);
  });

  test("a conflict is never adopted: retry skips it, rename provisions a new mailbox, leave records a note", async () => {
    const services = createTestServices();
    const { caller } = await adminOf(services);
    // An account from before provisioning, whose address is somebody else's mailbox in Mailcow.
    mailcow.emulator.seedMailbox({ localPart: "nora", password: "someone-elses-password" });
    const nora = services.accounts.insert({ username: "nora", displayName: null, passwordHash: "x" });
    const first = await finished(services, caller, (await caller.admin.mailboxes.perform({ action: { type: "retry" }, target: { userIds: [nora.id] } })).jobId);
    expect(first.items[0]).toMatchObject({ result: "ok", code: "state.conflict" });
    expect(services.provisioner.store.get(nora.id)).toMatchObject({ state: "conflict", reason: "address_taken" });

    expect((await caller.admin.mailboxes.preview({ action: { type: "retry" }, target: { userIds: [nora.id] } })).skippedBy).toEqual({ conflict: 1 });
    expect((await caller.admin.mailboxes.preview({ action: { type: "disable" }, target: { userIds: [nora.id] } })).skippedBy).toEqual({ not_active: 1 });

    await finished(services, caller, (await caller.admin.mailboxes.perform({ action: { type: "resolveConflict", resolution: "leave", note: "asked IT" }, target: { userIds: [nora.id] } })).jobId);
    expect((await caller.admin.mailboxes.get({ userId: nora.id })).mailbox).toMatchObject({ state: "conflict", note: "asked IT" });

    const taken = await caught(caller.admin.mailboxes.perform({ action: { type: "resolveConflict", resolution: "rename", newUsername: "chief" }, target: { userIds: [nora.id] } }));
    expect(taken.message).toBe("username.taken");
    const renamed = await finished(services, caller, (await caller.admin.mailboxes.perform({ action: { type: "resolveConflict", resolution: "rename", newUsername: "nora.k" }, target: { userIds: [nora.id] } })).jobId);
    expect(renamed.items[0]).toMatchObject({ result: "ok", code: "state.active", username: "nora.k" });
    expect(services.accounts.findById(nora.id)?.username).toBe("nora.k");
    expect(mailcow.emulator.mailbox("nora.k@example.test")?.tags).toContain(`platform-mail-user-${nora.id}`);
    // The other mailbox is untouched: no platform tag, its own password.
    const foreign = mailcow.emulator.mailbox("nora@example.test")!;
    expect(foreign.tags.join(",")).not.toContain("platform-mail");
    expect(mailcow.emulator.checkPassword("nora@example.test", "someone-elses-password")).toBe(true);
    const history = (await caller.admin.mailboxes.get({ userId: nora.id })).history.map((h) => h.to).reverse();
    expect(history).toEqual(["provisioning", "conflict", "provisioning", "active"]);
  });
});

describe("admin.audit.list and the CSV export", () => {
  test("filters by actor, target, action prefix, result and dates; pages by cursor", async () => {
    const services = createTestServices();
    const { caller, user: me } = await adminOf(services);
    services.audit.record({ actorId: null, actorName: "cli", action: "admin.role.grant", target: "x", result: "ok" });
    await caller.admin.invitations.create({ count: 1 });
    await caller.admin.invitations.revoke({ ids: ["nope"] });
    const mine = await caller.admin.audit.list({ actor: "chief" });
    expect(mine.items.map((e) => e.action)).toEqual(["admin.invitations.revoke", "admin.invitations.create"]);
    expect((await caller.admin.audit.list({ actor: "cli" })).items.map((e) => e.action)).toEqual(["admin.role.grant"]);
    expect((await caller.admin.audit.list({ result: "refused" })).items.map((e) => e.action)).toEqual(["admin.invitations.revoke"]);
    expect((await caller.admin.audit.list({ action: "admin.invitations." })).items).toHaveLength(2);
    expect((await caller.admin.audit.list({ target: "x" })).items).toHaveLength(1);
    expect((await caller.admin.audit.list({ to: "2000-01-01T00:00:00Z" })).items).toHaveLength(0);
    const first = await caller.admin.audit.list({ limit: 1 });
    const second = await caller.admin.audit.list({ limit: 1, cursor: first.nextCursor! });
    expect(second.items[0]!.id).toBeLessThan(first.items[0]!.id);
    expect(me.id).toBeTruthy();
  });

  test("GET /admin/audit.csv: admins only, same filters, CSV via papaparse", async () => {
    const services = createTestServices();
    const app = await buildApp(services);
    try {
      const { client } = await adminOf(services);
      const cookie = `pm_session=${client.cookies.get("pm_session")!.value}`;
      services.audit.record({ actorId: null, actorName: "cli", action: "admin.role.grant", target: "=cmd()", result: "ok", detail: { a: "b,c" } });
      const res = await app.inject({ url: "/admin/audit.csv?actor=cli", headers: { cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toContain("text/csv");
      const lines = res.body.replace(/^\uFEFF/, "").trim().split(/\r\n/);
      expect(lines[0]).toBe("id,at,actor,actorId,action,targetUserId,target,result,ip,detail");
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(`"'=cmd()"`);
      expect((await app.inject({ url: "/admin/audit.csv" })).statusCode).toBe(401);
      const { client: other } = await signUp(services, "olga");
      expect((await app.inject({ url: "/admin/audit.csv", headers: { cookie: `pm_session=${other.cookies.get("pm_session")!.value}` } })).statusCode).toBe(403);
      expect(services.audit.list({ action: "admin.audit.export" })).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  test("retention deletes entries older than AUDIT_RETENTION_DAYS", async () => {
    const clock = manualClock(Date.UTC(2026, 0, 1));
    const services = createTestServices({ AUDIT_RETENTION_DAYS: "30" }, clock);
    services.audit.record({ actorId: null, actorName: "cli", action: "old", result: "ok" });
    clock.advance(31 * 86_400_000);
    services.audit.record({ actorId: null, actorName: "cli", action: "new", result: "ok" });
    const { startAuditRetention } = await import("../../admin/core");
    startAuditRetention(services).stop();
    expect(services.audit.list({}).map((e) => e.action)).toEqual(["new"]);
  });
});
