// The only module that reads process.env. Everything is validated once at start-up; a problem stops the
// server with a list of every variable that is wrong, in plain words. `.env` is loaded when present.
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ipaddr from "ipaddr.js";
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
/**
 * Which peers may set X-Forwarded-For: a hop count ("1": the nearest proxy) or proxy addresses/CIDRs
 * ("10.0.0.0/8,127.0.0.1"). "true" (trust every hop) is refused: the client would choose its own IP.
 */
const trustProxy = z
  .string()
  .trim()
  .transform((value, ctx): false | number | string[] => {
    const v = value.toLowerCase();
    if (v === "" || v === "false" || v === "no" || v === "off" || v === "0") return false;
    if (v === "true" || v === "yes" || v === "on") {
      ctx.addIssue({
        code: "custom",
        message:
          "\"true\" would trust every X-Forwarded-For hop, so any client could choose its own IP and escape the rate limits; " +
          "set the number of proxies in front of the app (e.g. 1) or their addresses (e.g. 10.0.0.0/8,127.0.0.1)",
      });
      return z.NEVER;
    }
    if (/^\d+$/.test(v)) return Number(v);
    const entries = v.split(",").map((e) => e.trim()).filter(Boolean);
    const bad = entries.filter((e) => !(e.includes("/") ? ipaddr.isValidCIDR(e) : ipaddr.isValid(e)));
    if (bad.length) {
      ctx.addIssue({ code: "custom", message: `expected a hop count or proxy addresses/CIDRs, not ${bad.join(", ")}` });
      return z.NEVER;
    }
    return entries;
  });
