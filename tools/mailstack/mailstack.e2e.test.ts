// The throw-away Dovecot's life cycle: start on chosen ports with a fresh base_dir, found again by its state file,
// refused twice, stopped by PID; a taken port is a clear error. Skipped (with the reason) without Dovecot.
// Part of `npm run test:e2e` (needs Debian's dovecot-imapd and dovecot-lmtpd): fails, never skips, without them.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { mailstackPaths } from "./config";
import { runningMailstack, startMailstack, stopMailstack } from "./mailstack";
import { DOVECOT_VERSION, freePorts, imapLogin, NO_DOVECOT_REASON } from "./test-support";

if (!DOVECOT_VERSION) throw new Error(`mailstack: ${NO_DOVECOT_REASON}`);

function processState(pid: number): "gone" | "zombie" | "running" {
  try {
    process.kill(pid, 0);
  } catch {
    return "gone";
  }
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8")) ? "zombie" : "running";
  } catch {
    return "gone";
  }
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) {
    await stopMailstack(dir);
    rmSync(dir, { recursive: true, force: true });
  }
});
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "mailstack-e2e-"));
  dirs.push(dir);
  return dir;
};

describe(`life cycle (Dovecot ${DOVECOT_VERSION})`, () => {
  test("start clears stale sockets, is found by its state file, refuses a second start, stops by PID", async () => {
    const dir = tempDir();
    const paths = mailstackPaths(dir);
    // A leftover socket file of an earlier run would delay auth by 5 s.
    mkdirSync(paths.runDir, { recursive: true });
    writeFileSync(path.join(paths.runDir, "anvil-auth-penalty"), "");
    const [imaps, imap, lmtp, smtp] = await freePorts(4);
    const started = Date.now();
    const stack = await startMailstack({ dir, ports: { imaps: imaps!, imap: imap!, lmtp: lmtp!, smtp: smtp! }, attached: true });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(stack).toMatchObject({ imapsPort: imaps, imapPort: imap, lmtpPort: lmtp, smtpPort: smtp, passwdFile: paths.passwdFile, certFile: paths.certFile });
    expect(readFileSync(stack.certFile, "utf8")).toContain("BEGIN CERTIFICATE");
    expect(runningMailstack(dir)).toMatchObject({ pid: stack.pid, imapsPort: imaps });
    await expect(startMailstack({ dir, ports: { imaps: imaps!, imap: imap!, lmtp: lmtp!, smtp: smtp! } })).rejects.toThrow(/already running/);
    // Nobody in the passwd-file yet: a login is refused, not broken.
    expect(await imapLogin(stack, "nobody@example.test", "x")).toMatchObject({ ok: false, code: "AUTHENTICATIONFAILED" });
    await stack.stop();
    expect(runningMailstack(dir)).toBeNull();
    expect(existsSync(paths.state)).toBe(false);
    // Dead at once (at most a zombie); Node reaps its child a moment later.
    expect(processState(stack.pid)).toMatch(/^(gone|zombie)$/);
    expect(processState(stack.smtpPid)).toMatch(/^(gone|zombie)$/);
    await expect.poll(() => processState(stack.pid), { timeout: 3000 }).toBe("gone");
    await expect.poll(() => processState(stack.smtpPid), { timeout: 3000 }).toBe("gone");
    await stack.stop(); // twice is fine
  });

  test("a port another program holds is a clear error, with Dovecot's log", async () => {
    const dir = tempDir();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as { port: number }).port;
    const [imap, lmtp, smtp] = await freePorts(3);
    try {
      await expect(startMailstack({ dir, ports: { imaps: taken, imap: imap!, lmtp: lmtp!, smtp: smtp! }, attached: true })).rejects.toThrow(
        /Dovecot did not start[\s\S]*Address already in use/,
      );
      expect(runningMailstack(dir)).toBeNull();
    } finally {
      blocker.close();
    }
  });
});
