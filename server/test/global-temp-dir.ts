// Vitest globalSetup (vite.config.ts and vitest.e2e.config.ts): every test run gets its own temporary folder,
// removed when the run ends, so the folders tests, spawned servers, Dovecot and Chromium create under os.tmpdir()
// never pile up in the system's temp directory. Runs in the main process before the test workers start; they and
// every process they spawn inherit TMPDIR (os.tmpdir() reads it on every call).
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(path.join(tmpdir(), "pm-test-run-"));
  // Like /tmp itself: Dovecot's processes run as `nobody` when the tests run as root and must reach their folders.
  chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
}