const milliseconds = z.coerce.number({ error: "expected a number of milliseconds" }).int().min(1000, "at least 1000 ms");
const nameList = z
  .string()
  .trim()
  .transform((v) => v.split(",").map((n) => n.trim().toLowerCase()).filter(Boolean));
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
    /** Behind a reverse proxy: a hop count or the proxies' addresses/CIDRs whose X-Forwarded-For is believed. */
    TRUST_PROXY: trustProxy.default(false),
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
    /** Mailcow API requests in flight at most, for every caller together (worker, sign-up look-ups, Mail page). */
    MAILCOW_MAX_CONCURRENCY: positiveInt.default(4),
    /** After Mailcow answers 401 every call is paused; the first re-check waits this long, later ones longer. */
    MAILCOW_AUTH_PROBE_SECONDS: positiveInt.default(300),
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
    /** Failed mail logins (IMAP) this server may make across all users within the window, below Mailcow's fail2ban. */
    MAIL_LOGIN_FAILURE_BUDGET: positiveInt.default(5),
    MAIL_LOGIN_FAILURE_WINDOW_SECONDS: positiveInt.default(600),
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
    PROVISIONING_ROOM_CHECK_MINUTES: positiveInt.default(15),
    /** Sign-ups are refused while the domain has fewer free mailbox slots than this (0: never refused for room). */
    SIGNUP_MIN_FREE_MAILBOXES: z.coerce.number({ error: "expected a number of mailboxes" }).int().min(0).default(5),
    ACCOUNT_DELETION_GRACE_HOURS: z.coerce.number({ error: "expected a number of hours" }).min(0).default(7 * 24),
    MAILBOX_INFO_CACHE_SECONDS: z.coerce.number({ error: "expected a number of seconds" }).min(0).default(5),
    MAILCOW_POLICY_CACHE_SECONDS: z.coerce.number({ error: "expected a number of seconds" }).min(0).default(300),

    /** Forwarding outside the company: `deny` (default) allows only MAILCOW_DOMAIN and FORWARDING_ALLOWED_DOMAINS. */
    FORWARDING_EXTERNAL: z.enum(["allow", "deny"], { error: "expected allow or deny" }).default("deny"),
    /** Comma-separated domains forwarding may go to when FORWARDING_EXTERNAL=deny (exact names, no subdomains). */
    FORWARDING_ALLOWED_DOMAINS: z
      .string()
      .default("")
      .transform((v) => v.split(",").map((d) => d.trim()).filter((d) => d !== ""))
      .pipe(z.array(domainName)),
    FORWARDING_MAX_TARGETS: positiveInt.max(50, "at most 50").default(5),

    LOGIN_RATE_LIMIT_POINTS: positiveInt.default(10),
    LOGIN_RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(15 * 60),
    USER_ACTION_RATE_LIMIT_POINTS: positiveInt.default(10),
    USER_ACTION_RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(15 * 60),

    /** Bearer token for GET /metrics; unset: /metrics answers loopback clients only. */
    METRICS_TOKEN: optionalString.pipe(z.string().min(16, "use at least 16 characters, e.g. openssl rand -hex 32").optional()),
    /** Operator alerts are POSTed here as signed JSON (quota crossings, provisioning needing a person, …). */
    ALERT_WEBHOOK_URL: optionalString.pipe(
      z
        .url({ error: "expected a URL like https://hooks.example.com/platform-mail" })
        .refine((u) => /^https?:\/\//.test(u), "expected an http(s) URL")
        .optional(),
    ),
    /** HMAC-SHA256 key for the X-Platform-Mail-Signature header of every alert. */
    ALERT_WEBHOOK_SECRET: optionalString.pipe(z.string().min(16, "use at least 16 characters, e.g. openssl rand -hex 32").optional()),
    /** Encrypts `npm run backup` and opens it in `npm run restore` when --passphrase-file is not given. */
    BACKUP_PASSPHRASE: optionalString,

    /** The inbox: an IMAP connection unused this long (seconds) is closed. */
    MAIL_IMAP_IDLE_SECONDS: positiveInt.default(120),
    /** The inbox: at most this many IMAP connections in all (one per user; the one idle longest is closed first). */
    MAIL_IMAP_MAX_CONNECTIONS: positiveInt.default(50),
    /** The inbox: the largest attachment served by GET /mail/attachment/… (bytes, 25 MiB). */
    MAIL_ATTACHMENT_MAX_BYTES: positiveInt.default(25 * 1_048_576),
    /** The inbox: MiB of rendered (sanitised) messages kept for a second opening, all users together; 0 keeps none. */
    MAIL_RENDER_CACHE_MB: z.coerce.number({ error: "expected a number of MiB" }).int().min(0).default(16),
    /** The inbox: message structures kept from the lists shown (opening a listed message then takes one FETCH); 0 keeps none. */
    MAIL_STRUCTURE_CACHE_ENTRIES: z.coerce.number({ error: "expected a number of messages" }).int().min(0).default(5000),

    /** Sign-in attempts per client IP (IPv6 by /64) within LOGIN_RATE_LIMIT_WINDOW_SECONDS, whatever the account. */
    LOGIN_IP_RATE_LIMIT_POINTS: positiveInt.default(50),
    /** Sign-in attempts at one account from addresses it was never signed in from, per window: the slow back-off. */
    LOGIN_ACCOUNT_RATE_LIMIT_POINTS: positiveInt.default(100),
    LOGIN_ACCOUNT_RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(3600),
    /** How long an address a user signed in from stays "known" (exempt from the account-wide back-off). */
    LOGIN_KNOWN_ADDRESS_DAYS: positiveInt.default(30),
    /** argon2 hashes/verifications running at once, waiting at most, and per client IP (running + waiting). */
    PASSWORD_HASH_CONCURRENCY: z.preprocess((v) => (v === "" ? undefined : v), positiveInt.default(() => os.availableParallelism())),
    PASSWORD_HASH_QUEUE_MAX: positiveInt.default(64),
    PASSWORD_HASH_PER_IP: positiveInt.default(4),
    /** Largest tRPC batch (procedures in one request). */
    TRPC_MAX_BATCH_SIZE: positiveInt.default(10),
    /** A refused batch (too large, or with auth/mailbox mutations) is answered after this pause (slows scripted loops). */
    TRPC_BATCH_REFUSAL_DELAY_MS: z.coerce.number({ error: "expected a number of milliseconds" }).int().min(0).default(1000),
    /** Names refused at sign-up besides the built-in reserved list (comma-separated; near-variants are refused too). */
    RESERVED_USERNAMES: nameList.default([]),

    /** A socket with no traffic either way for this long is closed. */
    HTTP_CONNECTION_TIMEOUT_MS: milliseconds.default(60_000),
    /** A request's headers and body must have arrived within this. */
    HTTP_REQUEST_TIMEOUT_MS: milliseconds.default(30_000),
    /** A request body must have arrived within this, counted from the end of its headers. */
    HTTP_BODY_TIMEOUT_MS: milliseconds.default(10_000),
    /** Expired sessions are deleted from the database this often. */
    SESSION_CLEANUP_INTERVAL_MINUTES: positiveInt.default(60),
    /** Out-of-office: one automatic reply per sender per this many days (Sieve vacation :days, 1–365). */
    VACATION_DAYS: positiveInt.max(365, "at most 365").default(1),

    /** Who may sign up: open, invite (with an admin's invitation) or closed. Default: open, but invite in production. */
    REGISTRATION_MODE: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["open", "invite", "closed"], { error: "expected open, invite or closed" }).optional()),
    /** An invitation link is valid this many days. */
    INVITATION_TTL_DAYS: positiveInt.default(14),
    /** Audit log entries older than this are deleted (daily). */
    AUDIT_RETENTION_DAYS: positiveInt.default(365),
    /** A platform password-reset link made by an admin is valid this many hours (and once). */
    PASSWORD_RESET_TTL_HOURS: positiveInt.default(72),
    /** admin.* calls per admin per minute. */
    ADMIN_RATE_LIMIT_PER_MINUTE: positiveInt.default(300),
    /** How often the platform's mailboxes are compared with Mailcow's (admin console → Reconcile); 0 = only on demand. */
    RECONCILE_INTERVAL_MINUTES: z.coerce.number({ error: "expected a whole number of minutes" }).int().min(0).default(60),
    /** Drift kinds the reconcile fixes by itself (comma list of missing, disabled, quota_changed, untagged, orphan); empty = none. */
    RECONCILE_AUTO_FIX: z
      .string()
      .trim()
      .transform((v) => v.split(",").map((n) => n.trim().toLowerCase()).filter(Boolean))
      .pipe(z.array(z.enum(["missing", "disabled", "quota_changed", "untagged", "orphan"], { error: "expected drift kinds: missing, disabled, quota_changed, untagged, orphan" })))
      .default([]),
    /** Personal aliases (extra addresses delivering to the user's mailbox) a user may add on the Mail page. */
    MAX_ALIASES_PER_USER: z.coerce.number({ error: "expected a whole number" }).int().min(0).max(100, "at most 100").default(3),
    /** How long a phone set-up link (QR code) stays valid, in minutes; it also works only once. */
    DEVICE_SETUP_TTL_MINUTES: positiveInt.max(60, "at most 60").default(10),
    /** A mailbox this full (percent of its quota) is "warning": a banner on the Mail page and one operator alert. */
    QUOTA_WARN_PERCENT: z.coerce.number({ error: "expected a percentage" }).int().min(1, "at least 1").max(100, "at most 100").default(80),
    /** A mailbox this full is "critical". Must be above QUOTA_WARN_PERCENT. */
    QUOTA_CRITICAL_PERCENT: z.coerce.number({ error: "expected a percentage" }).int().min(1, "at least 1").max(100, "at most 100").default(95),
    /** The hour (0–23, UTC) of the daily usage snapshot; empty: every 24 h from start-up. */
    STATS_SNAPSHOT_HOUR: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.coerce.number({ error: "expected an hour from 0 to 23" }).int().min(0, "expected an hour from 0 to 23").max(23, "expected an hour from 0 to 23").optional(),
    ),
    /** Daily snapshots older than this many days are deleted. */
    STATS_RETENTION_DAYS: positiveInt.default(400),
  })
  .superRefine((env, ctx) => {
    if (env.MAILCOW_API_URL) {
      if (!env.MAILCOW_API_KEY) ctx.addIssue({ code: "custom", path: ["MAILCOW_API_KEY"], message: "required when MAILCOW_API_URL is set" });
      if (!env.MAILCOW_DOMAIN) ctx.addIssue({ code: "custom", path: ["MAILCOW_DOMAIN"], message: "required when MAILCOW_API_URL is set" });
    }
    const { QUOTA_WARN_PERCENT: warn, QUOTA_CRITICAL_PERCENT: critical } = env;
    if (typeof warn === "number" && typeof critical === "number" && critical <= warn) {
      ctx.addIssue({ code: "custom", path: ["QUOTA_CRITICAL_PERCENT"], message: "must be above QUOTA_WARN_PERCENT" });
    }
    if (env.ALERT_WEBHOOK_URL && !env.ALERT_WEBHOOK_SECRET) {
      ctx.addIssue({ code: "custom", path: ["ALERT_WEBHOOK_SECRET"], message: "required when ALERT_WEBHOOK_URL is set: receivers verify alerts with it" });
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

export interface AppConfig extends Omit<ParsedEnv, "REGISTRATION_MODE"> {
  DATABASE_PATH: string;
  REGISTRATION_MODE: "open" | "invite" | "closed";
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
      const shown = value === undefined || /KEY|SECRET|PASSWORD|TOKEN|PASSPHRASE/.test(key) ? "" : ` (got "${value}")`;
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
      // Anonymous sign-up on the internet would hand out corporate mailboxes: production defaults to invitations.
      REGISTRATION_MODE: env.REGISTRATION_MODE ?? (env.NODE_ENV === "production" ? "invite" : "open"),
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
