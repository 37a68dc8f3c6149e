// Never trip Mailcow's fail2ban (tag 2026-07a: a ban after 10 failed logins within 600 s, every API 401 counts):
// a whole platform with a wrong key — many sign-ups, the worker retrying, Mail pages, readiness checks — for one
// hour of an injected clock, counted at the emulator; /readyz and the Mail page while paused; one request limiter
// for every caller.
import { pino } from "pino";
import { afterEach, describe, expect, test } from "vitest";
import { createServices } from "../create-services";
import { buildApp } from "../http/app";
import type { Services } from "../services";
import { createTestClient, STRONG_PASSWORD, testConfig } from "../test/create-test-context";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";

const mailcow = useMailcowEmulator();
const WRONG_KEY = "WRONG0-D4E5F6-0A1B2C-3D4E5F-6A7B8C";
const MINUTE = 60_000;

const opened: Services[] = [];
afterEach(async () => {
  for (const services of opened.splice(0)) {
    await services.provisioner.stop();
    services.db.close();
  }
});

/** A platform on the emulator with the given key and clock; its log lines (JSON) are collected. */
function platform(apiKey: string, env: Record<string, string> = {}) {
  const lines: Array<{ level: number; component?: string; msg: string }> = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  let clock = Date.parse("2026-07-01T08:00:00Z");
  const services = createServices(testConfig({ PROVISIONING_SIGNUP_DEADLINE_MS: "1000", ...env }), logger, {
    mailcow: { baseUrl: mailcow.config.baseUrl, apiKey },
    now: () => clock,
  });
  opened.push(services);
  return {
    services,
    lines,
    errors: () => lines.filter((line) => line.level >= 50),
    advance: (ms: number) => void (clock += ms),
  };
}

let signUps = 0;
async function signUp(services: Services) {
  const n = ++signUps;
  const client = createTestClient(services, `10.0.${Math.floor(n / 200)}.${n % 200}`);
  const caller = await client.caller();
  const user = await caller.auth.register({ username: `user${n}`, password: STRONG_PASSWORD });
  return { user, caller: await client.caller() };
}

describe("a wrong API key", () => {
  test("one hour of a busy platform costs at most 6 rejected requests at Mailcow (here 3), and one error line", async () => {
    const p = platform(WRONG_KEY);
    const { services } = p;
    // Start: three sign-ups and 50 Mailcow calls at once. Only the first call goes out; it gets the 401.
    const first = await Promise.all([signUp(services), signUp(services), signUp(services)]);
    await Promise.allSettled(Array.from({ length: 50 }, (_, i) => services.mailcow.getMailbox(`someone${i}@${mailcow.emulator.domain}`)));
    expect(mailcow.emulator.stats().requests).toBe(1);
    await services.provisioner.drain();
    const rows = first.map(({ user }) => services.provisioner.store.get(user.id));
    expect(rows.map((row) => [row?.state, row?.reason])).toEqual(Array(3).fill(["pending", "mailcow_auth"]));
    expect(services.mailcow.authStatus()).toMatchObject({ paused: true, reason: "authentication_failed", rejected: 1 });

    // An hour, minute by minute: the worker retries every due job, a sign-up every 10 minutes, Mail pages, a
    // readiness probe, a burst of look-ups.
    for (let minute = 1; minute <= 60; minute++) {
      p.advance(MINUTE);
      if (minute % 10 === 0) await signUp(services);
      await services.provisioner.drain();
      await Promise.allSettled([
        services.mailcow.getVersion(),
        ...first.map(({ caller }) => caller.mailbox.info()),
        ...Array.from({ length: 10 }, (_, i) => services.mailcow.getAlias(`alias${i}@${mailcow.emulator.domain}`)),
      ]);
    }
    // The first 401, then probes after 5 and 20 minutes; the next is due after 65.
    const rejected = mailcow.emulator.stats().requests;
    expect(rejected).toBeLessThanOrEqual(6);
    expect(rejected).toBe(3);
    expect(mailcow.emulator.stats().writes).toBe(0);
    expect(services.mailcow.authStatus()).toMatchObject({ paused: true, rejected: 3 });

    // One error-level line from the adapter, saying what is wrong and what to do; the key itself never logged.
    const fromMailcow = p.errors().filter((line) => line.component === "mailcow");
    expect(fromMailcow).toHaveLength(1);
    expect(fromMailcow[0]!.msg).toMatch(/rejected the API key/);
    expect(fromMailcow[0]!.msg).toMatch(/MAILCOW_API_KEY/);
    expect(fromMailcow[0]!.msg).toMatch(/fail2ban/);
    expect(JSON.stringify(p.lines)).not.toContain(WRONG_KEY);
  });

  test("/readyz answers 503 with mailcow: \"unauthorized\" while paused, and the Mail page says the mail server is unavailable", async () => {
    const p = platform(WRONG_KEY);
    const app = await buildApp(p.services);
    try {
      const { caller } = await signUp(p.services);
      const ready = await app.inject({ url: "/readyz" });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: "not ready", checks: { database: true, mailcow: "unauthorized" } });
      const info = await caller.mailbox.info();
      expect(info).toMatchObject({ state: "pending", reason: "mailcow_auth", mailServer: "unavailable" });
    } finally {
      await app.close();
    }
    // The healthy twin: ready, and the mail server is "ok".
    const healthy = platform(mailcow.emulator.apiKey);
    const good = await buildApp(healthy.services);
    try {
      const ready = await good.inject({ url: "/readyz" });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ checks: { mailcow: true } });
      const { caller } = await signUp(healthy.services);
      await healthy.services.provisioner.drain();
      expect(await caller.mailbox.info()).toMatchObject({ state: "active", mailServer: "ok" });
    } finally {
      await good.close();
    }
  });
});

describe("MAILCOW_MAX_CONCURRENCY", () => {
  test("is one bound for every caller: sign-up look-ups, the worker, Mail pages and direct calls together", async () => {
    const p = platform(mailcow.emulator.apiKey, { MAILCOW_MAX_CONCURRENCY: "3", PROVISIONING_CONCURRENCY: "4" });
    await p.services.mailcow.getVersion(); // the first call goes alone; from here on they may overlap
    mailcow.emulator.setLatency(40);
    const users = await Promise.all(Array.from({ length: 6 }, () => signUp(p.services)));
    await Promise.all([
      p.services.provisioner.drain(),
      ...users.map(({ caller }) => caller.mailbox.info()),
      ...Array.from({ length: 40 }, (_, i) => p.services.mailcow.getMailbox(`nobody${i}@${mailcow.emulator.domain}`)),
    ]);
    const stats = mailcow.emulator.stats();
    expect(stats.requests).toBeGreaterThan(40);
    expect(stats.maxConcurrent).toBeGreaterThan(1);
    expect(stats.maxConcurrent).toBeLessThanOrEqual(3);
  });
});
