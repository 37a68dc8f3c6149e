// Reconcile through createCaller against the Mailcow emulator over real HTTP: each drift kind made in Mailcow behind
// the platform's back is reported with its fixes, the safe ones are applied, one Mailcow listing per run.
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { createInnerContext } from "../context";
import { createMailcowClient, isOwnedBy, ownerTag, PLATFORM_TAG } from "../mailcow";
import { getMeta, RECONCILE_DUE, setMeta } from "../ops/meta";
import { appRouter } from "../routers/_app";
import { createTestServices } from "../test/create-test-context";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import { createCallerFactory } from "../trpc";

const mailcow = useMailcowEmulator();
const createCaller = createCallerFactory(appRouter);
const D = "example.test";

/** Services with `names` imported directly (accounts + active mailboxes through the worker) and an admin caller. */
async function setup(names: string[], env: Record<string, string> = {}) {
  const services = createTestServices({ USER_ACTION_RATE_LIMIT_POINTS: "1000", ...env }, { mailcow: mailcow.config });
  const admin = services.accounts.insert({ username: "boss", displayName: null, passwordHash: "x" });
  services.accounts.setRole("boss", "admin");
  const session = { id: "s", userId: admin.id, expiresAt: new Date(Date.now() + 3_600_000), fresh: false };
  const caller = createCaller(createInnerContext(services, { user: { id: admin.id, username: "boss" }, session }));
  const { id } = await services.imports.start(names.map((n) => `${n},${n}`).join("\n"), "direct", { id: admin.id, name: "boss", ip: null });
  await services.imports.settled(id);
  await services.provisioner.drain();
  const userId = (name: string) => services.accounts.findByUsername(name)!.id;
  for (const name of names) expect(services.provisioner.store.get(userId(name))?.state).toBe("active");
  return { services, caller, userId, admin };
}

async function requestsDuring<T>(work: () => Promise<T>): Promise<{ value: T; requests: number }> {
  const before = mailcow.emulator.stats().requests;
  const value = await work();
  return { value, requests: mailcow.emulator.stats().requests - before };
}

