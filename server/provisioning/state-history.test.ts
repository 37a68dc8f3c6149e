import { expect, test } from "vitest";
import { manualClock } from "../test/clock";
import { createTestServices } from "../test/create-test-context";

interface HistoryRow {
  from_state: string | null;
  to_state: string;
  reason: string | null;
  at: number;
}

test("every mailbox state transition is in the history, whichever statement made it", () => {
  const clock = manualClock(Date.UTC(2026, 5, 1));
  const services = createTestServices({}, { now: clock });
  const store = services.provisioner.store;
  const history = (userId: string) =>
    services.db.prepare<[string], HistoryRow>("SELECT from_state, to_state, reason, at FROM mailbox_state_history WHERE user_id = ? ORDER BY id").all(userId);
  const account = services.accounts.insert({ username: "hist", displayName: null, passwordHash: "x" });

  services.provisioner.enqueueSignup(account.id, "hist@example.test", "a-long-enough-password");
  clock.advance(1000);
  expect(store.claim(account.id, "w1", clock(), 60_000)).toBe(true);
  store.finish(account.id, "w1", "provisioning", { state: "active", reason: null, keepPassword: false, nextAttemptAt: null, attempts: 1 }, clock());
  // A write that changes nothing but the attempt count is not a transition.
  services.db.prepare("UPDATE mailbox SET attempts = 2 WHERE user_id = ?").run(account.id);
  clock.advance(1000);
  expect(store.markRemoved(account.id, clock())).toBe(true);
  clock.advance(1000);
  store.startDeletion(account.id, "hist@example.test", clock(), clock() + 1000);

  const start = Date.UTC(2026, 5, 1);
  expect(history(account.id)).toEqual([
    { from_state: null, to_state: "provisioning", reason: "creating", at: start },
    { from_state: "provisioning", to_state: "active", reason: null, at: start + 1000 },
    { from_state: "active", to_state: "conflict", reason: "removed_in_mailcow", at: start + 2000 },
    { from_state: "conflict", to_state: "deleting", reason: "account_deleted", at: start + 3000 },
  ]);
});
