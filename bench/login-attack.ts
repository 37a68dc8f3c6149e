// Sign-in throughput of one legitimate user, alone and while one attacker (another address) sends the largest
// auth.login batches it can, as fast as it can on several connections; both phases in the same server process.
// The server runs with the production limits (not lifted as in the other benchmarks) and TRUST_PROXY=127.0.0.1, so
// each side is told apart by the X-Forwarded-For this benchmark sets, as a reverse proxy would.
import path from "node:path";
import { BENCH_PASSWORD, benchEmulator, serverEnv, tempDir } from "./lib/environment";
import { spawnServer } from "./lib/server-process";

export interface LoginAttackResult {
  seconds: number;
  /** Successful sign-ins per second of the user alone, and under attack. */
  alone: number;
  underAttack: number;
  ratio: number;
  /** Attacker requests answered per second (half with 454 sign-ins, half with 10), and how they were answered. */
  attackRequestsPerSecond: number;
  attackStatuses: Record<string, number>;
  userErrors: number;
}

const USER_ADDRESS = "198.51.100.10";
const ATTACKER_ADDRESS = "203.0.113.66";
/** The penetration test's batch: 454 auth.login entries in one request (refused by the size cap)… */
const BATCH_ENTRIES = 454;
/** …and the largest batch the size cap lets through to the batch rule (TRPC_MAX_BATCH_SIZE's default). */
const CAPPED_ENTRIES = 10;
const ATTACKER_CONNECTIONS = 8;

export async function benchLoginAttack({ seconds = 10 } = {}): Promise<LoginAttackResult> {
  const emulator = await benchEmulator(0);
  const dir = tempDir("attack");
  const env = serverEnv(emulator, dir, { TRUST_PROXY: "127.0.0.1" });
  // The production sign-in limits, not the lifted ones.
  for (const key of ["LOGIN_RATE_LIMIT_POINTS", "LOGIN_IP_RATE_LIMIT_POINTS", "LOGIN_ACCOUNT_RATE_LIMIT_POINTS", "PASSWORD_HASH_PER_IP", "PASSWORD_HASH_QUEUE_MAX"]) {
    delete env[key];
  }
  const server = await spawnServer(env, path.join(dir, "server.log"));
  try {
    await server.ready();
    const post = (procedure: string, body: unknown, address: string) =>
      fetch(`${server.url}/trpc/${procedure}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": address },
        body: JSON.stringify(body),
      });
    const signup = await post("auth.register", { username: "legit", password: BENCH_PASSWORD }, USER_ADDRESS);
    if (!signup.ok) throw new Error(`sign-up failed: ${signup.status} ${await signup.text()}`);

    let userErrors = 0;
    /** One user signing in again and again (one request at a time, as a person or a script would). */
    const userLoop = async (ms: number) => {
      let ok = 0;
      const end = performance.now() + ms;
      while (performance.now() < end) {
        const res = await post("auth.login", { login: "legit", password: BENCH_PASSWORD }, USER_ADDRESS);
        await res.arrayBuffer();
        if (res.ok) ok++;
        else userErrors++;
      }
      return ok / (ms / 1000);
    };

    const batch = (entries: number) => {
      const body: Record<number, unknown> = {};
      for (let i = 0; i < entries; i++) body[i] = { login: "legit", password: `guess-${i}` };
      return { path: `${Array.from({ length: entries }, () => "auth.login").join(",")}?batch=1`, body };
    };
    const batches = [batch(BATCH_ENTRIES), batch(CAPPED_ENTRIES)];
    const attackStatuses: Record<string, number> = {};
    let attackRequests = 0;
    let attacking = true;
    const attackerLoop = async (_: unknown, connection: number) => {
      const { path: batchPath, body } = batches[connection % batches.length]!;
      while (attacking) {
        const res = await post(batchPath, body, ATTACKER_ADDRESS).catch(() => null);
        await res?.arrayBuffer();
        const status = String(res?.status ?? "socket error");
        attackStatuses[status] = (attackStatuses[status] ?? 0) + 1;
        attackRequests++;
      }
    };

    await userLoop(2000); // warm-up
    const alone = await userLoop(seconds * 1000);
    const attackers = Array.from({ length: ATTACKER_CONNECTIONS }, attackerLoop);
    const attackStart = performance.now();
    const underAttack = await userLoop(seconds * 1000);
    attacking = false;
    await Promise.all(attackers);
    const attackSeconds = (performance.now() - attackStart) / 1000;
    return {
      seconds,
      alone,
      underAttack,
      ratio: underAttack / alone,
      attackRequestsPerSecond: attackRequests / attackSeconds,
      attackStatuses,
      userErrors,
    };
  } finally {
    await server.stop();
    await emulator.close();
  }
}
