// Quota alerts, daily snapshots and admin.stats against the Mailcow emulator over real HTTP, with alerts delivered to
// a real webhook receiver on 127.0.0.1 and an injected clock deciding every schedule.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { TRPCError } from "@trpc/server";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { metrics } from "../metrics";
import { createMailcowClient } from "../mailcow";
import type { Services } from "../services";
import { drainLater, manualClock } from "../test/clock";
import { createTestClient, createTestServices, STRONG_PASSWORD } from "../test/create-test-context";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import { dayOf } from "./snapshots";

const mailcow = useMailcowEmulator({ domain: "example.test" });
const MIB = 1_048_576;
const QUOTA = 1024 * MIB;
const SECRET = "stats-webhook-secret-0123456789";
const START = Date.parse("2026-03-04T01:00:00Z");

interface Hook {
  url: string;
  alerts: { key: string; kind: string; severity: string; details: Record<string, unknown> }[];
}
const servers: Server[] = [];
async function receiver(): Promise<Hook> {
  const alerts: Hook["alerts"] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      alerts.push(JSON.parse(body) as Hook["alerts"][number]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, alerts };
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

let clock = manualClock(START);
beforeEach(() => {
  clock = manualClock(START);
});

function services(hook: Hook | null, overrides: Parameters<typeof createTestServices>[0] = {}): Services {
  return createTestServices(
    { PROVISIONING_SIGNUP_DEADLINE_MS: "10000", MAILBOX_INFO_CACHE_SECONDS: "0", ...(hook && { ALERT_WEBHOOK_URL: hook.url, ALERT_WEBHOOK_SECRET: SECRET }), ...overrides },
    { mailcow: { ...mailcow.config, timeoutMs: 10_000 }, now: clock },
  );
}

async function signUp(svc: Services, username: string) {
  const client = createTestClient(svc);
  const user = await (await client.caller()).auth.register({ username, password: STRONG_PASSWORD });
  expect(user.mailbox.state).toBe("active");
  return { user, caller: await client.caller() };
}

async function admin(svc: Services) {
  const signed = await signUp(svc, "root-ada");
  svc.accounts.setRole("root-ada", "admin");
  return signed;
}

/** Usage set as Dovecot would report it. */
const use = (address: string, percent: number) => mailcow.emulator.setMailboxUsage(address, { bytes: Math.round((QUOTA * percent) / 100), messages: percent });

function sample(name: string, labels: Record<string, string>, text: string): number {
  const family = parsePrometheusTextFormat(text).find((f) => f.name === name);
  const found = family?.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)) ?? [];
  return found.reduce((sum, m) => sum + Number(m.value ?? 0), 0);
}

