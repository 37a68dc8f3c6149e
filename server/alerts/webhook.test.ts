// The alert webhook against a real HTTP receiver on 127.0.0.1: signed JSON, retried after a 500 (zero back-off
// injected, so no sleep decides anything), once per crossing via the alert_state table, bounded queue.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { IBackoff, IBackoffFactory, IRetryBackoffContext } from "cockatiel";
import { pino } from "pino";
import { afterEach, describe, expect, test } from "vitest";
import { openDatabase } from "../db/open-database";
import { createMetrics } from "../metrics";
import { createAlertNotifier, DELIVERY_HEADER, SIGNATURE_HEADER, signWebhook, verifyWebhookSignature, type Alert } from "./webhook";

const SECRET = "webhook-secret-0123456789";
const NOW = Date.parse("2026-03-04T05:06:07Z");

interface Received {
  body: string;
  headers: IncomingMessage["headers"];
}

/** A receiver that answers with the given statuses in turn (then 200), or holds requests while `hold` is set. */
async function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const held: ServerResponse[] = [];
  let hold = false;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ body, headers: req.headers });
      if (hold) return void held.push(res);
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/platform-mail?token=abc`,
    received,
    holdRequests: () => void (hold = true),
    release() {
      hold = false;
      for (const res of held.splice(0)) res.writeHead(200).end();
    },
  };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Zero waits, but records each back-off step it was asked for (the policy's attempt numbers). */
function recordingBackoff(steps: number[]): IBackoffFactory<IRetryBackoffContext<unknown>> {
  const next = (context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> => {
    steps.push(context.attempt);
    return { duration: 0, next };
  };
  return { next };
}

function logLines() {
  const lines: { msg: string; [key: string]: unknown }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: pino({ level: "info" }, stream) };
}

const quotaCritical: Alert = {
  kind: "quota_critical",
  severity: "critical",
  summary: "ada@example.test is 96% full",
  details: { address: "ada@example.test", percent: 96 },
};

function setup(url: string | undefined, options: Partial<Parameters<typeof createAlertNotifier>[0]> = {}) {
  const db = openDatabase(":memory:");
  const { lines, logger } = logLines();
  const metrics = createMetrics({ defaultMetrics: false });
  const steps: number[] = [];
  const notifier = createAlertNotifier({ url, secret: SECRET, db, logger, now: () => NOW, backoff: recordingBackoff(steps), metrics, ...options });
  return { db, lines, metrics, steps, notifier };
}

describe("alert webhook", () => {
  test("POSTs signed JSON; a 500 is retried with back-off and the retry carries the same delivery id", async () => {
    const hook = await receiver([500]);
    const { notifier, steps, lines, metrics } = setup(hook.url);
    expect(notifier.enabled).toBe(true);
    expect(notifier.notify("quota:critical:u1", quotaCritical)).toBe(true);
    await notifier.idle();

    expect(hook.received).toHaveLength(2);
    expect(steps).toEqual([1]);
    const [first, second] = hook.received as [Received, Received];
    expect(first.body).toBe(second.body);
    expect(first.headers[DELIVERY_HEADER]).toBe(second.headers[DELIVERY_HEADER]);
    expect(first.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(second.body);
    expect(body).toEqual({
      ...quotaCritical,
      id: second.headers[DELIVERY_HEADER],
      key: "quota:critical:u1",
      occurredAt: "2026-03-04T05:06:07.000Z",
      source: "platform-mail",
    });
    // What a receiver does: recompute the HMAC over "<t>.<raw body>" with the shared secret.
    const signature = String(second.headers[SIGNATURE_HEADER]);
    expect(signature).toBe(signWebhook(SECRET, second.body, NOW / 1000));
    expect(verifyWebhookSignature(SECRET, second.body, signature, NOW / 1000)).toBe(true);
    expect(verifyWebhookSignature("another-secret-0123456", second.body, signature, NOW / 1000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, second.body.replace("96", "97"), signature, NOW / 1000)).toBe(false);
    expect(verifyWebhookSignature(SECRET, second.body, signature, NOW / 1000 + 600)).toBe(false);

    expect(lines.find((l) => l.msg === "alert sent")).toMatchObject({ key: "quota:critical:u1", target: new URL(hook.url).origin });
    expect(JSON.stringify(lines)).not.toContain("token=abc");
    expect(JSON.stringify(lines)).not.toContain(SECRET);
    const text = await metrics.text();
    expect(text).toContain('platform_mail_alert_webhook_deliveries_total{outcome="retried"} 1');
    expect(text).toContain('platform_mail_alert_webhook_deliveries_total{outcome="sent"} 1');
  });

  test("gives up after the last try and logs it; a 4xx refusal is not retried", async () => {
    const failing = await receiver([503, 503, 503]);
    const { notifier, lines } = setup(failing.url, { maxAttempts: 3 });
    notifier.notify("breaker", { kind: "mailcow_breaker_open", severity: "critical", summary: "Mailcow circuit breaker opened" });
    await notifier.idle();
    expect(failing.received).toHaveLength(3);
    expect(lines.find((l) => l.msg === "alert could not be delivered")).toMatchObject({ key: "breaker", reason: expect.stringContaining("HTTP 503") });

    const refusing = await receiver([400]);
    const second = setup(refusing.url);
    second.notifier.notify("breaker", { kind: "mailcow_breaker_open", severity: "critical", summary: "Mailcow circuit breaker opened" });
    await second.notifier.idle();
    expect(refusing.received).toHaveLength(1);
    expect(second.lines.find((l) => l.msg === "alert could not be delivered")?.reason).toContain("HTTP 400 (not retried");
  });

  test("notifyOnce fires once per crossing: again only after clear(key)", async () => {
    const hook = await receiver();
    const { notifier, db } = setup(hook.url);
    expect(notifier.notifyOnce("quota:critical:u1", quotaCritical)).toBe(true);
    expect(notifier.notifyOnce("quota:critical:u1", quotaCritical)).toBe(false);
    expect(notifier.notifyOnce("quota:critical:u2", quotaCritical)).toBe(true);
    await notifier.idle();
    expect(hook.received.map((r) => JSON.parse(r.body).key)).toEqual(["quota:critical:u1", "quota:critical:u2"]);
    expect(db.prepare("SELECT key FROM alert_state ORDER BY key").pluck().all()).toEqual(["quota:critical:u1", "quota:critical:u2"]);

    expect(notifier.clear("quota:critical:u1")).toBe(true);
    expect(notifier.clear("quota:critical:u1")).toBe(false);
    expect(notifier.notifyOnce("quota:critical:u1", quotaCritical)).toBe(true);
    await notifier.idle();
    expect(hook.received).toHaveLength(3);
  });

  test("never blocks: a full queue drops the alert with a log line while a delivery hangs", async () => {
    const hook = await receiver();
    hook.holdRequests();
    const { notifier, lines, metrics } = setup(hook.url, { queueSize: 1 });
    expect(notifier.notify("a", quotaCritical)).toBe(true); // being sent (held by the receiver)
    expect(notifier.notify("b", quotaCritical)).toBe(true); // waits in the queue
    expect(notifier.notify("c", quotaCritical)).toBe(false); // dropped
    expect(lines.find((l) => l.msg === "alert dropped: the webhook queue is full")).toMatchObject({ key: "c", kind: "quota_critical" });
    await expect.poll(() => hook.received.length).toBe(1);
    hook.release();
    await expect.poll(() => hook.received.length).toBe(2);
    hook.release();
    await notifier.idle();
    expect(hook.received.map((r) => JSON.parse(r.body).key)).toEqual(["a", "b"]);
    expect(await metrics.text()).toContain('platform_mail_alert_webhook_deliveries_total{outcome="dropped"} 1');
  });

  test("without ALERT_WEBHOOK_URL nothing is sent, but notifyOnce still keeps its once-per-crossing record", () => {
    const { notifier, db } = setup(undefined);
    expect(notifier.enabled).toBe(false);
    expect(notifier.notify("x", quotaCritical)).toBe(false);
    expect(notifier.notifyOnce("x", quotaCritical)).toBe(true);
    expect(notifier.notifyOnce("x", quotaCritical)).toBe(false);
    expect(db.prepare("SELECT COUNT(*) FROM alert_state").pluck().get()).toBe(1);
  });
});
