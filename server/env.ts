// The only module that reads process.env. Everything is validated once at start-up; a problem stops the
// server with a list of every variable that is wrong, in plain words. `.env` is loaded when present.
import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], { error: "expected true or false" })
  .transform((v) => ["true", "1", "yes", "on"].includes(v));
const port = z.coerce.number({ error: "expected a port number" }).int().min(0).max(65_535);
const positiveInt = z.coerce.number({ error: "expected a whole number" }).int().positive();
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();
const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/, "expected a domain name like example.com");

export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    HOST: z.string().trim().min(1).default("127.0.0.1"),
    PORT: port.default(3000),
    /** The public origin of the app (scheme://host[:port]); mutations from other origins are refused. */
    APP_ORIGIN: optionalString.pipe(z.url({ error: "expected a URL like https://platform.example.com" }).optional()),
    /** Behind a reverse proxy: trust its X-Forwarded-For (for client IPs in rate limits and logs). */
    TRUST_PROXY: bool.default(false),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** pretty: short coloured lines for a developer (the default in development); json: one JSON object a line. */
    LOG_FORMAT: optionalString.pipe(z.enum(["pretty", "json"], { error: "expected pretty or json" }).optional()),
    DATA_DIR: z.string().trim().min(1).default("./data"),
    DATABASE_PATH: optionalString,

    MAILCOW_API_URL: optionalString.pipe(
      z
        .url({ error: "expected a URL like https://mail.example.com/api/v1" })
        .refine((u) => /^https?:\/\//.test(u), "expected an http(s) URL")
        .refine((u) => /\/api\/v1\/?$/.test(u), "must end with /api/v1, e.g. https://mail.example.com/api/v1")
        .optional(),
    ),
    MAILCOW_API_KEY: optionalString,
    MAILCOW_DOMAIN: optionalString.pipe(domainName.optional()),
    MAILCOW_TIMEOUT_MS: positiveInt.default(10_000),
    MAILCOW_WEBMAIL_URL: optionalString.pipe(z.url({ error: "expected a URL" }).optional()),

    MAIL_HOST: optionalString,
    MAIL_IMAP_PORT: port.default(993),
    MAIL_IMAP_SECURITY: z.enum(["ssl", "starttls", "none"]).default("ssl"),
    MAIL_SMTP_PORT: port.default(587),
    MAIL_SMTP_SECURITY: z.enum(["ssl", "starttls", "none"]).default("starttls"),
    /** "Check my login" (mailbox.checkLogin): the longest one IMAP login attempt may take. */
    MAIL_CHECK_TIMEOUT_MS: positiveInt.default(10_000),
    /** Login checks per user per hour; each one is a real login on the mail server. */
    MAIL_CHECK_RATE_LIMIT_PER_HOUR: positiveInt.default(10),
    /** A PEM CA certificate trusted besides the system's for login checks (a self-signed test or demo server). */
    MAIL_TLS_CA_FILE: optionalString.pipe(z.string().refine((file) => existsSync(file), "file not found").optional()),

    MAILBOX_QUOTA_MIB: positiveInt.default(1024),
    MAILBOX_FORCE_PW_UPDATE: bool.default(true),
    MAILBOX_TLS_ENFORCE_IN: bool.default(true),
    MAILBOX_TLS_ENFORCE_OUT: bool.default(true),

    /** 32 random bytes, base64 or hex: seals sign-up passwords while a mailbox waits to be created. */
    MAILBOX_SECRET_KEY: optionalString.pipe(
      z
        .string()
        .refine((v) => decodeSecretKey(v) !== null, "expected 32 random bytes as base64 or 64 hex characters (openssl rand -base64 32)")
        .optional(),
    ),
    PROVISIONING_CONCURRENCY: positiveInt.default(4),
    PROVISIONING_SIGNUP_DEADLINE_MS: positiveInt.default(4000),
    PROVISIONING_RETRY_BASE_SECONDS: positiveInt.default(5),
    PROVISIONING_RETRY_MAX_SECONDS: positiveInt.default(1800),
    PROVISIONING_RETRY_WINDOW_HOURS: positiveInt.default(24),
    PROVISIONING_POLL_MS: positiveInt.default(1000),
    ACCOUNT_DELETION_GRACE_HOURS: z.coerce.number({ error: "expected a number of hours" }).min(0).default(7 * 24),
    MAILBOX_INFO_CACHE_SECONDS: z.coerce.number({ error: "expected a number of seconds" }).min(0).default(5),
    MAILCOW_POLICY_CACHE_SECONDS: z.coerce.number({ error: "expected a number of seconds" }).min(0).default(300),

    LOGIN_RATE_LIMIT_POINTS: positiveInt.default(10),
    LOGIN_RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(15 * 60),
    USER_ACTION_RATE_LIMIT_POINTS: positiveInt.default(10),
    USER_ACTION_RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(15 * 60),
  })
  .superRefine((env, ctx) => {
    if (env.MAILCOW_API_URL) {
      if (!env.MAILCOW_API_KEY) ctx.addIssue({ code: "custom", path: ["MAILCOW_API_KEY"], message: "required when MAILCOW_API_URL is set" });
      if (!env.MAILCOW_DOMAIN) ctx.addIssue({ code: "custom", path: ["MAILCOW_DOMAIN"], message: "required when MAILCOW_API_URL is set" });
    }
    if (env.NODE_ENV !== "production") return;
    const need = (key: "MAILCOW_API_URL" | "MAILCOW_API_KEY" | "MAILCOW_DOMAIN" | "APP_ORIGIN", why: string) => {
      if (!env[key]) ctx.addIssue({ code: "custom", path: [key], message: `required in production: ${why}` });
    };
    need("MAILCOW_API_URL", "the Mailcow API, e.g. https://mail.example.com/api/v1 (demo mode is for development only)");
    need("MAILCOW_API_KEY", "a read-write API key from Mailcow (System → Configuration → Access → API)");
    need("MAILCOW_DOMAIN", "the mail domain users get addresses in, e.g. example.com");
    need("APP_ORIGIN", "the public address of this app, e.g. https://platform.example.com");
    if (!env.MAILBOX_SECRET_KEY) {
      ctx.addIssue({ code: "custom", path: ["MAILBOX_SECRET_KEY"], message: "required in production: 32 random bytes, e.g. from `openssl rand -base64 32`" });
    }
    // Runs even when other variables are invalid (it only checks presence), so every problem is listed at once.
  }, { when: () => true });

