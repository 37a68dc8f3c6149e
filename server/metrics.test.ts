// The named metrics, and the sample dashboard and alert rules that refer to them by name.
import { readFileSync } from "node:fs";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { describe, expect, test } from "vitest";
import { createMetrics, mailcowOutcome } from "./metrics";

const docs = (file: string) => readFileSync(new URL(`../docs/operations/${file}`, import.meta.url), "utf8");

describe("metrics", () => {
  test("every metric the Grafana dashboard and the Prometheus rules use exists", async () => {
    const metrics = createMetrics();
    const exposed = new Set(parsePrometheusTextFormat(await metrics.text()).map((f) => f.name));
    const used = new Set([...`${docs("grafana-dashboard.json")}\n${docs("prometheus-alerts.yml")}`.matchAll(/platform_mail_\w+/g)].map((m) => m[0]));
    expect(used.size).toBeGreaterThan(10);
    const missing = [...used].filter((name) => !exposed.has(name) && !exposed.has(name.replace(/_(bucket|sum|count)$/, "")));
    expect(missing).toEqual([]);
  });

  test("the reporting functions write the series operators alert on", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.mailcowCall("addMailbox", "ok", 0.12);
    metrics.mailcowCall("getMailbox", mailcowOutcome({ kind: "unreachable", reason: "timeout" }), 10);
    metrics.mailcowBreaker("open");
    metrics.provisioningAttempt("create", "active", 0.4);
    metrics.imapPoolSize(3, 1);
    const text = await metrics.text();
    expect(text).toContain('platform_mail_mailcow_requests_total{endpoint="addMailbox",outcome="ok"} 1');
    expect(text).toContain('platform_mail_mailcow_requests_total{endpoint="getMailbox",outcome="timeout"} 1');
    expect(text).toContain('platform_mail_mailcow_circuit_state{state="open"} 1');
    expect(text).toContain('platform_mail_mailcow_circuit_state{state="closed"} 0');
    expect(text).toContain('platform_mail_mailcow_circuit_transitions_total{state="open"} 1');
    expect(text).toContain('platform_mail_provisioning_attempt_duration_seconds_count{kind="create",outcome="active"} 1');
    expect(text).toContain('platform_mail_imap_pool_connections{state="idle"} 3');
    expect(mailcowOutcome({ kind: "rejected" })).toBe("rejected");
    expect(mailcowOutcome(Object.assign(new Error("open"), { name: "BrokenCircuitError" }))).toBe("breaker_open");
    expect(mailcowOutcome(new TypeError("x"))).toBe("bad_response");
  });
});
