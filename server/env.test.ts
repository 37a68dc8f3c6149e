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
});