describe("wiring: metrics and alerts", () => {
  test("a sign-up moves the Mailcow request and provisioning attempt counters", async () => {
    const svc = services(null);
    const before = await metrics.text();
    await signUp(svc, "ada");
    const after = await metrics.text();
    for (const [name, labels] of [
      ["platform_mail_mailcow_requests_total", { endpoint: "addMailbox", outcome: "ok" }],
      ["platform_mail_mailcow_requests_total", { endpoint: "getMailbox", outcome: "ok" }],
      ["platform_mail_provisioning_attempts_total", { kind: "create", outcome: "active" }],
    ] as const) {
      expect(sample(name, labels, after), `${name} ${JSON.stringify(labels)}`).toBeGreaterThan(sample(name, labels, before));
    }
    // The parser drops a histogram's labels: its _count line is read from the text itself.
    expect(after).toMatch(/^platform_mail_mailcow_request_duration_seconds_count\{endpoint="addMailbox",outcome="ok"\} [1-9]/m);
  });

  test("a rejected API key opens the breaker: state metric, one alert per opening (a refused probe does not alert again)", async () => {
    const hook = await receiver();
    const svc = services(hook);
    const states: string[] = [];
    const opened = () => hook.alerts.filter((a) => a.key === "mailcow:breaker").length;
    const wrong = createMailcowClient({
      baseUrl: mailcow.config.baseUrl,
      apiKey: "WRONG-KEY-0000",
      authProbeMs: 60_000,
      now: clock,
      readRetries: 0,
      onBreakerChange: (state) => {
        states.push(state);
        if (state === "open") svc.alerts.notifyOnce("mailcow:breaker", { kind: "mailcow_breaker_open", severity: "critical", summary: "paused" });
        if (state === "closed") svc.alerts.clear("mailcow:breaker");
      },
    });
    await expect(wrong.getVersion()).rejects.toMatchObject({ kind: "unauthorized" });
    await expect(wrong.getVersion()).rejects.toMatchObject({ reason: "paused" });
    expect(sample("platform_mail_mailcow_circuit_state", { state: "open" }, await metrics.text())).toBe(1);
    expect(sample("platform_mail_mailcow_requests_total", { endpoint: "getVersion", outcome: "breaker_open" }, await metrics.text())).toBeGreaterThan(0);
    clock.advance(60_000);
    await expect(wrong.getVersion()).rejects.toMatchObject({ kind: "unauthorized" }); // a refused probe: open again
    await svc.alerts.idle();
    expect(states).toEqual(["open", "half_open", "open"]);
    expect(opened()).toBe(1);
  });

  test("the services' own client alerts once when Mailcow refuses the key", async () => {
    const hook = await receiver();
    const svc = createTestServices(
      { ALERT_WEBHOOK_URL: hook.url, ALERT_WEBHOOK_SECRET: SECRET, MAILCOW_AUTH_PROBE_SECONDS: "60" },
      { mailcow: { baseUrl: mailcow.config.baseUrl, apiKey: "WRONG-KEY-0000" }, now: clock },
    );
    await expect(svc.mailcow.getVersion()).rejects.toMatchObject({ kind: "unauthorized" });
    await expect(svc.mailcow.getVersion()).rejects.toMatchObject({ reason: "paused" });
    await expect.poll(() => hook.alerts.length).toBe(1);
    expect(hook.alerts[0]).toMatchObject({ key: "mailcow:breaker", kind: "mailcow_breaker_open", severity: "critical" });
    expect(svc.db.prepare("SELECT key FROM alert_state").all()).toEqual([{ key: "mailcow:breaker" }]);
  });

  test("the breaker alert is cleared when Mailcow accepts the key again, so the next opening alerts again", async () => {
    const hook = await receiver();
    // A Mailcow stand-in whose key check we switch: 401 while `refuse`, a version answer otherwise.
    let refuse = true;
    const stub = createServer((_req, res) => {
      if (refuse) res.writeHead(401, { "content-type": "application/json" }).end('{"type":"error","msg":"authentication failed"}');
      else res.writeHead(200, { "content-type": "application/json" }).end('{"version":"2026-07a"}');
    });
    await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
    servers.push(stub);
    const svc = createTestServices(
      { ALERT_WEBHOOK_URL: hook.url, ALERT_WEBHOOK_SECRET: SECRET, MAILCOW_AUTH_PROBE_SECONDS: "60" },
      { mailcow: { baseUrl: `http://127.0.0.1:${(stub.address() as AddressInfo).port}/api/v1`, apiKey: "SOME-KEY-0000" }, now: clock },
    );
    const breakerRows = () => svc.db.prepare("SELECT key FROM alert_state WHERE key = 'mailcow:breaker'").all().length;
    await expect(svc.mailcow.getVersion()).rejects.toMatchObject({ kind: "unauthorized" });
    expect(breakerRows()).toBe(1);
    refuse = false;
    clock.advance(60_000);
    await svc.mailcow.getVersion(); // the probe is accepted: calls resume
    expect(sample("platform_mail_mailcow_circuit_state", { state: "closed" }, await metrics.text())).toBe(1);
    expect(breakerRows()).toBe(0);
    refuse = true;
    await expect(svc.mailcow.getVersion()).rejects.toMatchObject({ kind: "unauthorized" });
    await svc.alerts.idle();
    expect(hook.alerts.map((a) => a.key)).toEqual(["mailcow:breaker", "mailcow:breaker"]);
  });

  test("a mailbox that needs a person (address taken) alerts once", async () => {
    const hook = await receiver();
    const svc = services(hook);
    mailcow.emulator.fault("down");
    const user = await (await createTestClient(svc).caller()).auth.register({ username: "taken", password: STRONG_PASSWORD });
    mailcow.emulator.fault(null);
    mailcow.emulator.seedMailbox({ localPart: "taken" });
    await drainLater(svc, clock);
    await drainLater(svc, clock);
    await svc.alerts.idle();
    expect(hook.alerts).toHaveLength(1);
    expect(hook.alerts[0]).toMatchObject({ key: `provisioning:${user.id}`, kind: "provisioning_needs_person", details: { state: "conflict", reason: "address_taken" } });
    expect(sample("platform_mail_provisioning_attempts_total", { kind: "create", outcome: "conflict" }, await metrics.text())).toBeGreaterThan(0);
  });
});

