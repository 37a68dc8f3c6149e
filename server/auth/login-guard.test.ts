import { TRPCError } from "@trpc/server";
import { pino } from "pino";
import { describe, expect, test } from "vitest";
import { accountKey, BusyError, createLimits, RateLimitedError, type RateLimitSettings } from "./rate-limit";
import { clientKey } from "./client-ip";
import { createTestClient, createTestServices, STRONG_PASSWORD, testConfig } from "../test/create-test-context";
import { createServices } from "../create-services";
import { checkSealedPasswords } from "../sealing-key-check";
import { createSealer } from "../provisioning/seal";
import { startSessionSweeper } from "./session-sweeper";
import { Writable } from "node:stream";
import { createLogger } from "../logger";

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "OK",
    (error: unknown) => (error instanceof TRPCError ? error.code : String(error)),
  );
}

async function withAccount(overrides: Parameters<typeof createTestServices>[0] = {}) {
  const services = createTestServices(overrides);
  await (await createTestClient(services, "192.0.2.250").caller()).auth.register({ username: "ada", password: STRONG_PASSWORD });
  const login = async (ip: string, login: string, password: string) =>
    codeOf((await createTestClient(services, ip).caller()).auth.login({ login, password }));
  return { services, login };
}

describe("sign-in limits", () => {
  test("40 concurrent guesses: only the budget's worth reach argon2; the right password sent last is not tried", async () => {
    const { login } = await withAccount({ LOGIN_RATE_LIMIT_POINTS: "5", PASSWORD_HASH_PER_IP: "100" });
    const codes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login("198.51.100.1", "ada", i === 39 ? STRONG_PASSWORD : `wrong-password-${i}`)),
    );
    expect(codes.filter((c) => c === "UNAUTHORIZED")).toHaveLength(5);
    expect(codes.filter((c) => c === "TOO_MANY_REQUESTS")).toHaveLength(35);
    expect(codes[39]).toBe("TOO_MANY_REQUESTS");
  });

  test("the account is the key: ada, ' ADA ', ada@<domain> and full-width ａｄａ share one budget", async () => {
    const { login } = await withAccount({ LOGIN_RATE_LIMIT_POINTS: "3" });
    expect(await login("198.51.100.1", "ada", "wrong-password")).toBe("UNAUTHORIZED");
    expect(await login("198.51.100.1", " ADA ", "wrong-password")).toBe("UNAUTHORIZED");
    expect(await login("198.51.100.1", "ada@example.test", "wrong-password")).toBe("UNAUTHORIZED");
    expect(await login("198.51.100.1", "ａｄａ", "wrong-password")).toBe("TOO_MANY_REQUESTS");
    expect(accountKey(" ADA@Example.Test ", "example.test")).toBe("ada");
    expect(accountKey("ada@elsewhere.test", "example.test")).toBe("ada@elsewhere.test");
  });

  test("a success gives the points back: the owner's own typos do not add up to a lock-out", async () => {
    const { login } = await withAccount({ LOGIN_RATE_LIMIT_POINTS: "3" });
    for (let round = 0; round < 3; round++) {
      expect(await login("198.51.100.1", "ada", "typo-password")).toBe("UNAUTHORIZED");
      expect(await login("198.51.100.1", "ada", "typo-password")).toBe("UNAUTHORIZED");
      expect(await login("198.51.100.1", "ada", STRONG_PASSWORD)).toBe("OK");
    }
  });

  test("strangers spending the account-wide budget do not lock the owner out of their usual address", async () => {
    const { login } = await withAccount({ LOGIN_RATE_LIMIT_POINTS: "3", LOGIN_ACCOUNT_RATE_LIMIT_POINTS: "6" });
    expect(await login("203.0.113.5", "ada", STRONG_PASSWORD)).toBe("OK"); // the owner's usual address
    const strangers: string[] = [];
    for (let i = 1; i <= 10; i++) {
      for (let j = 0; j < 3; j++) strangers.push(await login(`198.51.100.${i}`, "ada", `guess-${i}-${j}`));
    }
    expect(strangers.filter((c) => c === "UNAUTHORIZED")).toHaveLength(6);
    expect(strangers.filter((c) => c === "TOO_MANY_REQUESTS")).toHaveLength(24);
    // The owner from the usual address gets in; even the right password from a new address waits.
    expect(await login("203.0.113.5", "ada", STRONG_PASSWORD)).toBe("OK");
    expect(await login("192.0.2.77", "ada", STRONG_PASSWORD)).toBe("TOO_MANY_REQUESTS");
  });

  test("per-address keys: IPv4-mapped IPv6 is IPv4, IPv6 is grouped by /64", () => {
    expect(clientKey("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(clientKey("198.51.100.7")).toBe("198.51.100.7");
    expect(clientKey("2001:db8:1:2::1")).toBe(clientKey("2001:db8:1:2:ffff:ffff:ffff:ffff"));
    expect(clientKey("2001:db8:1:2::1")).not.toBe(clientKey("2001:db8:1:3::1"));
    expect(clientKey("2001:DB8:0001:0002:0:0:0:1")).toBe("2001:db8:1:2::/64");
    expect(clientKey("not an address")).toBe("raw:not an address");
  });
});

