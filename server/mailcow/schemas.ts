// What Mailcow sends back, parsed without trust, and the normalised shapes the rest of the app sees.
// Facts this leans on (API-CONTRACT.md §4, §8–§10, §18; REAL-RESPONSES.md):
// - numbers arrive as JSON numbers or as strings ("1278214144"), depending on the column and the version;
// - `active` is an int today but was an HTML tick in older releases, so `active_int` wins when present;
// - quotas are MiB on the way in and bytes on the way out; `percent_in_use` is an int or "- " (unlimited);
// - a missing object is `{}`, and so is an empty list.
import { z } from "zod";
import type { MailcowMessageArg } from "./errors";

export const MIB = 1_048_576;

// ---------- scalar helpers ----------

/** An integer that may arrive as a number or a numeric string; `null` reads as 0 (MariaDB SUM over no rows). */
const int = z.union([
  z.number().int(),
  z.string().trim().regex(/^-?\d+$/).transform(Number),
  z.null().transform(() => 0),
]);

/** 0/1 flags: "0"/"1", 0/1, or booleans. */
const flag = z.union([
  z.boolean(),
  z.literal([0, 1]).transform((v) => v === 1),
  z.literal(["0", "1", ""]).transform((v) => v === "1"),
]);

/** Mailbox `active`: 0 inactive, 1 active, 2 receives mail but refuses logins. */
const activeState = int.pipe(z.literal([0, 1, 2]));

/** Unix seconds, 0 = never. */
const unixSeconds = int.transform((s) => (s > 0 ? new Date(s * 1000) : null));

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
/**
 * Mailcow's "YYYY-MM-DD HH:MM:SS" carries no zone: it is the server's local time (mailcow.conf TZ).
 * NOTE: read as UTC, so it can be off by the server's UTC offset; it is shown, never compared.
 * Anything unparseable (or MariaDB's zero date) reads as null rather than failing the whole mailbox.
 */
const datetime = z
  .union([z.string(), z.null()])
  .optional()
  .transform((value) => {
    const m = value ? DATETIME.exec(value.trim()) : null;
    if (!m) return null;
    const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
    if (y === 0) return null;
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    return Number.isNaN(date.getTime()) ? null : date;
  });

/** `active_int` when present (authoritative), else `active`. */
function preferActiveInt<T extends { active?: unknown; active_int?: unknown }>(raw: T): unknown {
  return raw.active_int ?? raw.active;
}

// ---------- write results ----------

const WriteEntrySchema = z.object({
  type: z.string(),
  msg: z.union([z.string(), z.array(z.unknown())]),
  // `log` is deliberately not read: it echoes the request, and a wrongly wrapped body echoes passwords in clear.
});

/** add/edit/delete answer with an array of entries, framework-level answers are a single entry. */
export const WriteResultSchema = z.union([z.array(WriteEntrySchema), WriteEntrySchema.transform((entry) => [entry])]);

export interface MailcowMessage {
  type: string;
  key: string;
  args: MailcowMessageArg[];
}

function toArg(value: unknown): MailcowMessageArg {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return null;
}

export function toMessage(entry: z.infer<typeof WriteEntrySchema>): MailcowMessage {
  if (typeof entry.msg === "string") return { type: entry.type, key: entry.msg, args: [] };
  const [key, ...args] = entry.msg;
  return { type: entry.type, key: typeof key === "string" ? key : String(key ?? ""), args: args.map(toArg) };
}

// ---------- version ----------

export const VersionSchema = z.object({ version: z.string().trim().min(1) });
export interface MailcowVersion {
  version: string;
}

// ---------- domain ----------