describe("quota alerts", () => {
  test("a crossing shows the banner level and raises exactly one alert; falling back clears it, the next crossing alerts again", async () => {
    const hook = await receiver();
    const svc = services(hook);
    const { user, caller } = await signUp(svc, "ada");
    const keys = () => hook.alerts.map((a) => a.key);

    expect((await caller.mailbox.info()).quotaAlert).toBeNull();
    use("ada@example.test", 85);
    for (let poll = 0; poll < 3; poll++) expect((await caller.mailbox.info()).quotaAlert).toBe("warning");
    await svc.alerts.idle();
    expect(keys()).toEqual([`quota:warning:${user.id}`]);
    expect(hook.alerts[0]).toMatchObject({ kind: "quota_warning", severity: "warning", details: { address: "ada@example.test", percent: 85 } });

    use("ada@example.test", 96);
    expect((await caller.mailbox.info()).quotaAlert).toBe("critical");
    expect((await caller.mailbox.info()).quotaAlert).toBe("critical");
    await svc.alerts.idle();
    expect(keys()).toEqual([`quota:warning:${user.id}`, `quota:critical:${user.id}`]);

    use("ada@example.test", 10);
    expect((await caller.mailbox.info()).quotaAlert).toBeNull();
    expect(svc.db.prepare("SELECT COUNT(*) AS n FROM alert_state WHERE key LIKE 'quota:%'").get()).toEqual({ n: 0 });
    use("ada@example.test", 90);
    expect((await caller.mailbox.info()).quotaAlert).toBe("warning");
    await svc.alerts.idle();
    expect(keys()).toHaveLength(3);
  });

  test("the daily snapshot evaluates quotas too; a second look at the same level sends nothing", async () => {
    const hook = await receiver();
    const svc = services(hook);
    const { user, caller } = await signUp(svc, "ada");
    use("ada@example.test", 97);
    await svc.snapshots.takeNow();
    await svc.snapshots.takeNow();
    expect((await caller.mailbox.info()).quotaAlert).toBe("critical");
    await svc.alerts.idle();
    expect(hook.alerts.map((a) => a.key)).toEqual([`quota:critical:${user.id}`]);
    // The mark that survives a restart: a new process finds the row and does not alert again.
    expect(svc.db.prepare("SELECT key FROM alert_state").all()).toEqual([{ key: `quota:critical:${user.id}` }]);
    expect(svc.alerts.notifyOnce(`quota:critical:${user.id}`, { kind: "quota_critical", severity: "critical", summary: "x" })).toBe(false);
  });

  test("thresholds come from QUOTA_WARN_PERCENT / QUOTA_CRITICAL_PERCENT, critical must be above warning", async () => {
    const svc = services(null, { QUOTA_WARN_PERCENT: "50", QUOTA_CRITICAL_PERCENT: "60" });
    const { caller } = await signUp(svc, "ada");
    use("ada@example.test", 55);
    expect((await caller.mailbox.info()).quotaAlert).toBe("warning");
    expect(() => services(null, { QUOTA_WARN_PERCENT: "90", QUOTA_CRITICAL_PERCENT: "90" })).toThrow(/QUOTA_CRITICAL_PERCENT: must be above QUOTA_WARN_PERCENT/);
  });
});

