// Authenticated mailbox.info against a bare Fastify JSON route of the same server process (/healthz: no session,
// no database, the same plugins and security headers), autocannon with 50 connections, one signed-in user per
// connection, Mailcow answering after 50 ms (mailbox.info's live figures are cached MAILBOX_INFO_CACHE_SECONDS).
import autocannon from "autocannon";
import path from "node:path";
import { BENCH_PASSWORD, benchEmulator, cpuSeconds, serverEnv, tempDir } from "./lib/environment";
import { spawnServer } from "./lib/server-process";

export interface RouteFigures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

export interface InfoResult {
  connections: number;
  seconds: number;
  info: RouteFigures;
  bare: RouteFigures;
  ratio: number;
  /** Server CPU µs per request along the way from the bare route to mailbox.info: what each layer costs. */
  ladder: { route: string; what: string; requestsPerSecond: number; serverCpuUs: number }[];
}

const LADDER = [
  { route: "/healthz", what: "bare Fastify JSON route (helmet headers, request log)", session: false },
  { route: "/trpc/mailbox.passwordPolicy", what: "+ tRPC (fetch adapter, context, output schema), no session, cached data", session: false },
  { route: "/trpc/auth.me", what: "+ session cookie validated (lucia, SQLite) and the account read", session: true },
  { route: "/trpc/mailbox.info", what: "+ mailbox row, live figures (cached 5 s), settings, output schema", session: true },
] as const;

const figures = (result: autocannon.Result): RouteFigures => ({
  requestsPerSecond: result["2xx"] / result.duration,
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors + result.non2xx,
});

export async function benchInfo({ connections = 50, seconds = 10 } = {}): Promise<InfoResult> {
  const emulator = await benchEmulator();
  const dir = tempDir("info");
  const server = await spawnServer(serverEnv(emulator, dir), path.join(dir, "server.log"));
  try {
    await server.ready();
    // One account (and session) per connection, each with an active mailbox.
    const cookies: string[] = [];
    for (let i = 0; i < connections; i++) {
      const res = await fetch(`${server.url}/trpc/auth.register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: `reader${i}`, password: BENCH_PASSWORD }),
      });
      if (!res.ok) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`);
      cookies.push(res.headers.getSetCookie()[0]!.split(";")[0]!);
    }
    let next = 0;
    const run = (url: string, withSession: boolean, duration: number) =>
      autocannon({
        url,
        connections,
        duration,
        ...(withSession ? { setupClient: (client: autocannon.Client) => client.setHeaders({ cookie: cookies[next++ % cookies.length]! }) } : {}),
      });
    const infoUrl = `${server.url}/trpc/mailbox.info`;
    const bareUrl = `${server.url}/healthz`;
    // Warm-up of both (JIT, caches), then the measured runs, baseline first.
    await run(bareUrl, false, 2);
    await run(infoUrl, true, 2);
    const bare = figures(await run(bareUrl, false, seconds));
    const infoResult = await run(infoUrl, true, seconds);
    const info = figures(infoResult);
    // Diagnosis: the server's CPU per request for each step of the ladder (shorter runs).
    const ladder: InfoResult["ladder"] = [];
    for (const step of LADDER) {
      const cpu0 = cpuSeconds(server.pid);
      const result = await run(`${server.url}${step.route}`, step.session, Math.max(3, Math.round(seconds / 2)));
      ladder.push({
        route: step.route,
        what: step.what,
        requestsPerSecond: result["2xx"] / result.duration,
        serverCpuUs: ((cpuSeconds(server.pid) - cpu0) / result["2xx"]) * 1e6,
      });
    }
    return { connections, seconds: infoResult.duration, info, bare, ratio: info.requestsPerSecond / bare.requestsPerSecond, ladder };
  } finally {
    await server.stop(); // graceful, so that BENCH_NODE_FLAGS="--cpu-prof …" profiles get written
    await emulator.close();
  }
}
