// What every benchmark needs: the Mailcow emulator in this process with a per-call latency, a temporary data
// folder, the server's environment pointing at both, CPU-time readings.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startMailcowEmulator, type MailcowEmulator } from "../../tools/mailcow-emulator/index";

export const DOMAIN = "example.test";
export const MAILCOW_LATENCY_MS = 50;
/** A password that passes the platform's and the emulator's default policies. */
export const BENCH_PASSWORD = "correct-horse-battery-staple";

let runDir: string | undefined;

/** One folder per benchmark run in the system's temp directory, removed when the run ends (or is interrupted). */
function benchRunDir(): string {
  if (runDir) return runDir;
  const dir = mkdtempSync(path.join(tmpdir(), "pm-bench-"));
  runDir = dir;
  process.once("exit", () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  return dir;
}

/** A fresh folder (data directory, logs, build output) inside this run's temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(benchRunDir(), `${prefix}-`));
}

/** An emulator with room for every mailbox a benchmark creates. */
export function benchEmulator(latencyMs = MAILCOW_LATENCY_MS): Promise<MailcowEmulator> {
  return startMailcowEmulator({ latencyMs, domain: DOMAIN, domainLimits: { mailboxes: 1_000_000, quotaMiB: 1024 * 1_000_000 } });
}

/**
 * The server's environment: production defaults except what points it at the emulator and the data folder, and
 * rate limits lifted (every benchmark client comes from 127.0.0.1; the limits have their own tests).
 */
export function serverEnv(emulator: MailcowEmulator, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    MAILCOW_API_URL: emulator.url,
    MAILCOW_API_KEY: emulator.apiKey,
    MAILCOW_DOMAIN: DOMAIN,
    MAILBOX_SECRET_KEY: randomBytes(32).toString("base64"),
    LOGIN_RATE_LIMIT_POINTS: "1000000000",
    LOGIN_IP_RATE_LIMIT_POINTS: "1000000000",
    LOGIN_ACCOUNT_RATE_LIMIT_POINTS: "1000000000",
    USER_ACTION_RATE_LIMIT_POINTS: "1000000000",
    // Every benchmark connection is one address: the argon2 queue's per-address share is lifted too.
    PASSWORD_HASH_PER_IP: "1000000",
    PASSWORD_HASH_QUEUE_MAX: "1000000",
    ...extra,
  };
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far (Linux /proc). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** CPU seconds of this process so far. */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
