// Operator metrics (Prometheus text format, prom-client). One registry per process holds every named metric;
// other code reports through the small functions of `metrics` (one line at the call site), and the HTTP layer
// serves `registry.metrics()` at GET /metrics. Label values are always from a closed set (route patterns, known
// procedure names, fixed outcome words) so nobody can grow the series count with crafted URLs.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Db } from "./db/open-database";

export const METRIC_PREFIX = "platform_mail_";

/** Stored mailbox states (the CHECK constraint of the mailbox table); reported as 0 when none are in a state. */
export const MAILBOX_STATES = ["provisioning", "active", "pending", "failed", "needs_password", "conflict", "disabled", "deleting"] as const;

/** cockatiel's CircuitState names, in its own order: Closed, Open, HalfOpen, Isolated. */
export const BREAKER_STATES = ["closed", "open", "half_open", "isolated"] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

/** "ok", a MailcowError kind (a `timeout` is split out of unreachable), or a call the breaker refused. */
export type MailcowCallOutcome = "ok" | "rejected" | "unreachable" | "timeout" | "server_error" | "bad_response" | "unauthorized" | "breaker_open";

/** The outcome word for an error thrown by a Mailcow call (anything but a MailcowError counts as bad_response). */
export function mailcowOutcome(error: unknown): MailcowCallOutcome {
  const { kind, reason } = (error ?? {}) as { kind?: unknown; reason?: unknown };
  if (kind === "unreachable" && reason === "timeout") return "timeout";
  if (kind === "rejected" || kind === "unreachable" || kind === "server_error" || kind === "bad_response" || kind === "unauthorized") return kind;
  if ((error as { name?: unknown } | null)?.name === "BrokenCircuitError") return "breaker_open";
  return "bad_response";
}
export type ProvisioningAttemptKind = "create" | "delete";
export type AlertDeliveryOutcome = "sent" | "retried" | "failed" | "dropped";

