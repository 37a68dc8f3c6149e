// Cold start to /readyz and idle memory of the real server (`node --import tsx server/index.ts`, a fresh data folder,
// Mailcow = the emulator) against a bare Fastify server started the same way (bench/fixtures/bare-server.ts).
// Median of several starts after one unmeasured start (which fills tsx's transform cache, as any deploy does once).
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

async function measure(entry: string, env: () => Record<string, string>, starts: number) {
  const times: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i <= starts; i++) {
    const dir = tempDir("start");
    const server = await spawnServer({ ...env(), DATA_DIR: dir }, path.join(dir, "server.log"), entry);
    try {
      const ms = await server.ready();
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
    const app = await measure("server/index.ts", () => serverEnv(emulator, ""), starts);
    const bare = await measure("bench/fixtures/bare-server.ts", () => ({}), starts);
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
