// A restarted server takes over the jobs of a worker that died on this host at once, instead of waiting for the
// lease to expire (60 s or more); leases of live workers and of other hosts are left alone.
// The crash test (e2e/crash.test.ts, npm run bench:crash) does this with real SIGKILLs.
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test, vi } from "vitest";
import { isZombie, ownerIsGone, processIsRunning } from "../provisioning/leases";
import { createTestClient, createTestServices, STRONG_PASSWORD } from "../test/create-test-context";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";

const mailcow = useMailcowEmulator({ timeoutMs: 10_000 });

/** The pid of a process that has just exited. */
const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!;
const owner = (host: string, pid: number) => `worker:${host}:${pid}:${randomUUID()}`;

describe("ownerIsGone", () => {
  test("only a worker of this host whose process is gone", () => {
    expect(ownerIsGone(owner(hostname(), deadPid()))).toBe(true);
    expect(ownerIsGone(owner(hostname(), process.ppid))).toBe(false);
    expect(ownerIsGone(owner("another-host", deadPid()))).toBe(false);
    expect(ownerIsGone(`worker-${randomUUID()}`)).toBe(false); // the format before owners named their process
    // Our pid under an owner this process never created: an earlier process that had the same pid (containers).
    expect(ownerIsGone(owner(hostname(), process.pid))).toBe(true);
    expect(ownerIsGone(owner(hostname(), 4242), (pid) => pid !== 4242)).toBe(true);
  });

  test.runIf(process.platform === "linux")("a zombie (exited, not yet reaped by its parent) counts as gone", async () => {
    // A child that exits while this process does not reap it: Node reaps on its own SIGCHLD handling, so hold the
    // child in a shell that exits its own child without waiting ("sh -c 'sleep 0 & exec sleep 30'" leaves the
    // first sleep a zombie of the exec'd sleep, which never waits).
    const holder = spawn("sh", ["-c", "sleep 0 & exec sleep 30"], { stdio: "ignore" });
    try {
      const zombie = await vi.waitFor(
        () => {
          const children = spawnSync("sh", ["-c", `cat /proc/${holder.pid}/task/${holder.pid}/children`], { encoding: "utf8" }).stdout.trim();
          const pid = Number(children.split(/\s+/)[0]);
          if (!pid || !isZombie(pid)) throw new Error("no zombie yet");
          return pid;
        },
        { timeout: 20_000, interval: 50 },
      );
      expect(processIsRunning(zombie)).toBe(false);
      expect(ownerIsGone(owner(hostname(), zombie))).toBe(true);
      expect(processIsRunning(holder.pid!)).toBe(true);
    } finally {
      holder.kill("SIGKILL");
    }
  });
});

test("on start, the worker frees the leases of dead workers on this host and converges at once", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "pm-leases-"));
  const env = { DATABASE_PATH: path.join(dir, "platform.db"), DATA_DIR: dir, PROVISIONING_POLL_MS: "50", PROVISIONING_SIGNUP_DEADLINE_MS: "10000" };
  const before = createTestServices(env, { mailcow: mailcow.config });
  mailcow.emulator.fault("down");
  const ids: Record<string, string> = {};
  await Promise.all(
    ["dead", "alive", "remote"].map(async (name) => {
      ids[name] = (await (await createTestClient(before).caller()).auth.register({ username: name, password: STRONG_PASSWORD })).id;
    }),
  );
  await before.provisioner.stop(); // the sign-ups' first attempts end (pending) while Mailcow is still down
  mailcow.emulator.fault(null);
  // What a SIGKILL in the middle of attempts leaves: leases held for another minute by their owners.
  const lease = before.db.prepare("UPDATE mailbox SET lease_owner = ?, lease_until = ?, next_attempt_at = 0 WHERE user_id = ?");
  const owners = { dead: owner(hostname(), deadPid()), alive: owner(hostname(), process.ppid), remote: owner("another-host", deadPid()) };
  for (const [name, held] of Object.entries(owners)) lease.run(held, Date.now() + 60_000, ids[name]);
  before.db.close();

  const after = createTestServices(env, { mailcow: mailcow.config });
  after.provisioner.start();
  try {
    await expect.poll(() => after.provisioner.store.get(ids.dead!)?.state, { timeout: 10_000, interval: 25 }).toBe("active");
    for (const name of ["alive", "remote"] as const) {
      const row = after.provisioner.store.get(ids[name]!)!;
      expect(row.lease_owner, name).toBe(owners[name]);
      expect(row.state, name).not.toBe("active");
    }
    expect(mailcow.emulator.stats().writes).toBe(1);
  } finally {
    await after.provisioner.stop();
    after.db.close();
  }
});