// Seconds; HTTP answers are mostly a few ms (argon2 sign-ins ~50–100 ms, sign-up waits up to the deadline of 4 s).
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// A Mailcow request: tens of ms on a LAN, up to MAILCOW_TIMEOUT_MS (10 s) when it hangs.
const MAILCOW_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
// A provisioning attempt is up to four Mailcow calls.
const ATTEMPT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export function createMetrics({ defaultMetrics = true }: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });

  const httpRequests = new Counter({
    name: `${METRIC_PREFIX}http_requests_total`,
    help: "HTTP requests answered, by method, route pattern, tRPC procedure (empty outside /trpc) and status code",
    labelNames: ["method", "route", "procedure", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: "Time to answer an HTTP request, by method, route pattern and tRPC procedure",
    labelNames: ["method", "route", "procedure"] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  const trpcErrors = new Counter({
    name: `${METRIC_PREFIX}trpc_errors_total`,
    help: "tRPC procedures that ended in an error, by procedure and tRPC error code",
    labelNames: ["procedure", "code"] as const,
    registers: [registry],
  });
  const loginFailures = new Counter({
    name: `${METRIC_PREFIX}login_failures_total`,
    help: "Refused sign-ins (unknown name or wrong password)",
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: `${METRIC_PREFIX}rate_limit_refusals_total`,
    help: "Requests refused for too many attempts (HTTP 429), by procedure",
    labelNames: ["procedure"] as const,
    registers: [registry],
  });

  let database: Db | null = null;
  new Gauge({
    name: `${METRIC_PREFIX}mailboxes`,
    help: "Mailbox records (provisioning jobs) by stored state; failed and conflict need a person",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      this.reset();
      if (!database?.open) return;
      const counts = new Map<string, number>(MAILBOX_STATES.map((s) => [s, 0]));
      const rows = database.prepare("SELECT state, COUNT(*) AS n FROM mailbox GROUP BY state").all() as { state: string; n: number }[];
      for (const row of rows) counts.set(row.state, row.n);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  const attempts = new Counter({
    name: `${METRIC_PREFIX}provisioning_attempts_total`,
    help: "Provisioning attempts by kind (create, delete) and the state they ended in (or retry)",
    labelNames: ["kind", "outcome"] as const,
    registers: [registry],
  });
  const attemptDuration = new Histogram({
    name: `${METRIC_PREFIX}provisioning_attempt_duration_seconds`,
    help: "Duration of one provisioning attempt, by kind and outcome",
    labelNames: ["kind", "outcome"] as const,
    buckets: ATTEMPT_BUCKETS,
    registers: [registry],
  });
  const mailcowCalls = new Counter({
    name: `${METRIC_PREFIX}mailcow_requests_total`,
    help: "Mailcow API requests by endpoint (operation name) and outcome",
    labelNames: ["endpoint", "outcome"] as const,
    registers: [registry],
  });
  const mailcowDuration = new Histogram({
    name: `${METRIC_PREFIX}mailcow_request_duration_seconds`,
    help: "Mailcow API request latency by endpoint and outcome",
    labelNames: ["endpoint", "outcome"] as const,
    buckets: MAILCOW_BUCKETS,
    registers: [registry],
  });
  const breaker = new Gauge({
    name: `${METRIC_PREFIX}mailcow_circuit_state`,
    help: "The Mailcow circuit breaker: 1 for the current state (closed, open, half_open, isolated), 0 for the others",
    labelNames: ["state"] as const,
    registers: [registry],
  });
  const breakerTransitions = new Counter({
    name: `${METRIC_PREFIX}mailcow_circuit_transitions_total`,
    help: "Times the Mailcow circuit breaker entered a state",
    labelNames: ["state"] as const,
    registers: [registry],
  });
  const imapPool = new Gauge({
    name: `${METRIC_PREFIX}imap_pool_connections`,
    help: "Open IMAP connections in the inbox's connection pool, by state (idle, busy)",
    labelNames: ["state"] as const,
    registers: [registry],
  });
  const alertDeliveries = new Counter({
    name: `${METRIC_PREFIX}alert_webhook_deliveries_total`,
    help: "Alert webhook deliveries: sent, retried (one failed try), failed (gave up), dropped (queue full)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });

  const setBreaker = (current: BreakerState) => {
    for (const state of BREAKER_STATES) breaker.set({ state }, state === current ? 1 : 0);
  };
  setBreaker("closed");
  for (const state of ["idle", "busy"]) imapPool.set({ state }, 0);

  return {
    registry,
    /** The Prometheus text exposition of every metric. */
    text: () => registry.metrics(),
    contentType: registry.contentType,
    /** The database whose mailbox table the `mailboxes` gauge reads at scrape time (null to stop). */
    useDatabase(db: Db | null) {
      database = db;
    },
    /** Read the database the gauge reads, so an owner releases only its own. */
    get database() {
      return database;
    },
    httpRequest(method: string, route: string, procedure: string, status: number, seconds: number) {
      httpRequests.inc({ method, route, procedure, status: String(status) });
      httpDuration.observe({ method, route, procedure }, seconds);
    },
    trpcError(procedure: string, code: string) {
      trpcErrors.inc({ procedure, code });
    },
    loginFailed() {
      loginFailures.inc();
    },
    rateLimited(procedure: string) {
      rateLimited.inc({ procedure });
    },
    provisioningAttempt(kind: ProvisioningAttemptKind, outcome: string, seconds: number) {
      attempts.inc({ kind, outcome });
      attemptDuration.observe({ kind, outcome }, seconds);
    },
    mailcowCall(endpoint: string, outcome: MailcowCallOutcome, seconds: number) {
      mailcowCalls.inc({ endpoint, outcome });
      mailcowDuration.observe({ endpoint, outcome }, seconds);
    },
    mailcowBreaker(state: BreakerState) {
      setBreaker(state);
      breakerTransitions.inc({ state });
    },
    imapPoolSize(idle: number, busy: number) {
      imapPool.set({ state: "idle" }, idle);
      imapPool.set({ state: "busy" }, busy);
    },
    alertDelivery(outcome: AlertDeliveryOutcome) {
      alertDeliveries.inc({ outcome });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The process's metrics: one server process per database (docs/decisions/002-single-process.md). */
export const metrics: Metrics = createMetrics();

/** Seconds since a `performance.now()` reading, for the duration arguments above. */
export function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}
