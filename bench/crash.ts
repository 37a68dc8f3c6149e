// The crash test: a real server process, registrations fired at it, SIGKILL at a random point of provisioning,
// restart on the same database, and every account converges to exactly one active mailbox in Mailcow (the
// emulator, in this process), with the password given at sign-up, and no mailbox without an account.
//
//   npm run bench:crash            50 kill runs, writes the "crash" section of docs/benchmarks.md
//   e2e/crash.test.ts              3 kill runs, as part of npm run test:e2e
//
// The emulator's latency (50 ms per call by default) stretches each attempt (four Mailcow calls) so that kills land
// in every phase: before the sign-up commits, while the first attempt runs, between Mailcow's "mailbox_added" and
// our commit, and during the worker's retries (some runs start with Mailcow down and let it recover before the kill).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { startMailcowEmulator, type MailcowEmulator } from "../tools/mailcow-emulator/index";
import { ownerTag } from "../server/provisioning/attempt";
import { machine, tables, today, writeSection } from "./lib/report";
import { spawnServer, type ServerProcess } from "./lib/server-process";

export interface CrashOptions {
  runs: number;
  usersPerRun?: number;
  latencyMs?: number;
  /** Per restart: how long convergence may take before the run fails. */
  convergeTimeoutMs?: number;
  log?: (line: string) => void;
  /** Keep the temporary folder (database, server logs) for a look afterwards. */
  keep?: boolean;
}

/** Where each kill landed, judged from the database and Mailcow right after the process died. */
export interface KillPhases {
  /** Sign-ups sent whose account was not committed (the client got no answer; nothing to converge). */
  beforeCommit: number;
  /** Account committed, no mailbox in Mailcow yet. */
  waiting: number;
  /** Mailcow has the mailbox, our row does not say active yet: the crash window "never twice" is about. */
  createdNotCommitted: number;
  /** Already active. */
  active: number;
  /** Rows the dead process held a lease on (freed at restart instead of after 60 s). */
  leasesHeld: number;
}

export interface CrashReport {
  runs: number;
  accounts: number;
  answeredSignups: number;
  phases: KillPhases;
  convergeMs: { median: number; max: number };
  restartReadyMs: { median: number; max: number };
  seconds: number;
}

interface Signup {
  username: string;
  password: string;
  answered: boolean;
}

const DOMAIN = "example.test";
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

