// Bulk onboarding through createCaller against the Mailcow emulator over real HTTP: every preview reason, one look at
// Mailcow per file, a direct import that converges through the provisioning worker with one Mailcow write per person.
import { describe, expect, test } from "vitest";
import { createInnerContext } from "../context";
import { createMailcowClient, isOwnedBy } from "../mailcow";
import { appRouter } from "../routers/_app";
import { createTestClient, createTestServices } from "../test/create-test-context";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import { createCallerFactory } from "../trpc";
import type { Services } from "../services";
import { generatePassword, parseImportCsv } from "./import";

const mailcow = useMailcowEmulator();
const createCaller = createCallerFactory(appRouter);

function setup(env: Record<string, string> = {}) {
  const services = createTestServices({ USER_ACTION_RATE_LIMIT_POINTS: "1000", ...env }, { mailcow: mailcow.config });
  const admin = services.accounts.insert({ username: "boss", displayName: null, passwordHash: "x" });
  services.accounts.setRole("boss", "admin");
  const session = { id: "s", userId: admin.id, expiresAt: new Date(Date.now() + 3_600_000), fresh: false };
  const caller = createCaller(createInnerContext(services, { user: { id: admin.id, username: "boss" }, session, ip: "10.0.0.7" }));
  return { services, caller, admin };
}

/** Requests the emulator answered while `work` ran. */
async function requestsDuring<T>(work: () => Promise<T>): Promise<{ value: T; requests: number; writes: number }> {
  const before = mailcow.emulator.stats();
  const value = await work();
  const after = mailcow.emulator.stats();
  return { value, requests: after.requests - before.requests, writes: after.writes - before.writes };
}

async function finished(services: Services, caller: ReturnType<typeof createCaller>, id: string) {
  await services.imports.settled(id);
  await services.provisioner.drain();
  return caller.admin.import.status({ id });
}

describe("CSV parsing", () => {
  test("BOM, header or not, blank lines, quoted commas; too many rows or none refused", async () => {
    expect(await parseImportCsv('\uFEFFusername,displayName\r\nann,"Ann, Smith"\r\n\r\nbob,Bob\r\n')).toEqual({
      hasHeader: true,
      rows: [
        { line: 2, cells: ["ann", "Ann, Smith"] },
        { line: 3, cells: ["bob", "Bob"] },
      ],
    });
    expect((await parseImportCsv("ann,Ann,2048")).hasHeader).toBe(false);
    await expect(parseImportCsv("username,displayName\n")).rejects.toThrow("import.noRows");
    await expect(parseImportCsv(Array.from({ length: 10_001 }, (_, i) => `u${i},U`).join("\n"))).rejects.toThrow("import.tooManyRows");
    expect((await parseImportCsv(Array.from({ length: 10_000 }, (_, i) => `u${i},U`).join("\n"))).rows).toHaveLength(10_000);
  });
});

describe("one-time passwords and interrupted jobs", () => {
  test("generated passwords: 20 characters, every class, a letter first, all different", () => {
    const passwords = Array.from({ length: 200 }, generatePassword);
    for (const pw of passwords) {
      expect(pw).toMatch(/^[a-z][A-Za-z0-9\-_.!+]{19}$/);
      expect(pw).toMatch(/[A-Z]/);
      expect(pw).toMatch(/[0-9]/);
      expect(pw).toMatch(/[-_.!+]/);
    }
    expect(new Set(passwords).size).toBe(200);
  });

  test("a job cut short by a stop ends as failed at the next start; its waiting rows are not created", () => {
    const services = createTestServices({}, { mailcow: mailcow.config });
    services.db.prepare("INSERT INTO import_job (id, mode, state, actor_id, total, created_at) VALUES ('j1', 'direct', 'running', NULL, 2, 1)").run();
    services.db.prepare("INSERT INTO import_row (job_id, line, username, status) VALUES ('j1', 1, 'a1', 'created'), ('j1', 2, 'a2', 'waiting')").run();
    expect(services.imports.failInterrupted()).toBe(1);
    const status = services.imports.status("j1")!;
    expect(status).toMatchObject({ state: "failed", created: 1, failed: 1 });
    expect(status.rows[1]).toMatchObject({ status: "failed", reason: "import.interrupted" });
    expect(services.imports.failInterrupted()).toBe(0);
  });
});