export const DomainSchema = z
  .object({
    domain_name: z.string().min(1),
    description: z.string().nullish(),
    active: z.unknown().optional(),
    active_int: z.unknown().optional(),
    max_num_mboxes_for_domain: int,
    mboxes_in_domain: int,
    mboxes_left: int,
    max_num_aliases_for_domain: int.optional(),
    aliases_in_domain: int.optional(),
    aliases_left: int.optional(),
    def_quota_for_mbox: int,
    max_quota_for_mbox: int,
    max_quota_for_domain: int,
    quota_used_in_domain: int,
    max_new_mailbox_quota: int.optional(),
    def_new_mailbox_quota: int.optional(),
    bytes_total: int.optional(),
    msgs_total: int.optional(),
  })
  .transform((raw, ctx): MailcowDomain => {
    const active = flag.safeParse(preferActiveInt(raw));
    if (!active.success) {
      ctx.addIssue({ code: "custom", path: ["active"], message: "expected 0 or 1" });
      return z.NEVER;
    }
    // Older releases do not send the two "new mailbox" figures; they are derived the same way Mailcow does.
    const maxNew = raw.max_new_mailbox_quota ?? Math.min(raw.max_quota_for_domain - raw.quota_used_in_domain, raw.max_quota_for_mbox);
    return {
      name: raw.domain_name,
      description: raw.description ?? "",
      active: active.data,
      maxMailboxes: raw.max_num_mboxes_for_domain,
      mailboxCount: raw.mboxes_in_domain,
      mailboxesLeft: raw.mboxes_left,
      maxAliases: raw.max_num_aliases_for_domain ?? null,
      aliasCount: raw.aliases_in_domain ?? null,
      aliasesLeft: raw.aliases_left ?? null,
      defQuotaPerMailboxBytes: raw.def_quota_for_mbox,
      maxQuotaPerMailboxBytes: raw.max_quota_for_mbox,
      totalQuotaBytes: raw.max_quota_for_domain,
      quotaAllocatedBytes: raw.quota_used_in_domain,
      maxNewMailboxQuotaBytes: maxNew,
      defNewMailboxQuotaBytes: raw.def_new_mailbox_quota ?? Math.min(maxNew, raw.def_quota_for_mbox),
      bytesUsed: raw.bytes_total ?? 0,
      messagesTotal: raw.msgs_total ?? 0,
    };
  });

export interface MailcowDomain {
  /** The domain Mailcow answered for; for an alias domain this is its target domain, not the name asked for. */
  name: string;
  description: string;
  active: boolean;
  maxMailboxes: number;
  mailboxCount: number;
  mailboxesLeft: number;
  maxAliases: number | null;
  aliasCount: number | null;
  aliasesLeft: number | null;
  defQuotaPerMailboxBytes: number;
  maxQuotaPerMailboxBytes: number;
  /** The domain's total quota. */
  totalQuotaBytes: number;
  /** Sum of the quotas handed to mailboxes (not disk usage). */
  quotaAllocatedBytes: number;
  /** The largest quota a new mailbox can get: min(total − allocated, per-mailbox max). */
  maxNewMailboxQuotaBytes: number;
  defNewMailboxQuotaBytes: number;
  /** Actual disk usage and message count as Dovecot reported them. */
  bytesUsed: number;
  messagesTotal: number;
}

export type RoomCheck =
  | { ok: true }
  | { ok: false; reason: "no_mailboxes_left"; maxMailboxes: number }
  | { ok: false; reason: "quota_above_mailbox_max"; maxMiB: number }
  | { ok: false; reason: "quota_above_domain_left"; leftMiB: number };

/**
 * Whether add/mailbox of `quotaMiB` would pass Mailcow's count and quota checks (§5), and if not, why.
 * An unlimited mailbox (0) needs only a free slot.
 */
export function checkRoomFor(domain: MailcowDomain, quotaMiB: number): RoomCheck {
  if (domain.mailboxesLeft <= 0) return { ok: false, reason: "no_mailboxes_left", maxMailboxes: domain.maxMailboxes };
  if (quotaMiB === 0) return { ok: true };
  const bytes = quotaMiB * MIB;
  if (bytes > domain.maxQuotaPerMailboxBytes) {
    return { ok: false, reason: "quota_above_mailbox_max", maxMiB: Math.floor(domain.maxQuotaPerMailboxBytes / MIB) };
  }
  if (bytes > domain.maxNewMailboxQuotaBytes) {
    return { ok: false, reason: "quota_above_domain_left", leftMiB: Math.max(0, Math.floor(domain.maxNewMailboxQuotaBytes / MIB)) };
  }
  return { ok: true };
}

export function hasRoomFor(domain: MailcowDomain, quotaMiB: number): boolean {
  return checkRoomFor(domain, quotaMiB).ok;
}

// ---------- password policy ----------

export const PasswordPolicySchema = z
  .object({ length: int, chars: flag, special_chars: flag, lowerupper: flag, numbers: flag })
  .transform(
    (raw): PasswordPolicy => ({
      length: raw.length,
      chars: raw.chars,
      specialChars: raw.special_chars,
      lowerUpper: raw.lowerupper,
      numbers: raw.numbers,
    }),
  );

export interface PasswordPolicy {
  /** Minimum length in bytes (PHP strlen), not characters. */
  length: number;
  /** At least one ASCII letter. */
  chars: boolean;
  /** At least one character outside [A-Za-z0-9]. */
  specialChars: boolean;
  /** At least one lower-case and one upper-case ASCII letter. */
  lowerUpper: boolean;
  /** At least one digit. */
  numbers: boolean;
}

// ---------- mailbox ----------

