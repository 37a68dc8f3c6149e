// The adapter's auth pause, request limiter and read-only detection against the emulator over real HTTP, with an
// injected clock for the pause. A small proxy in front of the emulator plays "the key was revoked in Mailcow"
// (it swaps the key for a wrong one while `revoked`), so a key can go bad and come back while the client runs.
import { createServer, request, type OutgoingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import type { MailcowLog } from "./auth-gate";
import { createMailcowClient, MailcowError, type MailcowConfig } from "./index";

const mailcow = useMailcowEmulator();
const MINUTE = 60_000;

let proxy: Server;
let proxyUrl = "";
let revoked = false;
beforeAll(async () => {
  proxy = createServer((req, res) => {
    const target = new URL(req.url ?? "/", mailcow.emulator.url);
    const headers: OutgoingHttpHeaders = { ...req.headers, host: target.host };
    if (revoked) headers["x-api-key"] = "REVOKED-000000-000000-000000-000000";
    const upstream = request(target, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
});

function recordingLog() {
  const lines: Array<{ level: "error" | "warn" | "info"; msg: string }> = [];
  const log: MailcowLog = {
    error: (_obj, msg) => void lines.push({ level: "error", msg }),
    warn: (_obj, msg) => void lines.push({ level: "warn", msg }),
    info: (_obj, msg) => void lines.push({ level: "info", msg }),
  };
  return { log, lines, errors: () => lines.filter((l) => l.level === "error").map((l) => l.msg) };
}

function setup(overrides: Partial<MailcowConfig> = {}) {
  revoked = false;
  let clock = Date.parse("2026-07-01T08:00:00Z");
  const recorder = recordingLog();
  const client = createMailcowClient({
    baseUrl: proxyUrl,
    apiKey: mailcow.emulator.apiKey,
    timeoutMs: 2_000,
    retryDelayMs: 1,
    now: () => clock,
    log: recorder.log,
    ...overrides,
  });
  return { client, ...recorder, advance: (ms: number) => void (clock += ms) };
}

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as MailcowError,
  );
const someone = (i: number) => `someone${i}@${mailcow.emulator.domain}`;

describe("the auth pause", () => {
  test("a key revoked while calls are in flight: at most the calls in flight get a 401, then nothing until a probe is due", async () => {
    const { client, advance, errors } = setup({ maxConcurrency: 4 });
    await client.getVersion();
    mailcow.emulator.setLatency(30);
    revoked = true;
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => client.getMailbox(someone(i))));
    const reasons = results.map((r) => (r.status === "rejected" ? (r.reason as MailcowError).reason : "ok"));
    const rejected = reasons.filter((r) => r === "authentication_failed").length;
    expect(rejected).toBeGreaterThanOrEqual(1);
    expect(rejected).toBeLessThanOrEqual(4);
    expect(reasons.filter((r) => r === "paused")).toHaveLength(40 - rejected);
    expect(mailcow.emulator.stats().requests).toBe(1 + rejected);
    expect(errors()).toHaveLength(1);

    // Paused calls carry kind "unauthorized" (the platform's key) and reason "paused", and never reach Mailcow.
    const paused = await caught(client.addMailbox({ localPart: "ada", domain: mailcow.emulator.domain, quotaMiB: 1, password: "Secret-123456" }));
    expect(paused).toMatchObject({ kind: "unauthorized", reason: "paused", retryable: false, operation: "addMailbox" });
    expect(mailcow.emulator.stats().requests).toBe(1 + rejected);

    // Probes: not before 5 min, then after 15 more (×3), then 45 more: one request each, whoever calls.
    const before = mailcow.emulator.stats().requests;
    const probeAt = [5, 20, 65];
    for (let minute = 1; minute <= 70; minute++) {
      advance(MINUTE);
      await Promise.allSettled(Array.from({ length: 5 }, (_, i) => client.getMailbox(someone(i))));
      const expected = before + probeAt.filter((m) => m <= minute).length;
      expect(mailcow.emulator.stats().requests, `minute ${minute}`).toBe(expected);
    }
    expect(errors()).toHaveLength(1);
    expect(client.authStatus()).toMatchObject({ paused: true, reason: "authentication_failed", rejected: rejected + 3 });
  });

  test("resumes at the first probe after the key works again; says so at info level", async () => {
    const { client, advance, lines } = setup();
    revoked = true;
    expect(await caught(client.getVersion())).toMatchObject({ reason: "authentication_failed", status: 401 });
    revoked = false;
    // Fixed, but not yet re-checked: still paused, nothing sent.
    expect(await caught(client.getVersion())).toMatchObject({ reason: "paused" });
    expect(mailcow.emulator.stats().requests).toBe(1);
    advance(5 * MINUTE);
    await expect(client.getVersion()).resolves.toMatchObject({ version: "2026-07a" });
    expect(client.authStatus()).toEqual({ paused: false });
    await Promise.all(Array.from({ length: 10 }, (_, i) => client.getMailbox(someone(i))));
    expect(mailcow.emulator.stats().requests).toBe(12);
    expect(lines.map((l) => l.level)).toEqual(["error", "info"]);
  });

  test("a probe that gets no answer (Mailcow down) keeps the pause and the interval", async () => {
    const { client, advance } = setup({ readRetries: 0 });
    revoked = true;
    await caught(client.getVersion());
    mailcow.emulator.fault("down");
    advance(5 * MINUTE);
    expect(await caught(client.getVersion())).toMatchObject({ kind: "unreachable" });
    expect(client.authStatus()).toMatchObject({ paused: true });
    expect(await caught(client.getVersion())).toMatchObject({ reason: "paused" });
    mailcow.emulator.fault(null);
    revoked = false;
    advance(5 * MINUTE);
    await expect(client.getVersion()).resolves.toBeTruthy();
    expect(client.authStatus()).toEqual({ paused: false });
  });

  test("the first call after start goes alone: 50 calls with a wrong key cost one 401", async () => {
    const { client, errors } = setup();
    revoked = true;
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => client.getMailbox(someone(i))));
    expect(mailcow.emulator.stats().requests).toBe(1);
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatch(/MAILCOW_API_KEY/);
  });
});

describe("a read-only key", () => {
  test("reads work; writes fail as read_only; one error line with the fix; nothing is paused", async () => {
    const { client, errors } = setup({ apiKey: mailcow.emulator.readOnlyApiKey! });
    await expect(client.getVersion()).resolves.toBeTruthy();
    const add = () => client.addMailbox({ localPart: "ada", domain: mailcow.emulator.domain, quotaMiB: 1, password: "Secret-123456" });
    for (let i = 0; i < 3; i++) {
      expect(await caught(add())).toMatchObject({ kind: "unauthorized", reason: "read_only", status: 403 });
    }
    expect(await client.getMailbox(someone(1))).toBeNull();
    expect(client.authStatus()).toEqual({ paused: false });
    expect(mailcow.emulator.stats().requests).toBe(5);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatch(/read-only/);
    expect(errors()[0]).toMatch(/create a read-write API key/);
  });
});

describe("the request limiter", () => {
  test.each([4, 2])("50 calls at once with maxConcurrency %i: Mailcow never sees more in flight", async (bound) => {
    const { client } = setup({ maxConcurrency: bound });
    await client.getVersion();
    mailcow.emulator.setLatency(25);
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? client.getMailbox(someone(i)) : client.getAlias(someone(i)))));
    const stats = mailcow.emulator.stats();
    expect(stats.requests).toBe(51);
    expect(stats.maxConcurrent).toBeGreaterThan(1);
    expect(stats.maxConcurrent).toBeLessThanOrEqual(bound);
  });
});
