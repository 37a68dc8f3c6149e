import { describe, expect, test } from "vitest";
import { parseEnv } from "./env";

describe("configuration", () => {
  test("works with nothing set: development, demo mode, safe defaults", () => {
    const result = parseEnv({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      NODE_ENV: "development",
      HOST: "127.0.0.1",
      PORT: 3000,
      DATABASE_PATH: "data/platform.db",
      demo: true,
      MAIL_IMAP_PORT: 993,
      MAIL_IMAP_SECURITY: "ssl",
      MAIL_SMTP_PORT: 587,
      MAIL_SMTP_SECURITY: "starttls",
      MAILBOX_QUOTA_MIB: 1024,
      MAILBOX_FORCE_PW_UPDATE: true,
    });
  });

  test("production without Mailcow settings lists every missing variable in plain words", () => {
    const result = parseEnv({ NODE_ENV: "production" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.split(":")[0])).toEqual(
      expect.arrayContaining(["MAILCOW_API_URL", "MAILCOW_API_KEY", "MAILCOW_DOMAIN", "APP_ORIGIN"]),
    );
  });

  test("reports every bad value at once and never echoes a secret", () => {
    const result = parseEnv({
      PORT: "eighty",
      MAILCOW_API_URL: "https://mail.example.com/api",
      MAILCOW_API_KEY: "",
      MAILCOW_DOMAIN: "not a domain",
      MAILBOX_FORCE_PW_UPDATE: "maybe",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.problems.join("\n");
    expect(text).toContain("PORT");
    expect(text).toContain("must end with /api/v1");
    expect(text).toContain("MAILCOW_API_KEY: required when MAILCOW_API_URL is set");
    expect(text).toContain("MAILCOW_DOMAIN");
    expect(text).toContain("MAILBOX_FORCE_PW_UPDATE");
  });

  test("a configured Mailcow turns demo mode off", () => {
    const result = parseEnv({ MAILCOW_API_URL: "https://mail.example.com/api/v1", MAILCOW_API_KEY: "ABC-DEF", MAILCOW_DOMAIN: "Example.COM" });
    expect(result.ok && result.config).toMatchObject({ demo: false, MAILCOW_DOMAIN: "example.com" });
  });

  test("TRUST_PROXY takes a hop count or proxy addresses/CIDRs, and refuses \"trust every hop\" with a clear message", () => {
    const config = (value: string) => {
      const result = parseEnv({ TRUST_PROXY: value });
      return result.ok ? result.config.TRUST_PROXY : result.problems.join("\n");
    };
    expect(config("")).toBe(false);
    expect(config("false")).toBe(false);
    expect(config("1")).toBe(1);
    expect(config("10.0.0.0/8, 127.0.0.1,::1")).toEqual(["10.0.0.0/8", "127.0.0.1", "::1"]);
    expect(config("true")).toMatch(/^TRUST_PROXY: "true" would trust every X-Forwarded-For hop.*set the number of proxies/);
    expect(config("yes")).toContain("would trust every X-Forwarded-For hop");
    expect(config("10.0.0.0/33,proxy.local")).toContain("not 10.0.0.0/33, proxy.local");
  });

  test("request timeouts have safe defaults and can be configured", () => {
    const defaults = parseEnv({});
    expect(defaults.ok && defaults.config).toMatchObject({
      HTTP_CONNECTION_TIMEOUT_MS: 60_000,
      HTTP_REQUEST_TIMEOUT_MS: 30_000,
      HTTP_BODY_TIMEOUT_MS: 10_000,
      TRPC_MAX_BATCH_SIZE: 10,
      RESERVED_USERNAMES: [],
    });
    const set = parseEnv({ HTTP_BODY_TIMEOUT_MS: "5000", RESERVED_USERNAMES: " Director, board ,," });
    expect(set.ok && set.config).toMatchObject({ HTTP_BODY_TIMEOUT_MS: 5000, RESERVED_USERNAMES: ["director", "board"] });
    expect(parseEnv({ HTTP_REQUEST_TIMEOUT_MS: "10" }).ok).toBe(false);
  });
});