describe("admin.import", () => {
  test("only admins", async () => {
    const services = createTestServices({}, { mailcow: mailcow.config });
    const client = createTestClient(services);
    const anonymous = await client.caller();
    await expect(anonymous.admin.import.preview({ csv: "ann,Ann" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const user = services.accounts.insert({ username: "plain", displayName: null, passwordHash: "x" });
    const session = { id: "s", userId: user.id, expiresAt: new Date(Date.now() + 60_000), fresh: false };
    const asUser = createCaller(createInnerContext(services, { user: { id: user.id, username: "plain" }, session }));
    await expect(asUser.admin.import.preview({ csv: "ann,Ann" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asUser.admin.import.start({ csv: "ann,Ann", mode: "direct" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asUser.admin.import.status({ id: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  test("preview gives every reason, with ONE listing of mailboxes and aliases (and one look at the room) per file", async () => {
    const { services, caller } = setup();
    services.accounts.insert({ username: "taken-one", displayName: null, passwordHash: "x" });
    mailcow.emulator.seedMailbox({ localPart: "in-mailcow", tags: [] });
    mailcow.emulator.seedAlias("an-alias@example.test", "in-mailcow@example.test");
    const csv = [
      "username,displayName,quotaMiB",
      "Fine.Person,Fine Person,2048",
      "taken-one,Taken",
      "postmaster,Reserved",
      "bad name!,Invalid",
      "fine.person,Duplicate",
      "in-mailcow,Mailbox exists",
      "an-alias,Alias exists",
      "big,Too big,999999",
      "zero,Zero,0",
      "nan,Not a number,lots",
      "evil,<script>",
      "plain,",
    ].join("\n");
    const { value: preview, requests, writes } = await requestsDuring(() => caller.admin.import.preview({ csv }));
    expect(requests).toBe(3);
    expect(writes).toBe(0);
    const kinds = Object.fromEntries(preview.rows.map((r) => [r.line, r.problems.map((p) => `${p.kind}:${p.code}`)]));
    expect(kinds).toEqual({
      2: [],
      3: ["taken:username.taken"],
      4: ["reserved:username.reserved"],
      5: ["invalid:username.chars"],
      6: ["duplicate:import.duplicate"],
      7: ["exists_in_mailcow:import.existsInMailcow"],
      8: ["exists_in_mailcow:import.existsInMailcow"],
      9: ["quota_out_of_range:import.quotaRange"],
      10: ["quota_out_of_range:import.quotaRange"],
      11: ["invalid:import.quotaNotNumber"],
      12: ["invalid:displayName.chars"],
      13: [],
    });
    expect(preview.rows[0]).toMatchObject({ username: "fine.person", displayName: "Fine Person", quotaMiB: 2048, ok: true });
    expect(preview.rows[8]!.problems[0]!.params).toEqual({ max: 10_240 });
    expect(preview.hasHeader).toBe(true);
    expect(preview.totals).toEqual({
      rows: 12,
      valid: 2,
      invalid: 10,
      byProblem: { taken: 1, reserved: 1, invalid: 3, duplicate: 1, exists_in_mailcow: 2, quota_out_of_range: 2 },
    });
    expect(preview.room).toMatchObject({ quotaNeededMiB: 2048 + 1024, fits: true, maxQuotaPerMailboxMiB: 10_240 });
    // The operator's own reserved names count as reserved too.
    const strict = setup({ RESERVED_USERNAMES: "ceo" });
    expect((await strict.caller.admin.import.preview({ csv: "c.e.o,Boss" })).rows[0]!.problems[0]!.kind).toBe("reserved");
  });

  test("a bad file is a field error on csv; Mailcow down is SERVICE_UNAVAILABLE, not a 500", async () => {
    const { caller } = setup();
    await expect(caller.admin.import.preview({ csv: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.admin.import.preview({ csv: "username,displayName\n" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "import.noRows",
    });
    mailcow.emulator.fault("down");
    await expect(caller.admin.import.preview({ csv: "ann,Ann" })).rejects.toMatchObject({ code: "SERVICE_UNAVAILABLE" });
  });

  test("direct import of 50 people converges through the worker with one Mailcow write per person", async () => {
    const { services, caller, admin } = setup();
    const csv = ["username,displayName,quotaMiB", ...Array.from({ length: 50 }, (_, i) => `person${i},Person ${i},${i === 0 ? 2048 : ""}`), "postmaster,No"].join(
      "\n",
    );
    const { value: result, writes } = await requestsDuring(async () => {
      const started = await caller.admin.import.start({ csv, mode: "direct" });
      expect(started.state).toBe("running");
      expect(started.resultCsv).toBeNull();
      return finished(services, caller, started.id);
    });
    expect(writes).toBe(50);
    expect(result).toMatchObject({ state: "done", total: 51, processed: 51, created: 50, skipped: 1, failed: 0, settled: true, secretsIncluded: true });
    expect(result.mailboxes).toEqual({ active: 50, inProgress: 0, needAttention: 0 });
    expect(result.rows.at(-1)).toMatchObject({ username: "postmaster", status: "skipped", reason: "reserved" });

    // The result CSV carries each one-time password once.
    const lines = result.resultCsv!.trim().split("\r\n");
    expect(lines[0]).toBe("line,username,address,status,reason,password");
    const first = lines[1]!.split(",");
    expect(first.slice(0, 4)).toEqual(["2", "person0", "person0@example.test", "created"]);
    const password = first[5]!;
    expect(password).toHaveLength(20);
    const again = await caller.admin.import.status({ id: result.id });
    expect(again.secretsIncluded).toBe(false);
    expect(again.resultCsv!.split("\r\n")[1]!.split(",")[5]).toBe("");

    // Mailboxes are the platform's (tagged), with the row's quota, and open with the one-time password.
    const person0 = services.accounts.findByUsername("person0")!;
    const mailbox = mailcow.emulator.mailbox("person0@example.test")!;
    expect(isOwnedBy(mailbox, person0.id)).toBe(true);
    expect(mailbox.quotaMiB).toBe(2048);
    expect(mailcow.emulator.mailbox("person1@example.test")!.quotaMiB).toBe(1024);
    expect(mailbox.passwordMatches(password)).toBe(true);

    // The person signs in with it and is asked to change it first.
    const browser = createTestClient(services, "10.1.1.1");
    const me = await (await browser.caller()).auth.login({ login: "person0", password });
    expect(me.mustChangePassword).toBe(true);
    await (await browser.caller()).auth.changePassword({ currentPassword: password, newPassword: "a-brand-new-long-secret", alsoMailbox: false });
    expect((await (await browser.caller()).auth.me())!.mustChangePassword).toBeUndefined();

    // Audit: the import and every created account; never a password.
    const entries = services.audit.list({ action: "admin.import.", limit: 1000 });
    expect(entries.filter((e) => e.action === "admin.import.start")).toEqual([
      expect.objectContaining({ actorId: admin.id, ip: "10.0.0.7", result: "ok", detail: { mode: "direct", rows: 51, valid: 50, skipped: 1 } }),
    ]);
    expect(entries.filter((e) => e.action === "admin.import.createAccount")).toHaveLength(50);
    expect(JSON.stringify(entries)).not.toContain(password);
  });

  test("invitations mode makes one link per valid row with the username pre-set; the links work once", async () => {
    const { services, caller } = setup({ REGISTRATION_MODE: "invite" });
    const { value: result, writes } = await requestsDuring(async () => {
      const started = await caller.admin.import.start({ csv: "username,displayName\ninv-ann,Ann\ninv-bob,Bob\nroot,No", mode: "invitations" });
      await services.imports.settled(started.id);
      return caller.admin.import.status({ id: started.id });
    });
    expect(writes).toBe(0);
    expect(result).toMatchObject({ mode: "invitations", state: "done", created: 2, skipped: 1, secretsIncluded: true });
    const lines = result.resultCsv!.trim().split("\r\n");
    expect(lines[0]).toBe("line,username,address,status,reason,invitationLink");
    const links = lines.slice(1, 3).map((l) => l.split(",")[5]!);
    expect(links.every((l) => /\/register\?invitation=[A-Za-z0-9_-]{22,}$/.test(l))).toBe(true);
    expect(result.rows.slice(0, 2).every((r) => r.invitationId !== null && r.userId === null)).toBe(true);
    const token = (link: string) => new URL(link, "http://x").searchParams.get("invitation")!;

    const ann = await createTestClient(services, "10.2.0.1").caller();
    const registered = await ann.auth.register({ username: "inv-ann", password: "correct-horse-battery-staple", invitation: token(links[0]!) });
    expect(registered.username).toBe("inv-ann");
    // The pre-set name is the invitation's: another name with Bob's link is refused, and a used link is refused.
    const bob = await createTestClient(services, "10.2.0.2").caller();
    await expect(bob.auth.register({ username: "someone-else", password: "correct-horse-battery-staple", invitation: token(links[1]!) })).rejects.toThrow();
    await expect(bob.auth.register({ username: "inv-ann2", password: "correct-horse-battery-staple", invitation: token(links[0]!) })).rejects.toThrow();
    expect(services.audit.list({ action: "admin.import.createInvitation" })).toHaveLength(2);
  });

  test("an unknown import is NOT_FOUND; a name taken between preview and start fails only its row", async () => {
    const { services, caller } = setup();
    await expect(caller.admin.import.status({ id: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const started = await caller.admin.import.start({ csv: "late1,Late\nlate2,Late", mode: "direct" });
    const result = await finished(services, caller, started.id);
    expect(result.created).toBe(2);
    // Mailcow was asked by the worker before each add: a mailbox made meanwhile is never taken over.
    const client = createMailcowClient(mailcow.config);
    expect((await client.listDomainMailboxes("example.test")).map((m) => m.username).sort()).toEqual(["late1@example.test", "late2@example.test"]);
  });
});
