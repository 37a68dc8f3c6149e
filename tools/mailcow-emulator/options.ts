// The emulator's options: what a test, the demo or the CLI may configure, validated once with zod.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { DovecotBackendOptions } from "./dovecot-backend";
import { isValidDomainName } from "./php";
import { SeedSchema, type SeedInput } from "./seed";

export type EmulatorFault = "down" | "reset" | "slow" | "html500" | "danger" | "malformed";

export interface EmulatorOptions {
  /** Default "127.0.0.1"; the emulator never binds elsewhere unless told to. */
  host?: string;
  /** Default 0 = a free port. */
  port?: number;
  /** Default ":memory:". */
  databasePath?: string;
  /** The one domain created at start when missing. Default "example.test". */
  domain?: string;
  /** Read-write key; generated in Mailcow's format (and kept in the database) when absent. */
  apiKey?: string;
  /** Read-only key; generated (and kept) when undefined, none when null. */
  readOnlyApiKey?: string | null;
  domainLimits?: { mailboxes?: number; maxQuotaMiB?: number; quotaMiB?: number; defQuotaMiB?: number };
  /** Added to every response, for benchmarks. Default 0. */
  latencyMs?: number;
  /** How long the "slow" fault stalls. Default 30 000. */
  slowMs?: number;
  /** What GET /get/status/version reports. Default "2026-07a" (the tag the recorded exchanges came from). */
  version?: string;
  /**
   * Reproduce Mailcow's session quirk: a MCSESSID cookie from an earlier keyed request authenticates later requests
   * without a key, writes included. Default false: cookies are issued on every response but never authenticate.
   */
  cookieAuth?: boolean;
  /**
   * Back the mailboxes with a real Dovecot (tools/mailcow-emulator/README.md, "Dovecot backend"): every mailbox
   * change rewrites this passwd-file (BLF-CRYPT hash, quota rule; inactive mailboxes cannot log in, deleted ones are
   * gone) before the API call returns, passwords are stored as {BLF-CRYPT} like Mailcow does, and get/mailbox reports
   * Dovecot's figures when doveadm is given. `npm run mailstack` starts a Dovecot that reads such a file.
   */
  dovecot?: DovecotBackendOptions;
  /**
   * The start state (domains with limits, alias domains, mailboxes, aliases, policy, keys; README.md "Seed files")
   * instead of the one default domain. Applied to an empty database and again by reset(); keys given as options win.
   */
  seed?: SeedInput;
}

const API_KEY = /^[A-Za-z0-9-]+$/;

export const OptionsSchema = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.number().int().min(0).max(65_535).default(0),
  databasePath: z.string().default(":memory:"),
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .refine(isValidDomainName, "Not a valid domain name")
    .default("example.test"),
  apiKey: z.string().regex(API_KEY, "API keys may only contain A-Z a-z 0-9 -").optional(),
  readOnlyApiKey: z.string().regex(API_KEY, "API keys may only contain A-Z a-z 0-9 -").nullable().optional(),
  domainLimits: z
    .object({
      mailboxes: z.number().int().min(0).default(1000),
      maxQuotaMiB: z.number().int().min(1).default(10_240),
      quotaMiB: z.number().int().min(1).default(1024 * 1000),
      defQuotaMiB: z.number().int().min(1).default(1024),
    })
    .refine((l) => l.defQuotaMiB <= l.maxQuotaMiB && l.maxQuotaMiB <= l.quotaMiB, "Need defQuotaMiB ≤ maxQuotaMiB ≤ quotaMiB")
    .default({ mailboxes: 1000, maxQuotaMiB: 10_240, quotaMiB: 1024 * 1000, defQuotaMiB: 1024 }),
  latencyMs: z.number().min(0).default(0),
  slowMs: z.number().min(0).default(30_000),
  version: z.string().min(1).default("2026-07a"),
  cookieAuth: z.boolean().default(false),
  dovecot: z
    .object({
      passwdFile: z.string().min(1),
      doveadm: z.object({ binary: z.string().min(1).optional(), config: z.string().min(1) }).optional(),
      lastLoginFile: z.string().min(1).optional(),
    })
    .optional(),
  seed: SeedSchema.optional(),
});

/** Knobs only the emulator's own tests need (replaying a recording whose random names are known). */
export interface InternalOptions {
  /** Local parts for new time-limited aliases, in place of random ones. */
  spamAliasLocalPart?: () => string;
}

/** Mailcow's UI format: five groups of six upper-case hex digits. */
export function generateApiKey(): string {
  const hex = randomBytes(15).toString("hex").toUpperCase();
  return hex.match(/.{6}/g)?.join("-") ?? hex;
}

