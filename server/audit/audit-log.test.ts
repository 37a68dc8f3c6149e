import { describe, expect, it } from "vitest";
import { openDatabase } from "../db/open-database";
import { createAuditLog } from "./audit-log";

function fresh() {
  let clock = Date.UTC(2026, 11, 1);
  const db = openDatabase(":memory:");
  const audit = createAuditLog(db, () => clock);
  return { db, audit, tick: (ms: number) => (clock += ms) };
}

describe("audit log", () => {
  it("records entries and lists them newest first with filters and an id cursor", () => {
    const { audit, tick } = fresh();
    audit.record({ actorId: null, actorName: "cli", action: "admin.grant", target: "ada", result: "ok" });
    tick(1000);
    audit.record({ actorId: "u1", actorName: "ada", action: "admin.mailboxes.disable", targetUserId: "u2", result: "ok", ip: "10.0.0.1" });
    tick(1000);
    audit.record({ actorId: "u2", actorName: "bob", action: "mailbox.forwarding.set", targetUserId: "u2", result: "refused", detail: { reason: "external" } });

    const all = audit.list();
    expect(all.map((e) => e.action)).toEqual(["mailbox.forwarding.set", "admin.mailboxes.disable", "admin.grant"]);
    expect(all[0]!.detail).toEqual({ reason: "external" });
    expect(audit.list({ action: "admin." }).map((e) => e.action)).toEqual(["admin.mailboxes.disable", "admin.grant"]);
    expect(audit.list({ action: "admin" })).toEqual([]);
    expect(audit.list({ targetUserId: "u2" })).toHaveLength(2);
    expect(audit.list({ result: "refused" })).toHaveLength(1);
    const firstPage = audit.list({ limit: 2 });
    expect(audit.list({ before: firstPage[1]!.id }).map((e) => e.action)).toEqual(["admin.grant"]);
  });

  it("prunes entries older than the retention", () => {
    const { audit, tick } = fresh();
    audit.record({ actorId: null, actorName: "system", action: "reconcile.run", result: "ok" });
    tick(10 * 86_400_000);
    audit.record({ actorId: null, actorName: "system", action: "reconcile.run", result: "ok" });
    expect(audit.prune(5)).toBe(1);
    expect(audit.list()).toHaveLength(1);
  });
});
