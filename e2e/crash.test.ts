// The crash test, short: 3 SIGKILLs of a real server process during provisioning, restart, convergence to exactly
// one active mailbox per account. `npm run bench:crash` runs 50 (bench/crash.ts has the details).
import { expect, test } from "vitest";
import { runCrashSuite } from "../bench/crash";

test("killed with SIGKILL at random points of provisioning and restarted, every account converges to one mailbox", async () => {
  const report = await runCrashSuite({ runs: 3, convergeTimeoutMs: 20_000 });
  expect(report.accounts).toBeGreaterThan(0);
  expect(report.accounts).toBeGreaterThanOrEqual(report.answeredSignups);
}, 120_000);
