import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, test } from "vitest";
import { createTestServices, STRONG_PASSWORD } from "../test/create-test-context";
import { useTestApps } from "../test/use-test-apps";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import { isLoopback, procedureLabel } from "./metrics";

const startApp = useTestApps();

const mailcow = useMailcowEmulator();

async function start(overrides: Parameters<typeof createTestServices>[0] = {}) {
  const app = await startApp(createTestServices(overrides, { mailcow: mailcow.config }));
  return app;
}

type App = Awaited<ReturnType<typeof start>>;

async function scrape(app: App, headers: Record<string, string> = {}) {
  const res = await app.inject({ url: "/metrics", headers });
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toContain("text/plain");
  return parsePrometheusTextFormat(res.body);
}

/** The sum of the samples whose labels include `labels` (0 when there is no such series yet). */
function sample(families: ReturnType<typeof parsePrometheusTextFormat>, name: string, labels: Record<string, string>): number {
  const family = families.find((f) => f.name === name);
  const found = family?.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)) ?? [];
  return found.reduce((sum, m) => sum + Number(m.value ?? 0), 0);
}

const post = (url: string, body: unknown) => ({
  method: "POST" as const,
  url,
  headers: { "content-type": "application/json" },
  payload: JSON.stringify(body),
});

describe("GET /metrics", () => {
  test("parses as Prometheus text and counts a sign-up under its procedure, with mailbox states and process metrics", async () => {
    const app = await start();
    const before = await scrape(app);
    const signupSeries = { route: "/trpc/:path", procedure: "auth.register", status: "200", method: "POST" };
    const signups = sample(before, "platform_mail_http_requests_total", signupSeries);

    const res = await app.inject(post("/trpc/auth.register", { username: "ada", password: STRONG_PASSWORD }));
    expect(res.statusCode).toBe(200);

    const after = await scrape(app);
    expect(sample(after, "platform_mail_http_requests_total", signupSeries)).toBe(signups + 1);
    const names = after.map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "platform_mail_http_request_duration_seconds",
        "platform_mail_mailcow_requests_total",
        "platform_mail_mailcow_circuit_state",
        "platform_mail_provisioning_attempts_total",
        "platform_mail_provisioning_attempt_duration_seconds",
        "platform_mail_login_failures_total",
        "platform_mail_rate_limit_refusals_total",
        "platform_mail_imap_pool_connections",
        "platform_mail_process_cpu_seconds_total",
        "platform_mail_nodejs_heap_size_used_bytes",
      ]),
    );
    expect(after.find((f) => f.name === "platform_mail_http_request_duration_seconds")?.type).toBe("HISTOGRAM");
    // The mailbox gauge is read from the database at scrape time: this sign-up's mailbox is active, and every
    // other state is reported as 0 so alert rules see a series.
    expect(sample(after, "platform_mail_mailboxes", { state: "active" })).toBe(1);
    expect(sample(after, "platform_mail_mailboxes", { state: "failed" })).toBe(0);
    expect(after.find((f) => f.name === "platform_mail_mailboxes")?.metrics).toHaveLength(8);
    expect(sample(after, "platform_mail_mailcow_circuit_state", { state: "closed" })).toBe(1);
  });

  test("counts refused sign-ins and rate-limit refusals from the tRPC error handler", async () => {
    const app = await start({ LOGIN_RATE_LIMIT_POINTS: "2" });
    const before = await scrape(app);
    const login = () => app.inject(post("/trpc/auth.login", { login: "nobody", password: "wrong-password" }));
    expect((await login()).statusCode).toBe(401);
    expect((await login()).statusCode).toBe(401);
    expect((await login()).statusCode).toBe(429);
    const after = await scrape(app);
    expect(sample(after, "platform_mail_login_failures_total", {}) - sample(before, "platform_mail_login_failures_total", {})).toBe(2);
    const limited = { procedure: "auth.login" };
    expect(sample(after, "platform_mail_rate_limit_refusals_total", limited) - sample(before, "platform_mail_rate_limit_refusals_total", limited)).toBe(1);
    const unauthorized = { procedure: "auth.login", code: "UNAUTHORIZED" };
    expect(sample(after, "platform_mail_trpc_errors_total", unauthorized) - sample(before, "platform_mail_trpc_errors_total", unauthorized)).toBe(2);
  });

  test("labels are route patterns and known procedure names, never raw URLs", async () => {
    const app = await start();
    await app.inject({ url: "/trpc/secret-token-abc123?input=%7B%7D" });
    await app.inject({ url: "/trpc/auth.me,secret-token-abc123?batch=1" });
    await app.inject({ url: "/no/such/page/secret-token-abc123" });
    const res = await app.inject({ url: "/metrics" });
    expect(res.body).not.toContain("secret-token-abc123");
    const families = parsePrometheusTextFormat(res.body);
    expect(sample(families, "platform_mail_http_requests_total", { route: "/trpc/:path", procedure: "(unknown)" })).toBeGreaterThanOrEqual(2);
    expect(sample(families, "platform_mail_http_requests_total", { route: "(no route)", status: "404" })).toBeGreaterThanOrEqual(1);
    expect(procedureLabel("auth.me,mailbox.info")).toBe("(batch)");
    expect(procedureLabel("mailbox.info")).toBe("mailbox.info");
  });

  test("with METRICS_TOKEN: 401 without the bearer token or with a wrong one, 200 with it, from any address", async () => {
    const token = "metrics-token-0123456789abcdef";
    const app = await start({ METRICS_TOKEN: token });
    const none = await app.inject({ url: "/metrics" });
    expect(none.statusCode).toBe(401);
    expect(none.headers["www-authenticate"]).toContain("Bearer");
    expect(none.body).not.toContain("platform_mail_");
    const wrong = await app.inject({ url: "/metrics", headers: { authorization: `Bearer ${token}x` } });
    expect(wrong.statusCode).toBe(401);
    const basic = await app.inject({ url: "/metrics", headers: { authorization: `Basic ${Buffer.from(`u:${token}`).toString("base64")}` } });
    expect(basic.statusCode).toBe(401);
    const remote = await app.inject({ url: "/metrics", remoteAddress: "203.0.113.7", headers: { authorization: `Bearer ${token}` } });
    expect(remote.statusCode).toBe(200);
    expect(remote.body).toContain("platform_mail_http_requests_total");
  });

  test("without METRICS_TOKEN: only loopback clients, and not through a proxy", async () => {
    const app = await start();
    const remote = await app.inject({ url: "/metrics", remoteAddress: "10.1.2.3" });
    expect(remote.statusCode).toBe(403);
    expect(remote.json().message).toContain("METRICS_TOKEN");
    expect((await app.inject({ url: "/metrics", remoteAddress: "::ffff:10.1.2.3" })).statusCode).toBe(403);
    const proxied = await app.inject({ url: "/metrics", remoteAddress: "127.0.0.1", headers: { "x-forwarded-for": "198.51.100.4" } });
    expect(proxied.statusCode).toBe(403);
    expect((await app.inject({ url: "/metrics", remoteAddress: "::1" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/metrics", remoteAddress: "::ffff:127.0.0.1" })).statusCode).toBe(200);
    expect(isLoopback("127.8.9.10")).toBe(true);
    expect(isLoopback("not an address")).toBe(false);
  });
});
