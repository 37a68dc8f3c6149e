// The fault switches that stand in for a sick Mailcow, latency, and the request statistics.
import { connect } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { startMailcowEmulator, type MailcowEmulator } from "./index";
import { api, mailboxBody, rawRequest, type Api } from "./test-support";

let mailcow: MailcowEmulator;
let rw: Api;

beforeAll(async () => {
  mailcow = await startMailcowEmulator({ slowMs: 150 });
  rw = api(mailcow.url, mailcow.apiKey);
});
afterAll(async () => {
  await mailcow.close();
});
beforeEach(() => {
  mailcow.reset();
});

/** Resolves with the error code of a plain TCP connect to the emulator's port, or "connected". */
function tcpConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;
const version = () => rw.get("/get/status/version");
const elapsed = async (fn: () => Promise<unknown>) => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};

describe("fault modes", () => {
  test("down: connections are refused; recovery listens again on the same port", async () => {
    mailcow.fault("down");
    expect(await tcpConnect(mailcow.port)).toBe("ECONNREFUSED");
    await expect(version()).rejects.toSatisfy((error) => errorCode(error) === "ECONNREFUSED");
    await expect(fetch(`${mailcow.url}/get/status/version`)).rejects.toThrow();

    mailcow.fault(null);
    const response = await version();
    expect(response.status).toBe(200);
    expect(new URL(mailcow.url).port).toBe(String(mailcow.port));
  });

  test("down survives repeated switching and reset() brings the server back", async () => {
    mailcow.fault("down");
    mailcow.fault("down");
    mailcow.fault("html500");
    expect((await version()).status).toBe(500);
    mailcow.fault("down");
    mailcow.reset();
    expect((await version()).status).toBe(200);
  });

  test("reset: the connection is accepted and reset, nothing is written", async () => {
    mailcow.fault("reset");
    await expect(rw.post("/add/mailbox", mailboxBody("jo", mailcow.domain))).rejects.toSatisfy((error) =>
      ["ECONNRESET", "socket hang up", "EPIPE"].includes(errorCode(error)),
    );
    mailcow.fault(null);
    expect(mailcow.mailbox(`jo@${mailcow.domain}`)).toBeNull();
    expect((await version()).status).toBe(200);
  });

  test("slow: the answer comes after slowMs, and it is the normal answer", async () => {
    mailcow.fault("slow");
    let response: Awaited<ReturnType<typeof version>> | undefined;
    const ms = await elapsed(async () => {
      response = await version();
    });
    expect(ms).toBeGreaterThanOrEqual(140);
    expect(response?.body).toBe('{"version":"2026-07a"}');
  });

  test("html500: HTTP 500 with an HTML page", async () => {
    mailcow.fault("html500");
    const response = await rw.post("/add/mailbox", mailboxBody("jo", mailcow.domain));
    expect(response.status).toBe(500);
    expect(response.contentType).toBe("text/html; charset=utf-8");
    expect(response.body).toMatch(/^<!DOCTYPE html>/);
    expect(mailcow.mailbox(`jo@${mailcow.domain}`)).toBeNull();
  });

  test("danger: writes answer 200 mysql_error and change nothing; reads still work", async () => {
    mailcow.seedMailbox({ localPart: "existing" });
    mailcow.fault("danger");
    for (const [path, body] of [
      ["/add/mailbox", mailboxBody("jo", mailcow.domain)],
      ["/edit/mailbox", { items: [`existing@${mailcow.domain}`], attr: { active: 0, password: "x", password2: "x" } }],
      ["/delete/mailbox", [`existing@${mailcow.domain}`]],
    ] as const) {
      const response = await rw.post(path, body);
      expect(response.status).toBe(200);
      const entries = JSON.parse(response.body) as unknown[];
      expect(entries).toEqual([expect.objectContaining({ type: "danger", msg: "mysql_error" })]);
      expect(response.body).not.toContain('"x"');
    }
    expect(mailcow.mailbox(`jo@${mailcow.domain}`)).toBeNull();
    expect(mailcow.mailbox(`existing@${mailcow.domain}`)).toMatchObject({ active: 1 });
    const list = JSON.parse((await rw.get("/get/mailbox/all")).body) as { username: string }[];
    expect(list.map((m) => m.username)).toEqual([`existing@${mailcow.domain}`]);
    // Authentication still comes first.
    expect((await rawRequest(`${mailcow.url}/add/mailbox`, { method: "POST", headers: { "X-API-Key": "wrong" } })).status).toBe(401);
  });

  test("malformed: 200 with a body that is not JSON; the request itself was processed", async () => {
    mailcow.fault("malformed");
    const write = await rw.post("/add/mailbox", mailboxBody("jo", mailcow.domain));
    expect(write.status).toBe(200);
    expect(() => JSON.parse(write.body) as unknown).toThrow();
    expect(mailcow.mailbox(`jo@${mailcow.domain}`)).not.toBeNull();
    for (const path of ["/get/mailbox/all", "/get/mailbox/nobody@example.test", "/get/status/version"]) {
      const read = await rw.get(path);
      expect(read.status).toBe(200);
      expect(() => JSON.parse(read.body) as unknown).toThrow();
    }
  });

  test("close() does not wait for a stalled request", async () => {
    const slow = await startMailcowEmulator({ slowMs: 60_000 });
    slow.fault("slow");
    const pending = rawRequest(`${slow.url}/get/status/version`, { headers: { "X-API-Key": slow.apiKey } }).catch(() => "dropped");
    // The request has reached the emulator (and stalls there) before close() is called.
    await vi.waitFor(() => expect(slow.stats().requests).toBe(1));
    // The stall (60 s) outlasts the test's own timeout (20 s): a close() that waited for it would fail the test.
    await slow.close();
    expect(await pending).toBe("dropped");
  });
});

describe("latency and statistics", () => {
  test("setLatency adds a delay to every response", async () => {
    mailcow.setLatency(80);
    expect(await elapsed(version)).toBeGreaterThanOrEqual(75);
    mailcow.setLatency(0);
    expect(() => mailcow.setLatency(-1)).toThrow();
  });

  test("stats() counts requests, writes and the peak of concurrent requests", async () => {
    mailcow.setLatency(60);
    await Promise.all(Array.from({ length: 5 }, () => version()));
    await rw.post("/add/mailbox", mailboxBody("jo", mailcow.domain));
    await rw.post("/edit/mailbox", { items: [`jo@${mailcow.domain}`], attr: { active: 0 } });
    expect(mailcow.stats()).toEqual({ requests: 7, writes: 2, maxConcurrent: 5 });
    mailcow.reset();
    expect(mailcow.stats()).toEqual({ requests: 0, writes: 0, maxConcurrent: 0 });
  });

  test("the initial latencyMs option applies from the start and after reset()", async () => {
    const slowish = await startMailcowEmulator({ latencyMs: 60 });
    try {
      const get = () => rawRequest(`${slowish.url}/get/status/version`, { headers: { "X-API-Key": slowish.apiKey } });
      expect(await elapsed(get)).toBeGreaterThanOrEqual(55);
      slowish.setLatency(0);
      slowish.reset();
      expect(await elapsed(get)).toBeGreaterThanOrEqual(55);
    } finally {
      await slowish.close();
    }
  });
});
