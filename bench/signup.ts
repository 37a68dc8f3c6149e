// Sign-up throughput over HTTP (autocannon, C connections, each request a new account) against the real server
// process, Mailcow answering every call after 50 ms — divided by the throughput of bare argon2id hashing with the
// same parameters (server/auth/password.ts) and the same concurrency, measured in this process just before.
import autocannon from "autocannon";
import path from "node:path";
import { hashPassword } from "../server/auth/password";
import { BENCH_PASSWORD, benchEmulator, cpuSeconds, ownCpuSeconds, serverEnv, sleep, tempDir } from "./lib/environment";
import { spawnServer } from "./lib/server-process";

export interface SignupResult {
  connections: number;
  seconds: number;
  signupsPerSecond: number;
  argon2PerSecond: number;
  ratio: number;
  latencyP50: number;
  latencyP99: number;
  errors: number;
  /** Share of sign-ups answered with the mailbox already active (the rest: being created by the worker). */
  activeAtOnce: number;
  /** CPU seconds per operation: the server per sign-up, this process per bare hash. */
  serverCpuPerSignup: number;
  /** This process (load generator and Mailcow emulator) per sign-up: CPU the server cannot have on a small machine. */
  benchCpuPerSignup: number;
  cpuPerHash: number;
  /** Peak concurrent requests Mailcow saw. */
  mailcowMaxConcurrent: number;
}

/** C loops hashing for `seconds`; returns hashes per second and CPU seconds per hash. */
async function bareArgon2(connections: number, seconds: number): Promise<{ perSecond: number; cpuPerHash: number }> {
  let hashes = 0;
  const cpu0 = ownCpuSeconds();
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        await hashPassword(BENCH_PASSWORD);
        hashes++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: hashes / elapsed, cpuPerHash: (ownCpuSeconds() - cpu0) / hashes };
}

export async function benchSignup({ connections = 16, seconds = 10 } = {}): Promise<SignupResult> {
  const emulator = await benchEmulator();
  const dir = tempDir("signup");
  const server = await spawnServer(serverEnv(emulator, dir), path.join(dir, "server.log"));
  try {
    await server.ready();
    let n = 0;
    const prefix = `s${Date.now().toString(36)}`;
    const request = (): autocannon.Request => ({
      method: "POST",
      path: "/trpc/auth.register",
      headers: { "content-type": "application/json" },
      setupRequest: (req) => ({ ...req, body: JSON.stringify({ username: `${prefix}${(n++).toString(36)}`, password: BENCH_PASSWORD }) }),
      onResponse: (status, body) => {
        if (status === 200 && body.includes('"state":"active"')) active++;
      },
    });
    let active = 0;
    // Warm-up: JIT, the policy cache, SQLite pages; then let the worker finish what the warm-up left.
    await autocannon({ url: server.url, connections: 4, amount: 40, requests: [request()] });
    await sleep(1500);

    const hashing = await bareArgon2(connections, seconds);
    await sleep(500);
    active = 0;
    emulator.setLatency(50);
    const before = emulator.stats().maxConcurrent;
    const cpu0 = cpuSeconds(server.pid);
    const own0 = ownCpuSeconds();
    const result = await autocannon({ url: server.url, connections, duration: seconds, requests: [request()] });
    const serverCpu = cpuSeconds(server.pid) - cpu0;
    const benchCpu = ownCpuSeconds() - own0;
    const ok = result["2xx"];
    const signupsPerSecond = ok / result.duration;
    return {
      connections,
      seconds: result.duration,
      signupsPerSecond,
      argon2PerSecond: hashing.perSecond,
      ratio: signupsPerSecond / hashing.perSecond,
      latencyP50: result.latency.p50,
      latencyP99: result.latency.p99,
      errors: result.errors + result.non2xx,
      activeAtOnce: ok ? active / ok : 0,
      serverCpuPerSignup: serverCpu / ok,
      benchCpuPerSignup: benchCpu / ok,
      cpuPerHash: hashing.cpuPerHash,
      mailcowMaxConcurrent: Math.max(before, emulator.stats().maxConcurrent),
    };
  } finally {
    await server.stop(); // graceful, so that BENCH_NODE_FLAGS="--cpu-prof …" profiles get written
    await emulator.close();
  }
}