describe("daily snapshots", () => {
  test("one Mailcow call per domain; only mailboxes owned exactly by a platform user are counted", async () => {
    const svc = services(null);
    const ada = await signUp(svc, "ada");
    const bob = await signUp(svc, "bob");
    use("ada@example.test", 50);
    use("bob@example.test", 10);
    // Carries the platform tag but another owner's tag; and one with no platform tags at all.
    mailcow.emulator.seedMailbox({ localPart: "mallory", tags: ["platform-mail", `platform-mail-user-${ada.user.id}x`] });
    mailcow.emulator.seedMailbox({ localPart: "outsider" });
    // Takes mallory's address in the platform for another user: the tag still is not that user's.
    svc.db.prepare("UPDATE mailbox SET address = 'mallory@example.test' WHERE user_id = ?").run(bob.user.id);

    const before = mailcow.emulator.stats().requests;
    const report = await svc.snapshots.takeNow();
    expect(mailcow.emulator.stats().requests - before).toBe(1);
    expect(report.domains).toEqual([{ domain: "example.test", mailboxes: 1, ok: true }]);
    const rows = svc.db.prepare("SELECT user_id, address, used_bytes, quota_bytes, messages FROM stats_mailbox_day").all();
    expect(rows).toEqual([{ user_id: ada.user.id, address: "ada@example.test", used_bytes: QUOTA / 2, quota_bytes: QUOTA, messages: 50 }]);
    expect(svc.db.prepare("SELECT day, domain, mailboxes, allocated_bytes, used_bytes FROM stats_domain_day").all()).toEqual([
      { day: "2026-03-04", domain: "example.test", mailboxes: 1, allocated_bytes: QUOTA, used_bytes: QUOTA / 2 },
    ]);
  });

  test("runs once a day at STATS_SNAPSHOT_HOUR (injected clock), retried while Mailcow is down", async () => {
    const svc = services(null, { STATS_SNAPSHOT_HOUR: "3" });
    await signUp(svc, "ada");
    expect(await svc.snapshots.runIfDue()).toBeNull(); // 01:00
    clock.advance(2 * 3_600_000 + 60_000); // 03:01
    mailcow.emulator.fault("down");
    expect(await svc.snapshots.runIfDue()).toMatchObject({ domains: [{ ok: false }] });
    mailcow.emulator.fault(null);
    clock.advance(3_600_000);
    expect(await svc.snapshots.runIfDue()).toMatchObject({ day: "2026-03-04", domains: [{ ok: true, mailboxes: 1 }] });
    clock.advance(3_600_000);
    expect(await svc.snapshots.runIfDue()).toBeNull();
    clock.advance(22 * 3_600_000); // the next day, 03:01
    expect(await svc.snapshots.runIfDue()).toMatchObject({ day: "2026-03-05" });
  });

  test("without an hour: every 24 h from the last run", async () => {
    const svc = services(null);
    await signUp(svc, "ada");
    expect(await svc.snapshots.runIfDue()).not.toBeNull();
    clock.advance(23 * 3_600_000);
    expect(await svc.snapshots.runIfDue()).toBeNull();
    clock.advance(3_600_000);
    expect(await svc.snapshots.runIfDue()).not.toBeNull();
  });

  test("prunes days older than STATS_RETENTION_DAYS", async () => {
    const svc = services(null, { STATS_RETENTION_DAYS: "30" });
    const { user } = await signUp(svc, "ada");
    const insertDomain = svc.db.prepare("INSERT INTO stats_domain_day (day, domain, taken_at, mailboxes, allocated_bytes, used_bytes) VALUES (?, 'example.test', 0, 1, 1, 1)");
    const insertMailbox = svc.db.prepare(
      "INSERT INTO stats_mailbox_day (day, user_id, address, domain, used_bytes, quota_bytes, messages) VALUES (?, ?, 'ada@example.test', 'example.test', 1, 1, 1)",
    );
    for (const daysAgo of [31, 30, 29]) {
      const day = dayOf(START - daysAgo * 86_400_000);
      insertDomain.run(day);
      insertMailbox.run(day, user.id);
    }
    const report = await svc.snapshots.takeNow();
    expect(report.pruned).toBe(2);
    expect(svc.db.prepare("SELECT day FROM stats_domain_day ORDER BY day").all()).toEqual(
      [30, 29, 0].map((d) => ({ day: dayOf(START - d * 86_400_000) })),
    );
  });
});