describe("the argon2 queue", () => {
  const settings: RateLimitSettings = {
    loginPoints: 10, loginWindowSeconds: 900, loginIpPoints: 50, loginAccountPoints: 100, loginAccountWindowSeconds: 3600,
    knownAddressSeconds: 86_400, userActionPoints: 10, userActionWindowSeconds: 900, checkLoginPerHour: 10,
    mailDomain: "example.test", hashConcurrency: 1, hashQueueMax: 2, hashPerIp: 2,
  };

  test("one address gets its share (429 beyond), the queue a bound (503 beyond); others still get in", async () => {
    const limits = createLimits(settings);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runs: string[] = [];
    const work = (name: string) => () => gate.then(() => void runs.push(name));
    const a1 = limits.passwordWork("198.51.100.1", work("a1"));
    const a2 = limits.passwordWork("::ffff:198.51.100.1", work("a2"));
    await expect(limits.passwordWork("198.51.100.1", work("a3"))).rejects.toBeInstanceOf(RateLimitedError);
    const b1 = limits.passwordWork("198.51.100.2", work("b1"));
    const c1 = limits.passwordWork("198.51.100.3", work("c1")).catch((e: unknown) => e);
    expect(await c1).toBeInstanceOf(BusyError);
    release();
    await Promise.all([a1, a2, b1]);
    expect(runs).toEqual(["a1", "a2", "b1"]);
    // Shares are given back when the work ends.
    await expect(limits.passwordWork("198.51.100.1", async () => "again")).resolves.toBe("again");
  });
});

describe("start-up and housekeeping", () => {
  test("a changed MAILBOX_SECRET_KEY is logged at error level with the count of unreadable sealed passwords", async () => {
    const keyA = Buffer.alloc(32, 1).toString("base64");
    const keyB = Buffer.alloc(32, 2).toString("base64");
    // Mailcow is down (the default test connection): sign-ups stay pending with their passwords sealed under key A.
    const services = createTestServices({ MAILBOX_SECRET_KEY: keyA });
    for (const username of ["ada", "bob"]) {
      await (await createTestClient(services, `192.0.2.${username.length}`).caller()).auth.register({ username, password: STRONG_PASSWORD });
    }
    const lines: { level: number; msg: string; unreadable?: number }[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
        done();
      },
    });
    const logger = createLogger("info", sink);
    expect(checkSealedPasswords(services.db, createSealer(Buffer.from(keyA, "base64")), logger)).toEqual({ sealed: 2, unreadable: 0 });
    expect(checkSealedPasswords(services.db, createSealer(Buffer.from(keyB, "base64")), logger)).toEqual({ sealed: 2, unreadable: 2 });
    await expect.poll(() => lines.length).toBe(1);
    expect(lines[0]).toMatchObject({ level: 50, unreadable: 2 });
    expect(lines[0]!.msg).toContain("MAILBOX_SECRET_KEY cannot open 2 of 2");
    expect(JSON.stringify(lines)).not.toContain(keyA);
  });

  test("expired sessions are deleted at start and on every sweep", async () => {
    const services = createServices(testConfig(), pino({ level: "silent" }), { mailcow: { baseUrl: "http://127.0.0.1:9/api/v1", apiKey: "unused" } });
    await (await createTestClient(services).caller()).auth.register({ username: "ada", password: STRONG_PASSWORD });
    const userId = services.accounts.findByUsername("ada")!.id;
    const insert = services.db.prepare("INSERT INTO session (id, user_id, expires_at) VALUES (?, ?, ?)");
    const count = () => (services.db.prepare("SELECT COUNT(*) AS n FROM session").get() as { n: number }).n;
    insert.run("expired-1", userId, 1);
    const live = count();
    const sweeper = startSessionSweeper(services.sessions, pino({ level: "silent" }), 3_600_000);
    try {
      await expect.poll(count).toBe(live - 1);
      insert.run("expired-2", userId, 1);
      await sweeper.sweep();
      expect(count()).toBe(live - 1);
    } finally {
      sweeper.stop();
    }
  });
});