export async function runCrashSuite(options: CrashOptions): Promise<CrashReport> {
  const { runs, usersPerRun = 6, latencyMs = 50, convergeTimeoutMs = 30_000, log = () => undefined } = options;
  const started = performance.now();
  const dir = mkdtempSync(path.join(tmpdir(), "pm-crash-"));
  const databasePath = path.join(dir, "platform.db");
  const emulator: MailcowEmulator = await startMailcowEmulator({ latencyMs });
  const env = {
    DATA_DIR: dir,
    DATABASE_PATH: databasePath,
    MAILCOW_API_URL: emulator.url,
    MAILCOW_API_KEY: emulator.apiKey,
    MAILCOW_DOMAIN: DOMAIN,
    MAILCOW_TIMEOUT_MS: "2000",
    // Fixed, so that a restarted process opens the passwords its predecessor sealed.
    MAILBOX_SECRET_KEY: randomBytes(32).toString("base64"),
    PROVISIONING_POLL_MS: "100",
    PROVISIONING_RETRY_BASE_SECONDS: "1",
    PROVISIONING_SIGNUP_DEADLINE_MS: "1000",
    // All sign-ups come from one address; the limits have their own tests.
    LOGIN_RATE_LIMIT_POINTS: "1000000",
  };
  const signups: Signup[] = [];
  const phases: KillPhases = { beforeCommit: 0, waiting: 0, createdNotCommitted: 0, active: 0, leasesHeld: 0 };
  const convergeTimes: number[] = [];
  const readyTimes: number[] = [];
  let server: ServerProcess | null = null;

  const accounts = () => {
    const db = new Database(databasePath, { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare(
          `SELECT u.id, u.username, m.state, m.sealed_password IS NOT NULL AS sealed, m.lease_owner AS lease
           FROM user u LEFT JOIN mailbox m ON m.user_id = u.id`,
        )
        .all() as { id: string; username: string; state: string | null; sealed: number; lease: string | null }[];
    } finally {
      db.close();
    }
  };

  /** Mailcow's mailboxes, as the API lists them. */
  const mailcowMailboxes = async () => {
    const res = await fetch(`${emulator.url}/get/mailbox/all`, { headers: { "X-API-Key": emulator.apiKey } });
    const body = (await res.json()) as { username: string; active: number | string; tags?: string[] }[] | Record<string, never>;
    return Array.isArray(body) ? body : [];
  };

  /** null when converged, else what is still wrong. */
  const problems = async (): Promise<string | null> => {
    const rows = accounts();
    const mailboxes = await mailcowMailboxes();
    const byAddress = new Map(mailboxes.map((m) => [m.username, m]));
    for (const signup of signups) {
      if (signup.answered && !rows.some((r) => r.username === signup.username)) return `${signup.username} got an answer but has no account`;
    }
    for (const row of rows) {
      if (row.state !== "active") return `${row.username}: mailbox row ${row.state}`;
      if (row.sealed) return `${row.username}: sealed password kept after activation`;
      const mailbox = byAddress.get(`${row.username}@${DOMAIN}`);
      if (!mailbox) return `${row.username}: no mailbox in Mailcow`;
      if (Number(mailbox.active) !== 1) return `${row.username}: mailbox inactive`;
      if (!(mailbox.tags ?? []).includes(ownerTag(row.id))) return `${row.username}: mailbox without the owner tag`;
    }
    if (mailboxes.length !== rows.length) {
      const orphans = mailboxes.filter((m) => !rows.some((r) => `${r.username}@${DOMAIN}` === m.username)).map((m) => m.username);
      return `${mailboxes.length} mailboxes for ${rows.length} accounts (without an account: ${orphans.join(", ")})`;
    }
    return null;
  };

  async function converge(run: number): Promise<void> {
    const t0 = performance.now();
    let last: string | null = "not checked";
    while (performance.now() - t0 < convergeTimeoutMs) {
      last = await problems();
      if (last === null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (last !== null) throw new Error(`run ${run}: no convergence within ${convergeTimeoutMs} ms: ${last}\n${server?.logTail() ?? ""}`);
    convergeTimes.push(performance.now() - t0);
    // The mailbox has the password given at sign-up, whoever (which process) created it.
    for (const signup of signups) {
      if (accounts().some((r) => r.username === signup.username) && !emulator.checkPassword(`${signup.username}@${DOMAIN}`, signup.password)) {
        throw new Error(`run ${run}: ${signup.username}'s mailbox does not have the sign-up password`);
      }
    }
  }

  /** Where the kill landed, per account of this run. */
  async function classifyKill(run: Signup[]): Promise<void> {
    const rows = accounts();
    const mailboxes = new Set((await mailcowMailboxes()).map((m) => m.username));
    for (const signup of run) {
      const row = rows.find((r) => r.username === signup.username);
      if (!row) phases.beforeCommit++;
      else if (row.state === "active") phases.active++;
      else if (mailboxes.has(`${signup.username}@${DOMAIN}`)) phases.createdNotCommitted++;
      else phases.waiting++;
    }
    phases.leasesHeld += rows.filter((r) => r.lease !== null).length;
  }

  try {
    for (let run = 0; run <= runs; run++) {
      server = await spawnServer(env, path.join(dir, `server-${run}.log`));
      readyTimes.push(await server.ready());
      if (run > 0) await converge(run);
      if (run === runs) break;

      // Some runs start with Mailcow down and let it recover shortly before the kill: kills then also land in the
      // worker's retries of pending mailboxes.
      const recovering = Math.random() < 0.3;
      emulator.setLatency(Math.round(latencyMs * (0.5 + Math.random())));
      if (recovering) emulator.fault("down");
      const batch: Signup[] = Array.from({ length: usersPerRun }, (_, i) => ({
        username: `r${run}u${i}`,
        password: `pw-${randomBytes(9).toString("base64url")}-Zz9`,
        answered: false,
      }));
      signups.push(...batch);
      const url = server.url;
      const requests = batch.map((signup) =>
        fetch(`${url}/trpc/auth.register`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ username: signup.username, password: signup.password }),
        }).then(
          (res) => void (signup.answered = res.ok),
          () => undefined, // killed mid-request
        ),
      );
      // A sign-up here takes ~50 ms of checks, ~10 ms of hashing and four Mailcow calls per attempt, with at most
      // PROVISIONING_CONCURRENCY (4) attempts at once: the batch is provisioned within roughly 0.3–1.2 s.
      const killAfter = Math.random() * (recovering ? 2000 : 1200);
      if (recovering) setTimeout(() => emulator.fault(null), killAfter * Math.random()).unref();
      await new Promise((r) => setTimeout(r, killAfter));
      await server.kill();
      emulator.fault(null);
      await Promise.all(requests);
      await classifyKill(batch);
      log(`run ${run + 1}/${runs}: killed after ${Math.round(killAfter)} ms${recovering ? " (Mailcow recovering)" : ""}`);
    }
    const report: CrashReport = {
      runs,
      accounts: accounts().length,
      answeredSignups: signups.filter((s) => s.answered).length,
      phases,
      convergeMs: { median: quantile(convergeTimes, 0.5), max: Math.max(...convergeTimes) },
      restartReadyMs: { median: quantile(readyTimes, 0.5), max: Math.max(...readyTimes) },
      seconds: (performance.now() - started) / 1000,
    };
    await server?.stop();
    return report;
  } finally {
    await server?.kill();
    await emulator.close();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

export function crashMarkdown(report: CrashReport): string {
  const { text, markdown } = tables(
    [
      "kill runs",
      "accounts",
      "converged",
      "sign-ups cut before commit",
      "…committed, no mailbox yet",
      "…mailbox created, not yet committed",
      "…already active",
      "leases freed at restart",
      "convergence after restart (median / max)",
    ],
    [
      [
        String(report.runs),
        String(report.accounts),
        "all",
        String(report.phases.beforeCommit),
        String(report.phases.waiting),
        String(report.phases.createdNotCommitted),
        String(report.phases.active),
        String(report.phases.leasesHeld),
        `${(report.convergeMs.median / 1000).toFixed(2)} s / ${(report.convergeMs.max / 1000).toFixed(2)} s`,
      ],
    ],
  );
  console.log(text);
  return markdown;
}

async function main() {
  const runs = Number(process.argv[2] ?? 50);
  const report = await runCrashSuite({ runs, log: (line) => console.log(line) });
  const md = crashMarkdown(report);
  writeSection(
    "crash",
    `## Crash test (\`npm run bench:crash\`)

${today()} · ${machine()}

${md}

Every run: a server process (\`node --import tsx server/index.ts\`, file database) gets 6 concurrent sign-ups,
is killed with SIGKILL at a random moment, and is restarted on the same database; then every account must have
exactly one active mailbox in Mailcow, tagged for it, holding the sign-up password, with no sealed password left
and no mailbox without an account (checked before the next run and after the last). The phase columns count the
sign-ups of each run by where the kill caught them, judged from the database and Mailcow right after the process
died; "mailbox created, not yet committed" is the window the look-up before every add exists for. "Convergence after restart" is from
\`/readyz\` answering to everything converged; the restarted worker frees the leases of the dead process at once
(they would otherwise block those mailboxes for max(60 s, 12 × MAILCOW_TIMEOUT_MS)). Whole run: ${report.seconds.toFixed(0)} s.`,
  );
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