/** A 32-byte key from base64 (standard or url-safe) or hex; null when it is not exactly 32 bytes. */
export function decodeSecretKey(value: string): Buffer | null {
  const text = value.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, "hex") : Buffer.from(text, "base64");
  return bytes.length === 32 ? bytes : null;
}

export type RawEnv = z.input<typeof EnvSchema>;
export type ParsedEnv = z.output<typeof EnvSchema>;

export interface AppConfig extends ParsedEnv {
  DATABASE_PATH: string;
  /** No Mailcow configured: the built-in emulator stands in and the UI says so. */
  demo: boolean;
}

let dotenvLoaded = false;

/** The process environment, after loading `.env` from the working directory when there is one. */
export function readEnvSource(): Record<string, string | undefined> {
  if (!dotenvLoaded) {
    dotenvLoaded = true;
    // NOTE: process.loadEnvFile never overrides variables already set in the environment.
    if (existsSync(".env")) process.loadEnvFile(".env");
  }
  return { ...process.env };
}

export type EnvResult = { ok: true; config: AppConfig } | { ok: false; problems: string[] };

/** Validates a variable source; every problem is reported, not just the first. */
export function parseEnv(source: Record<string, string | undefined>): EnvResult {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.join(".") || "environment";
      const value = source[key];
      const shown = value === undefined || /KEY|SECRET|PASSWORD/.test(key) ? "" : ` (got "${value}")`;
      return `${key}: ${issue.message}${shown}`;
    });
    return { ok: false, problems };
  }
  const env = result.data;
  return {
    ok: true,
    config: {
      ...env,
      DATABASE_PATH: env.DATABASE_PATH ?? path.join(env.DATA_DIR, "platform.db"),
      demo: !env.MAILCOW_API_URL,
    },
  };
}

/** Reads and validates the environment, or prints every problem and exits. */
export function loadConfig(): AppConfig {
  const result = parseEnv(readEnvSource());
  if (!result.ok) {
    process.stderr.write(
      `Platform Mail cannot start: the configuration has ${result.problems.length} problem(s).\n` +
        result.problems.map((p) => `  - ${p}`).join("\n") +
        "\nSee .env.example for every variable and its meaning.\n",
    );
    process.exit(1);
  }
  return result.config;
}
