// Cold start to /readyz and idle memory of the real server as `npm start` runs it in production (`node
// scripts/start.js` → the compiled dist/server/start.js, NODE_ENV=production, JSON logs, a fresh data folder,
// Mailcow = the emulator) against a bare Fastify server started the same way (`node bench/fixtures/bare-server.js`).
// Median of several starts after one unmeasured start (which builds dist/ when it is missing or stale).
import path from "node:path";
import { benchEmulator, serverEnv, sleep, tempDir } from "./lib/environment";
import { rssBytes, spawnServer } from "./lib/server-process";

export interface StartupResult {
  coldStartMs: number;
  bareColdStartMs: number;
  startRatio: number;
  idleRssMb: number;
  bareIdleRssMb: number;
  rssRatio: number;
  starts: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Long enough for the unmeasured first start to build the client and the server on a busy machine. */
const FIRST_START_TIMEOUT_MS = 5 * 60_000;

async function measure(entry: string, env: () => Record<string, string>, starts: number) {
  const times: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i <= starts; i++) {
    const dir = tempDir("start");
    const server = await spawnServer({ ...env(), DATA_DIR: dir }, path.join(dir, "server.log"), entry);
    try {
      const ms = await server.ready(i === 0 ? FIRST_START_TIMEOUT_MS : undefined);
      // Idle: started, ready, nothing asked of it for a while (the worker polls, timers run).
      await sleep(3000);
      if (i > 0) {
        times.push(ms);
        rss.push(rssBytes(server.pid));
      }
    } finally {
      await server.stop();
    }
  }
  return { ms: median(times), rssMb: median(rss) / 1e6 };
}

export async function benchStartup({ starts = 3 } = {}): Promise<StartupResult> {
  const emulator = await benchEmulator();
  try {
    const production = { NODE_ENV: "production", APP_ORIGIN: "http://127.0.0.1", LOG_FORMAT: "json" };
    const app = await measure("scripts/start.js", () => serverEnv(emulator, "", production), starts);
    const bare = await measure("bench/fixtures/bare-server.js", () => ({}), starts);
    return {
      coldStartMs: app.ms,
      bareColdStartMs: bare.ms,
      startRatio: app.ms / bare.ms,
      idleRssMb: app.rssMb,
      bareIdleRssMb: bare.rssMb,
      rssRatio: app.rssMb / bare.rssMb,
      starts,
    };
  } finally {
    await emulator.close();
  }
}
