// Operator alerts over a webhook: a JSON POST to ALERT_WEBHOOK_URL, signed with HMAC-SHA256 (ALERT_WEBHOOK_SECRET),
// retried with exponential back-off (cockatiel). Sending never blocks the caller: alerts go into a small bounded
// in-process queue that one delivery loop drains; when the queue is full an alert is dropped with a log line.
//
// "Once per crossing": notifyOnce(key, alert) records the key in `alert_state` and sends only when the key was not
// there; clear(key) removes it when the condition ends, so the next crossing alerts again. Keys survive restarts.
//
// Signature header (receivers verify with verifyWebhookSignature below, or by hand):
//   X-Platform-Mail-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
// Reject a t older than a few minutes (replays); X-Platform-Mail-Delivery (= body.id) is the same on every retry.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { ExponentialBackoff, handleWhen, retry, type IBackoffFactory, type IRetryBackoffContext } from "cockatiel";
import type { Logger } from "pino";
import type { Db } from "../db/open-database";
import { metrics as processMetrics, type Metrics } from "../metrics";

export const SIGNATURE_HEADER = "x-platform-mail-signature";
export const DELIVERY_HEADER = "x-platform-mail-delivery";

export type AlertKind = "quota_warning" | "quota_critical" | "provisioning_needs_person" | "mailcow_breaker_open" | "reconcile_drift";

export interface Alert {
  kind: AlertKind;
  severity: "info" | "warning" | "critical";
  /** One line for a chat message, in English (operators' language of logs and metrics). */
  summary: string;
  /** Facts for a machine: ids, addresses, percentages. Never passwords or keys. */
  details?: Record<string, unknown>;
}

/** The JSON body POSTed for every alert. */
export interface AlertBody extends Alert {
  /** Unique per alert, the same on every retry of it. */
  id: string;
  /** The dedupe key (e.g. "quota:critical:<userId>"). */
  key: string;
  /** ISO 8601. */
  occurredAt: string;
  source: "platform-mail";
}

export interface AlertNotifierOptions {
  url: string | undefined;
  secret: string | undefined;
  db: Db;
  logger: Logger;
  /** Alerts waiting to be sent; more are dropped with a log line. */
  queueSize?: number;
  /** Tries per alert, the first included. */
  maxAttempts?: number;
  /** Waits between tries (default: exponential from 1 s to 5 min, with jitter). Tests pass zero delays. */
  backoff?: IBackoffFactory<IRetryBackoffContext<unknown>>;
  /** One try's time limit. */
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
  metrics?: Metrics;
}

export interface AlertNotifier {
  /** False when no ALERT_WEBHOOK_URL is set: alerts are still recorded for notifyOnce, just not sent. */
  readonly enabled: boolean;
  /** Queues an alert; false when it was dropped (queue full) or there is no webhook. Never throws, never waits. */
  notify(key: string, alert: Alert): boolean;
  /** Sends only if `key` has not fired since it was last cleared; true when it fired now. */
  notifyOnce(key: string, alert: Alert): boolean;
  /** The condition behind `key` ended: the next notifyOnce(key) fires again. True when the key was set. */
  clear(key: string): boolean;
  /** Resolves when nothing is queued or being sent. */
  idle(): Promise<void>;
}

/** The signature header's value for a body sent at `timestamp` (unix seconds). */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${mac}`;
}

/** For receivers (and tests): true when the header signs this exact raw body and is at most `toleranceSeconds` old. */
export function verifyWebhookSignature(secret: string, body: string, header: string | undefined, nowSeconds: number, toleranceSeconds = 300): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, body, timestamp).slice(`t=${timestamp},v1=`.length), "hex");
  return timingSafeEqual(expected, Buffer.from(match[2]!, "hex"));
}

/** A try that may succeed later: no answer, timeout, 408, 429, 5xx. */
class RetryableDelivery extends Error {}

export function createAlertNotifier(options: AlertNotifierOptions): AlertNotifier {
  const {
    url,
    secret,
    db,
    logger,
    queueSize = 100,
    maxAttempts = 6,
    backoff = new ExponentialBackoff({ initialDelay: 1000, maxDelay: 5 * 60_000 }),
    timeoutMs = 10_000,
    now = Date.now,
    fetch: send = fetch,
    metrics = processMetrics,
  } = options;
  const log = logger.child({ component: "alerts" });
  // Only the origin is logged: webhook URLs often carry a token in their path.
  const target = url ? new URL(url).origin : null;
  const enabled = Boolean(url && secret);
  const queue: AlertBody[] = [];
  let running: Promise<void> | null = null;

  const policy = retry(
    handleWhen((error) => error instanceof RetryableDelivery),
    { maxAttempts: maxAttempts - 1, backoff },
  ).dangerouslyUnref(); // a pending retry does not keep a stopping process alive
  policy.onRetry(() => metrics.alertDelivery("retried"));

  async function deliver(alert: AlertBody): Promise<void> {
    const body = JSON.stringify(alert);
    await policy.execute(async () => {
      let response: Response;
      try {
        response = await send(url!, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "platform-mail-alerts",
            [SIGNATURE_HEADER]: signWebhook(secret!, body, Math.floor(now() / 1000)),
            [DELIVERY_HEADER]: alert.id,
          },
          body,
          redirect: "manual",
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel();
      } catch (error) {
        throw new RetryableDelivery(`no answer: ${(error as Error).message}`);
      }
      if (response.ok) return;
      const status = response.status;
      if (status === 408 || status === 429 || status >= 500) throw new RetryableDelivery(`HTTP ${status}`);
      throw new Error(`HTTP ${status} (not retried: the receiver refused the alert)`);
    });
  }

  async function drain(): Promise<void> {
    for (let alert = queue.shift(); alert; alert = queue.shift()) {
      try {
        await deliver(alert);
        metrics.alertDelivery("sent");
        log.info({ alertId: alert.id, key: alert.key, kind: alert.kind, target }, "alert sent");
      } catch (error) {
        metrics.alertDelivery("failed");
        log.error({ alertId: alert.id, key: alert.key, kind: alert.kind, target, reason: (error as Error).message }, "alert could not be delivered");
      }
    }
  }

  function notify(key: string, alert: Alert): boolean {
    if (!enabled) return false;
    if (queue.length >= queueSize) {
      metrics.alertDelivery("dropped");
      log.warn({ key, kind: alert.kind, queued: queue.length }, "alert dropped: the webhook queue is full");
      return false;
    }
    queue.push({ ...alert, id: randomUUID(), key, occurredAt: new Date(now()).toISOString(), source: "platform-mail" });
    kick();
    return true;
  }

  function kick(): void {
    if (running) return;
    // drain() takes the first alert synchronously, so what stays in `queue` is what waits. An alert queued after
    // the loop saw an empty queue but before it finished is picked up by the restart below.
    running = drain().finally(() => {
      running = null;
      if (queue.length > 0) kick();
    });
  }

  return {
    enabled,
    notify,
    notifyOnce(key, alert) {
      const inserted = db
        .prepare("INSERT INTO alert_state (key, fired_at, payload) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING")
        .run(key, now(), JSON.stringify(alert)).changes;
      if (inserted === 0) return false;
      notify(key, alert);
      return true;
    },
    clear(key) {
      return db.prepare("DELETE FROM alert_state WHERE key = ?").run(key).changes > 0;
    },
    async idle() {
      while (running) await running;
    },
  };
}