describe("admin.stats", () => {
  test("only admins", async () => {
    const svc = services(null);
    const { caller } = await signUp(svc, "ada");
    await expect(caller.admin.stats.summary()).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(createTestClient(svc).caller().then((c) => c.admin.stats.summary())).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  test("summary, series and nearFull shapes from snapshots", async () => {
    const svc = services(null);
    const { caller } = await admin(svc);
    await signUp(svc, "ada");
    await signUp(svc, "bob");
    use("ada@example.test", 96);
    use("bob@example.test", 30);
    const empty = await caller.admin.stats.summary();
    expect(empty).toMatchObject({ snapshotDay: null, totals: { accounts: 3, mailboxes: 0 } });

    await svc.snapshots.takeNow();
    clock.advance(86_400_000);
    use("bob@example.test", 85);
    await svc.snapshots.takeNow();

    const summary = await caller.admin.stats.summary();
    expect(summary).toMatchObject({
      snapshotDay: "2026-03-05",
      thresholds: { warnPercent: 80, criticalPercent: 95 },
      totals: { accounts: 3, mailboxes: 3, allocatedBytes: 3 * QUOTA, nearFull: 2 },
      activeUsers: { days: 30, imap: 0, smtp: 0, webmail: 0, any: 0 },
      quotaDistribution: { unlimited: 0 },
    });
    expect(summary.totals.usedBytes).toBe(Math.round(QUOTA * 0.96) + Math.round(QUOTA * 0.85));
    expect(summary.quotaDistribution.buckets).toEqual([
      { from: 0, to: 25, count: 1 },
      { from: 25, to: 50, count: 0 },
      { from: 50, to: 80, count: 0 },
      { from: 80, to: 95, count: 1 },
      { from: 95, to: 100, count: 1 },
      { from: 100, to: null, count: 0 },
    ]);
    expect(summary.provisioning.states).toContainEqual({ state: "active", count: 3 });
    expect(summary.provisioning.durations).toMatchObject({ count: 3, medianSeconds: 0 });
    expect(summary.provisioning.outcomes).toEqual([{ state: "active", count: 3 }]);

    const series = await caller.admin.stats.series({ metric: "near_full", from: "2026-03-01", to: "2026-03-31" });
    expect(series).toEqual({
      metric: "near_full",
      from: "2026-03-01",
      to: "2026-03-31",
      points: [
        { day: "2026-03-04", value: 1 },
        { day: "2026-03-05", value: 2 },
      ],
    });
    expect((await caller.admin.stats.series({ metric: "mailboxes", from: "2026-03-05", to: "2026-03-05" })).points).toEqual([{ day: "2026-03-05", value: 3 }]);

    const near = await caller.admin.stats.nearFull();
    expect(near.items.map((i) => [i.username, i.level, i.percent])).toEqual([
      ["ada", "critical", 96],
      ["bob", "warning", 85],
    ]);
  });

  test("active users by protocol: a login within 30 days of the snapshot", async () => {
    const svc = services(null);
    const { caller } = await admin(svc);
    const at = (daysAgo: number) => Math.floor(START / 1000) - daysAgo * 86_400;
    const insert = svc.db.prepare(
      "INSERT INTO stats_mailbox_day (day, user_id, address, domain, used_bytes, quota_bytes, messages, last_imap_login, last_smtp_login, last_webmail_login) VALUES ('2026-03-04', ?, ?, 'example.test', 0, 1, 0, ?, ?, ?)",
    );
    insert.run("u1", "a@example.test", at(1), null, null);
    insert.run("u2", "b@example.test", at(40), at(2), at(3));
    insert.run("u3", "c@example.test", at(45), null, null);
    svc.db.prepare("INSERT INTO stats_domain_day VALUES ('2026-03-04', 'example.test', ?, 3, 3, 0)").run(START);
    expect((await caller.admin.stats.summary()).activeUsers).toEqual({ days: 30, imap: 1, smtp: 1, webmail: 1, any: 2 });
    expect((await caller.admin.stats.series({ metric: "active_users", from: "2026-03-04", to: "2026-03-04" })).points).toEqual([{ day: "2026-03-04", value: 2 }]);
  });

  test("bad series input is a field error, not a 500", async () => {
    const svc = services(null);
    const { caller } = await admin(svc);
    const error = await caller.admin.stats.series({ metric: "used_bytes", from: "2026-03-05", to: "2026-03-01" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    // @ts-expect-error: an unknown metric
    await expect(caller.admin.stats.series({ metric: "bogus", from: "2026-03-01", to: "2026-03-01" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
