// The real server as a child process, with its log in a file, for the benchmarks and the crash test: from its
// TypeScript sources (`node --import tsx server/index.ts`, as e2e/harness.ts runs it) or, for an entry that is
// JavaScript already (`scripts/start.js`, what `npm start` runs), with plain `node`.
import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";
import { freePort } from "../../server/test/free-ports";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");


export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Milliseconds from spawn to the first 200 from /readyz. */
  ready(timeoutMs?: number): Promise<number>;
  /** SIGKILL, and wait for the process to be gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful shutdown), SIGKILL after 10 s. */
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

/** The environment every spawned server gets besides what the caller sets (no inherited .env surprises). */
function baseEnv(port: number): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "development", HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "info" };
}

export async function spawnServer(env: Record<string, string>, logFile: string, entry = "server/index.ts"): Promise<ServerProcess> {
  const port = await freePort();
  const fd = openSync(logFile, "a");
  const startedAt = performance.now();
  // From the repository root, like `npm start`: tsx resolves from there and the built client (dist/client) is served.
  // BENCH_NODE_FLAGS adds Node flags, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server under load.
  const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  const loader = entry.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...nodeFlags, ...loader, path.join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...baseEnv(port), ...env },
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const logTail = (lines = 30) => {
    try {
      return readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  };
  return {
    url,
    pid: child.pid!,
    child,
    logFile,
    exited,
    logTail,
    async ready(timeoutMs = 30_000) {
      const deadline = startedAt + timeoutMs;
      for (;;) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited early:\n${logTail()}`);
        try {
          const res = await fetch(`${url}/readyz`);
          if (res.ok) return performance.now() - startedAt;
        } catch {
          // not listening yet
        }
        if (performance.now() > deadline) throw new Error(`the server did not become ready:\n${logTail()}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
      child.kill("SIGTERM");
      await exited;
      clearTimeout(force);
    },
  };
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (!kib) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kib) * 1024;
}