export const MailboxSchema = z
  .object({
    username: z.string().min(3),
    local_part: z.string().min(1),
    domain: z.string().min(1),
    name: z.string().nullish(),
    active: z.unknown().optional(),
    active_int: z.unknown().optional(),
    quota: int,
    quota_used: int.optional(),
    percent_in_use: z.union([z.number(), z.string(), z.null()]).optional(),
    messages: int.optional(),
    attributes: z
      .object({
        force_pw_update: flag.optional(),
        tls_enforce_in: flag.optional(),
        tls_enforce_out: flag.optional(),
      })
      .optional(),
    tags: z.array(z.string()).optional(),
    last_imap_login: unixSeconds.optional(),
    last_smtp_login: unixSeconds.optional(),
    last_pop3_login: unixSeconds.optional(),
    last_sso_login: unixSeconds.optional(),
    created: datetime,
    modified: datetime,
  })
  .transform((raw, ctx): MailcowMailbox => {
    const active = activeState.safeParse(preferActiveInt(raw));
    if (!active.success) {
      ctx.addIssue({ code: "custom", path: ["active"], message: "expected 0, 1 or 2" });
      return z.NEVER;
    }
    return {
      username: raw.username.toLowerCase(),
      localPart: raw.local_part,
      domain: raw.domain,
      name: raw.name ?? "",
      active: active.data,
      isActive: active.data === 1,
      quotaBytes: raw.quota,
      quotaUsedBytes: raw.quota_used ?? 0,
      percentInUse: toPercent(raw.percent_in_use),
      messages: raw.messages ?? 0,
      forcePasswordUpdate: raw.attributes?.force_pw_update ?? false,
      tlsEnforceIn: raw.attributes?.tls_enforce_in ?? false,
      tlsEnforceOut: raw.attributes?.tls_enforce_out ?? false,
      tags: raw.tags ?? [],
      lastImapLogin: raw.last_imap_login ?? null,
      lastSmtpLogin: raw.last_smtp_login ?? null,
      lastPop3Login: raw.last_pop3_login ?? null,
      lastSsoLogin: raw.last_sso_login ?? null,
      created: raw.created,
      modified: raw.modified,
    };
  });

export type MailboxActiveState = 0 | 1 | 2;

export interface MailcowMailbox {
  username: string;
  localPart: string;
  domain: string;
  name: string;
  /** 0 disabled, 1 active, 2 receives mail but refuses logins. */
  active: MailboxActiveState;
  /** `active === 1`: the owner can sign in. */
  isActive: boolean;
  /** 0 = unlimited. */
  quotaBytes: number;
  quotaUsedBytes: number;
  /** Rounded percent (may exceed 100); null for unlimited mailboxes. */
  percentInUse: number | null;
  messages: number;
  forcePasswordUpdate: boolean;
  tlsEnforceIn: boolean;
  tlsEnforceOut: boolean;
  tags: string[];
  lastImapLogin: Date | null;
  lastSmtpLogin: Date | null;
  lastPop3Login: Date | null;
  lastSsoLogin: Date | null;
  created: Date | null;
  modified: Date | null;
}

/** "- " is what Mailcow sends for an unlimited mailbox; anything that is not a number reads as "no figure". */
function toPercent(value: number | string | null | undefined): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

// ---------- alias ----------

export const AliasSchema = z
  .object({
    id: int,
    address: z.string().min(1),
    goto: z.string(),
    domain: z.string().nullish(),
    active: z.unknown().optional(),
    active_int: z.unknown().optional(),
    sender_allowed: flag.optional(),
    private_comment: z.string().nullish(),
    public_comment: z.string().nullish(),
    created: datetime,
  })
  .transform((raw, ctx): MailcowAlias => {
    const active = flag.safeParse(preferActiveInt(raw));
    if (!active.success) {
      ctx.addIssue({ code: "custom", path: ["active"], message: "expected 0 or 1" });
      return z.NEVER;
    }
    const address = raw.address.toLowerCase();
    return {
      id: raw.id,
      address,
      domain: (raw.domain ?? address.slice(address.lastIndexOf("@") + 1)).toLowerCase(),
      goto: raw.goto
        .split(",")
        .map((target) => target.trim().toLowerCase())
        .filter((target) => target !== ""),
      active: active.data,
      senderAllowed: raw.sender_allowed ?? false,
      privateComment: raw.private_comment ?? null,
      publicComment: raw.public_comment ?? null,
      created: raw.created,
    };
  });