describe("admin.reconcile", () => {
  test("only admins; no report before the first run", async () => {
    const services = createTestServices({}, { mailcow: mailcow.config });
    const user = services.accounts.insert({ username: "plain", displayName: null, passwordHash: "x" });
    const session = { id: "s", userId: user.id, expiresAt: new Date(Date.now() + 60_000), fresh: false };
    const asUser = createCaller(createInnerContext(services, { user: { id: user.id, username: "plain" }, session }));
    await expect(asUser.admin.reconcile.run()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asUser.admin.reconcile.report()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asUser.admin.reconcile.fix({ items: [{ id: "x", fix: "enable" }] })).rejects.toMatchObject({ code: "FORBIDDEN" });
    services.accounts.setRole("plain", "admin");
    expect(await asUser.admin.reconcile.report()).toBeNull();
    await expect(asUser.admin.reconcile.fix({ items: [{ id: "x", fix: "enable" }] })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });

  test("detects every drift kind made behind the platform's back, with ONE Mailcow call, and fixes them", async () => {
    const { services, caller, userId, admin } = await setup(["gone", "off", "resized", "squatted", "fine"]);
    const behindTheBack = createMailcowClient({ ...mailcow.config, retryDelayMs: 1 });
    await behindTheBack.deleteMailboxes([`gone@${D}`]);
    await behindTheBack.editMailbox(`off@${D}`, { active: false });
    await behindTheBack.editMailbox(`resized@${D}`, { quotaMiB: 3000 });
    // Someone replaced squatted's mailbox with one of their own (no platform tag).
    await behindTheBack.deleteMailboxes([`squatted@${D}`]);
    mailcow.emulator.seedMailbox({ localPart: "squatted", tags: ["hr"] });
    // A mailbox of ours for an account the database no longer knows (restored from an older backup).
    const ghost = randomUUID();
    mailcow.emulator.seedMailbox({ localPart: "ghost", tags: [PLATFORM_TAG, ownerTag(ghost)] });
    // Look-alikes that are NOT the platform's: a tag that merely contains ours.
    mailcow.emulator.seedMailbox({ localPart: "lookalike", tags: ["not-platform-mail", "platform-mail-users"] });

    const { value: report, requests } = await requestsDuring(() => caller.admin.reconcile.run());
    expect(requests).toBe(1);
    expect(report.error).toBeNull();
    const byId = Object.fromEntries(report.items.map((i) => [i.id, i]));
    expect(Object.keys(byId).sort()).toEqual(
      [`missing:gone@${D}`, `disabled:off@${D}`, `quota_changed:resized@${D}`, `untagged:squatted@${D}`, `orphan:ghost@${D}`].sort(),
    );
    expect(report.counts).toEqual({ missing: 1, disabled: 1, quota_changed: 1, untagged: 1, orphan: 1 });
    expect(byId[`quota_changed:resized@${D}`]).toMatchObject({ mailcowQuotaMiB: 3000, platformQuotaMiB: 1024, fixes: ["accept_quota", "restore_quota"] });
    expect(byId[`orphan:ghost@${D}`]).toMatchObject({ userId: ghost, fixes: ["remove_tags", "delete_mailbox"] });
    expect(await caller.admin.reconcile.report()).toEqual(report);

    // Deleting needs a confirmation; a fix not offered for the kind and an unknown item are refused.
    const refused = await caller.admin.reconcile.fix({
      items: [
        { id: `orphan:ghost@${D}`, fix: "delete_mailbox" },
        { id: `missing:gone@${D}`, fix: "enable" },
        { id: "missing:nobody@example.test", fix: "reprovision" },
      ],
    });
    expect(refused.results.map((r) => r.code)).toEqual(["reconcile.confirmDelete", "reconcile.fixNotOffered", "reconcile.itemNotFound"]);
    expect(mailcow.emulator.mailbox(`ghost@${D}`)).not.toBeNull();

    const fixed = await caller.admin.reconcile.fix({
      items: [
        { id: `missing:gone@${D}`, fix: "reprovision" },
        { id: `disabled:off@${D}`, fix: "enable" },
        { id: `quota_changed:resized@${D}`, fix: "restore_quota" },
        { id: `untagged:squatted@${D}`, fix: "mark_conflict" },
        { id: `orphan:ghost@${D}`, fix: "remove_tags" },
      ],
    });
    expect(fixed.results.map((r) => `${r.result}:${r.code}`)).toEqual(Array(5).fill("ok:null"));
    expect(fixed.report.items.every((i) => i.fixed?.result === "ok" && !i.fixed.auto)).toBe(true);
    const store = services.provisioner.store;
    expect(store.get(userId("gone"))).toMatchObject({ state: "needs_password", reason: "removed_in_mailcow" });
    expect(mailcow.emulator.mailbox(`off@${D}`)!.active).toBe(1);
    expect(mailcow.emulator.mailbox(`resized@${D}`)!.quotaMiB).toBe(1024);
    expect(store.get(userId("squatted"))).toMatchObject({ state: "conflict", reason: "address_taken" });
    expect(mailcow.emulator.mailbox(`squatted@${D}`)!.tags).toEqual(["hr"]); // never adopted, never touched
    expect(mailcow.emulator.mailbox(`ghost@${D}`)!.tags).toEqual([]);
    expect(mailcow.emulator.mailbox(`lookalike@${D}`)!.tags).toEqual(["not-platform-mail", "platform-mail-users"]);

    // The user of the missing mailbox creates it again with a new password; a new run finds nothing.
    const again = await caller.admin.reconcile.run();
    expect(again.items).toEqual([]);

    // Audit: every run and every fix, by the admin.
    const audit = services.audit.list({ action: "admin.reconcile.", limit: 100 });
    expect(audit.filter((e) => e.action === "admin.reconcile.run")).toHaveLength(2);
    expect(audit.filter((e) => e.action === "admin.reconcile.fix" && e.result === "ok")).toHaveLength(5);
    expect(audit.every((e) => e.actorId === admin.id)).toBe(true);
  });

  test("a fix refuses when Mailcow changed since the report; deleting an orphan needs the confirmation", async () => {
    const { caller } = await setup(["keep"]);
    const orphan = randomUUID();
    mailcow.emulator.seedMailbox({ localPart: "stray", tags: [PLATFORM_TAG, ownerTag(orphan)] });
    const behindTheBack = createMailcowClient({ ...mailcow.config, retryDelayMs: 1 });
    await behindTheBack.editMailbox(`keep@${D}`, { active: false });
    await caller.admin.reconcile.run();
    await behindTheBack.deleteMailboxes([`keep@${D}`]); // gone meanwhile: enabling must not happen
    const result = await caller.admin.reconcile.fix({
      items: [
        { id: `disabled:keep@${D}`, fix: "enable" },
        { id: `orphan:stray@${D}`, fix: "delete_mailbox", confirm: true },
      ],
    });
    expect(result.results.map((r) => `${r.result}:${r.code}`)).toEqual(["refused:reconcile.changed", "ok:null"]);
    expect(mailcow.emulator.mailbox(`stray@${D}`)).toBeNull();
  });

  test("RECONCILE_AUTO_FIX applies the safe fix of the listed kinds only; the restore mark is cleared after a run", async () => {
    const { services, userId } = await setup(["q1", "d1"], { RECONCILE_AUTO_FIX: "quota_changed,orphan" });
    const behindTheBack = createMailcowClient({ ...mailcow.config, retryDelayMs: 1 });
    await behindTheBack.editMailbox(`q1@${D}`, { quotaMiB: 2000 });
    await behindTheBack.editMailbox(`d1@${D}`, { active: false });
    const ghost = randomUUID();
    mailcow.emulator.seedMailbox({ localPart: "ghost2", tags: [PLATFORM_TAG, ownerTag(ghost)] });
    setMeta(services.db, RECONCILE_DUE, JSON.stringify({ reason: "restore" }), Date.now());

    const report = await services.reconciler.run("restore");
    const fixed = Object.fromEntries(report.items.map((i) => [i.kind, i.fixed]));
    expect(fixed.quota_changed).toMatchObject({ fix: "accept_quota", result: "ok", auto: true });
    expect(fixed.orphan).toMatchObject({ fix: "remove_tags", result: "ok", auto: true });
    expect(fixed.disabled).toBeNull();
    expect(services.provisioner.store.get(userId("q1"))!.quota_mib).toBe(2000);
    expect(mailcow.emulator.mailbox(`ghost2@${D}`)).not.toBeNull(); // never deleted automatically
    expect(mailcow.emulator.mailbox(`d1@${D}`)!.active).toBe(0);
    expect(getMeta(services.db, RECONCILE_DUE)).toBeNull();
    expect(services.audit.list({ action: "admin.reconcile.fix" }).every((e) => e.actorName === "system")).toBe(true);
    // Accepted: the next run does not report the quota again.
    expect((await services.reconciler.run("schedule")).items.map((i) => i.kind)).toEqual(["disabled"]);
  });

  test("Mailcow down: the report says so, nothing is fixed, the restore mark stays", async () => {
    const { services, userId } = await setup(["x1"]);
    setMeta(services.db, RECONCILE_DUE, "{}", Date.now());
    mailcow.emulator.fault("down");
    const report = await services.reconciler.run("schedule");
    expect(report).toMatchObject({ error: "mailcow_unreachable", items: [] });
    expect(getMeta(services.db, RECONCILE_DUE)).not.toBeNull();
    expect(isOwnedBy(mailcow.emulator.mailbox(`x1@${D}`)!, userId("x1"))).toBe(true);
  });
});