export interface MailcowAlias {
  id: number;
  address: string;
  /** The alias's own domain (an alias domain's name for aliases made there), lower-case. */
  domain: string;
  /** Targets, lower-case; Mailcow stores them comma-joined. Special targets are null@localhost, spam@localhost, ham@localhost. */
  goto: string[];
  active: boolean;
  /** Whether the target mailboxes may send as this address (Mailcow stores 0 unless told otherwise). */
  senderAllowed: boolean;
  /** Admin-only note; the platform can mark its aliases here. */
  privateComment: string | null;
  publicComment: string | null;
  created: Date | null;
}

// ---------- filters (Sieve) ----------

export const FILTER_TYPES = ["prefilter", "postfilter"] as const;
export type FilterType = (typeof FILTER_TYPES)[number];

/** Mailcow stores the script in a TEXT column: longer scripts get HTTP 200 with an empty body and are not stored. */
export const MAX_FILTER_SCRIPT_BYTES = 65_535;

export const FilterSchema = z
  .object({
    id: int,
    username: z.string().min(3),
    filter_type: z.enum(FILTER_TYPES),
    script_desc: z.string().nullish(),
    script_data: z.string(),
    active: flag,
  })
  .transform(
    (raw): MailcowFilter => ({
      id: raw.id,
      mailbox: raw.username.toLowerCase(),
      type: raw.filter_type,
      description: raw.script_desc ?? "",
      script: raw.script_data,
      active: raw.active,
    }),
  );

export interface MailcowFilter {
  id: number;
  mailbox: string;
  /** prefilter runs before the user's own Sieve script, postfilter after it. */
  type: FilterType;
  description: string;
  script: string;
  /** Mailcow keeps at most one active filter per mailbox and type. */
  active: boolean;
}

// ---------- time-limited aliases ----------

export const TimeLimitedAliasSchema = z
  .object({
    address: z.string().min(3),
    goto: z.string(),
    description: z.string().nullish(),
    validity: int,
    permanent: flag.optional(),
    created: datetime,
  })
  .transform(
    (raw): MailcowTimeLimitedAlias => ({
      address: raw.address.toLowerCase(),
      mailbox: raw.goto.trim().toLowerCase(),
      description: raw.description ?? "",
      permanent: raw.permanent ?? false,
      validUntil: raw.permanent || raw.validity <= 0 ? null : new Date(raw.validity * 1000),
      created: raw.created,
    }),
  );

export interface MailcowTimeLimitedAlias {
  /** Mailcow picks the local part (random readable words). */
  address: string;
  /** The mailbox it delivers to. */
  mailbox: string;
  description: string;
  permanent: boolean;
  /** When it stops delivering; null when permanent. */
  validUntil: Date | null;
  created: Date | null;
}

// ---------- app passwords ----------

/** Protocols an app password may be used for; Mailcow's columns are `<name>_access`. */
export const APP_PASSWORD_PROTOCOLS = ["imap", "smtp", "pop3", "sieve", "dav", "eas"] as const;
export type AppPasswordProtocol = (typeof APP_PASSWORD_PROTOCOLS)[number];

// The stored hash (`password`) is deliberately not declared: zod drops it, so it never reaches a caller.
export const AppPasswordSchema = z
  .object({
    id: int,
    name: z.string(),
    mailbox: z.string().min(3),
    active: flag,
    imap_access: flag.optional(),
    smtp_access: flag.optional(),
    pop3_access: flag.optional(),
    sieve_access: flag.optional(),
    dav_access: flag.optional(),
    eas_access: flag.optional(),
    created: datetime,
    modified: datetime,
  })
  .transform(
    (raw): MailcowAppPassword => ({
      id: raw.id,
      name: raw.name,
      mailbox: raw.mailbox.toLowerCase(),
      active: raw.active,
      protocols: APP_PASSWORD_PROTOCOLS.filter((protocol) => raw[`${protocol}_access`] === true),
      created: raw.created,
      modified: raw.modified,
    }),
  );

export interface MailcowAppPassword {
  id: number;
  name: string;
  mailbox: string;
  /** Mailcow's passdb accepts an app password only while active. */
  active: boolean;
  /** The services it may log in to (the passdb checks `<service>_access`). */
  protocols: AppPasswordProtocol[];
  created: Date | null;
  modified: Date | null;
}

// ---------- spam score ----------

const SCORE = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/;

export const SpamScoreSchema = z.object({ score: z.string() }).transform((raw, ctx): SpamScore => {
  const m = SCORE.exec(raw.score);
  if (!m) {
    ctx.addIssue({ code: "custom", path: ["score"], message: "expected \"low,high\"" });
    return z.NEVER;
  }
  return { low: Number(m[1]), high: Number(m[2]) };
});

/** rspamd's per-mailbox thresholds: above `low` mail is marked as spam, above `high` it is rejected. */
export interface SpamScore {
  low: number;
  high: number;
}
