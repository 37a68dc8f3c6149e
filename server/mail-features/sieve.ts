// The platform's one Sieve prefilter per mailbox: forwarding and out-of-office in a single generated script.
// Mailcow 2026-07a keeps one active prefilter per mailbox (activating one deactivates the others), stores at most
// 65,535 bytes of script (one byte more: HTTP 200 with an empty body, nothing stored) and validates the script with
// its own Sieve parser. Pure code: no I/O, no clock, no environment; the caller passes the operator's policy in.
// The settings themselves are kept as structured data by the platform; the script is never parsed back.

/** Every script the platform writes carries this prefix in Mailcow's `script_desc`. */
export const PLATFORM_FILTER_PREFIX = "platform-mail:";
/** The whole `script_desc` the platform writes (plain ASCII, well under the column's 255 characters). */
export const PLATFORM_FILTER_DESC = `${PLATFORM_FILTER_PREFIX} forwarding and out-of-office (managed by Platform Mail)`;
/** Mailcow's `script_data` column is a MySQL TEXT: 65,535 bytes. */
export const SIEVE_MAX_BYTES = 65_535;

/** Whether a Mailcow filter's `script_desc` marks it as the platform's own (exact prefix, case-sensitive). */
export function isPlatformFilter(desc: unknown): boolean {
  return typeof desc === "string" && desc.startsWith(PLATFORM_FILTER_PREFIX);
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses and the forwarding policy

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/**
 * A plain internet address (dot-atom local part, LDH domain with a top-level label), trimmed and lower-cased; null
 * otherwise. Quoted local parts, IP literals, display names and non-ASCII addresses are refused on purpose: a
 * forwarding target is typed by a person and then goes into a Sieve script and through Postfix.
 */
export function normalizeAddress(input: string): string | null {
  const address = input.trim().toLowerCase();
  if (address.length > 254) return null;
  const at = address.lastIndexOf("@");
  if (at <= 0) return null;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local) || !DOMAIN.test(domain)) return null;
  return `${local}@${domain}`;
}

export type ForwardingExternal = "allow" | "deny";

export interface ForwardingPolicy {
  /** The mailbox being forwarded. */
  mailbox: string;
  /** The user's own aliases (addresses that deliver to this mailbox): forwarding to one would loop. */
  aliases: readonly string[];
  /** The company's mail domain: always internal. */
  companyDomain: string;
  /** FORWARDING_MAX_TARGETS. */
  maxTargets: number;
  /** FORWARDING_EXTERNAL: `deny` allows only the company's domain and `allowedDomains` (exact domain names). */
  external: ForwardingExternal;
  /** FORWARDING_ALLOWED_DOMAINS. */
  allowedDomains: readonly string[];
}

export type ForwardingTargetCode =
  | "invalid_address"
  | "self"
  | "own_alias"
  | "duplicate"
  | "external_not_allowed";

export type ForwardingCheck =
  | { ok: true; targets: string[] }
  | { ok: false; code: "no_targets" | "too_many"; max: number }
  | { ok: false; code: "targets"; problems: { index: number; address: string; code: ForwardingTargetCode }[] };

/** Whether forwarding to `domain` is internal or allowed by the operator's policy. */
export function isForwardingDomainAllowed(domain: string, policy: Pick<ForwardingPolicy, "companyDomain" | "external" | "allowedDomains">): boolean {
  const d = domain.toLowerCase();
  if (d === policy.companyDomain.toLowerCase()) return true;
  if (policy.external === "allow") return true;
  return policy.allowedDomains.some((allowed) => allowed.toLowerCase() === d);
}

/** Checks the forwarding targets a user asked for; every problem at once, each with its position. */
export function checkForwardingTargets(targets: readonly string[], policy: ForwardingPolicy): ForwardingCheck {
  if (targets.length === 0) return { ok: false, code: "no_targets", max: policy.maxTargets };
  if (targets.length > policy.maxTargets) return { ok: false, code: "too_many", max: policy.maxTargets };
  const self = policy.mailbox.trim().toLowerCase();
  const aliases = new Set(policy.aliases.map((alias) => alias.trim().toLowerCase()));
  const seen = new Set<string>();
  const problems: { index: number; address: string; code: ForwardingTargetCode }[] = [];
  const normalized: string[] = [];
  targets.forEach((raw, index) => {
    const address = normalizeAddress(raw);
    const problem = (code: ForwardingTargetCode) => problems.push({ index, address: raw, code });
    if (!address) return problem("invalid_address");
    if (address === self) return problem("self");
    if (aliases.has(address)) return problem("own_alias");
    if (seen.has(address)) return problem("duplicate");
    if (!isForwardingDomainAllowed(address.slice(address.lastIndexOf("@") + 1), policy)) return problem("external_not_allowed");
    seen.add(address);
    normalized.push(address);
  });
  return problems.length > 0 ? { ok: false, code: "targets", problems } : { ok: true, targets: normalized };
}

// ---------------------------------------------------------------------------------------------------------------
// Sieve strings

/**
 * A Sieve quoted string (RFC 5228 2.4.2) holding `value` as text: backslash and double quote escaped, line breaks
 * kept as LF (allowed inside quoted strings), other control characters dropped (NUL and friends are not valid in a
 * script). Non-ASCII stays UTF-8. No extension that expands strings (variables, encoded-character) is ever required,
 * so `${…}` stays literal.
 */
export function sieveString(value: string): string {
  const text = value
    .replace(/\r\n?/g, "\n")
    // oxlint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A string list `["a", "b"]`. */
function sieveList(values: readonly string[]): string {
  return `[${values.map(sieveString).join(", ")}]`;
}

/** One line of header text: every run of whitespace (line breaks included) becomes one space. */
function singleLine(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

// ---------------------------------------------------------------------------------------------------------------
// The script

export interface ForwardingSettings {
  /** Already checked with checkForwardingTargets (invalid addresses are refused here too). */
  to: readonly string[];
  /** Keep a copy in the mailbox (`redirect :copy`); otherwise `redirect` and `stop`. */
  keepCopy: boolean;
}

export interface VacationSettings {
  subject: string;
  /** Plain text. */
  message: string;
  /** First day (YYYY-MM-DD, inclusive), in `zone`. */
  from?: string;
  /** Last day (YYYY-MM-DD, inclusive), in `zone`. */
  until?: string;
  /** `+HHMM`/`-HHMM` for the date checks; default the mail server's local time. */
  zone?: string;
  /** Reply once per sender per this many days (VACATION_DAYS). */
  days: number;
  /** The mailbox and its aliases: mail to any of them is answered (`:addresses`). */
  addresses: readonly string[];
  /** The reply's From address (the mailbox); optional. */
  replyFrom?: string;
}

export const VACATION_MAX_DAYS = 365;

export type SieveBuildError =
  | { code: "empty" }
  | { code: "invalid_target"; address: string }
  | { code: "vacation_subject_empty" }
  | { code: "vacation_message_empty" }
  | { code: "vacation_days"; min: 1; max: number }
  | { code: "invalid_date"; field: "from" | "until" }
  | { code: "invalid_zone" }
  | { code: "date_order" }
  | { code: "invalid_address"; address: string }
  | { code: "too_long"; bytes: number; max: number };

export type SieveBuildResult = { script: string; bytes: number } | { error: SieveBuildError };

function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Mail that must never get an automatic reply (RFC 3834 section 2, RFC 5230 section 4.6 practice): mailing lists,
 * bulk mail, anything auto-submitted, and senders asking Microsoft-style for no out-of-office replies. Pigeonhole
 * skips some of these by itself; the script says so explicitly so any Sieve implementation behaves the same.
 */
const NO_AUTO_REPLY = [
  'exists "list-id"',
  'exists "list-unsubscribe"',
  'exists "list-post"',
  'header :is "precedence" ["bulk", "list", "junk"]',
  'allof (exists "auto-submitted", not header :is "auto-submitted" "no")',
  'header :contains "x-auto-response-suppress" ["oof", "all"]',
];

/**
 * Builds the platform's prefilter from the settings. Forwarding and out-of-office may each be absent, not both.
 * The result is at most SIEVE_MAX_BYTES bytes of UTF-8, or a typed error.
 */
export function buildPlatformScript(settings: { forwarding?: ForwardingSettings; vacation?: VacationSettings }): SieveBuildResult {
  const { forwarding, vacation } = settings;
  if (!forwarding && !vacation) return { error: { code: "empty" } };
  const extensions = new Set<string>();
  const lines: string[] = [];

  if (vacation) {
    const subject = singleLine(vacation.subject);
    if (!subject) return { error: { code: "vacation_subject_empty" } };
    if (!vacation.message.trim()) return { error: { code: "vacation_message_empty" } };
    if (!Number.isInteger(vacation.days) || vacation.days < 1 || vacation.days > VACATION_MAX_DAYS) {
      return { error: { code: "vacation_days", min: 1, max: VACATION_MAX_DAYS } };
    }
    if (vacation.from !== undefined && !isCalendarDate(vacation.from)) return { error: { code: "invalid_date", field: "from" } };
    if (vacation.until !== undefined && !isCalendarDate(vacation.until)) return { error: { code: "invalid_date", field: "until" } };
    if (vacation.from !== undefined && vacation.until !== undefined && vacation.from > vacation.until) return { error: { code: "date_order" } };
    if (vacation.zone !== undefined && !/^[+-](?:[01]\d|2[0-3])[0-5]\d$/.test(vacation.zone)) return { error: { code: "invalid_zone" } };
    const addresses: string[] = [];
    for (const raw of vacation.addresses) {
      const address = normalizeAddress(raw);
      if (!address) return { error: { code: "invalid_address", address: raw } };
      if (!addresses.includes(address)) addresses.push(address);
    }
    const replyFrom = vacation.replyFrom === undefined ? undefined : normalizeAddress(vacation.replyFrom);
    if (replyFrom === null) return { error: { code: "invalid_address", address: vacation.replyFrom ?? "" } };

    extensions.add("vacation");
    const conditions = [`not anyof (\n    ${NO_AUTO_REPLY.join(",\n    ")}\n  )`];
    const zone = vacation.zone ? `:zone ${sieveString(vacation.zone)} ` : "";
    if (vacation.from !== undefined || vacation.until !== undefined) {
      extensions.add("date");
      extensions.add("relational");
    }
    if (vacation.from !== undefined) conditions.push(`currentdate ${zone}:value "ge" "date" ${sieveString(vacation.from)}`);
    if (vacation.until !== undefined) conditions.push(`currentdate ${zone}:value "le" "date" ${sieveString(vacation.until)}`);
    const parts = [`vacation :days ${vacation.days}`];
    if (addresses.length > 0) parts.push(`:addresses ${sieveList(addresses)}`);
    if (replyFrom) parts.push(`:from ${sieveString(replyFrom)}`);
    parts.push(`:subject ${sieveString(subject)}`);
    lines.push(
      "# Out-of-office: once per sender per period, never to lists or automated mail.",
      `if allof (\n  ${conditions.join(",\n  ")}\n) {`,
      `  ${parts.join(" ")}`,
      `    ${sieveString(vacation.message)};`,
      "}",
    );
  }

  if (forwarding) {
    if (forwarding.to.length === 0) return { error: { code: "invalid_target", address: "" } };
    const targets: string[] = [];
    for (const raw of forwarding.to) {
      const address = normalizeAddress(raw);
      if (!address) return { error: { code: "invalid_target", address: raw } };
      if (!targets.includes(address)) targets.push(address);
    }
    lines.push(forwarding.keepCopy ? "# Forwarding; a copy stays in the mailbox." : "# Forwarding; nothing stays in the mailbox.");
    if (forwarding.keepCopy) {
      extensions.add("copy");
      for (const target of targets) lines.push(`redirect :copy ${sieveString(target)};`);
    } else {
      for (const target of targets) lines.push(`redirect ${sieveString(target)};`);
      lines.push("stop;");
    }
  }

  const order = ["copy", "vacation", "date", "relational"];
  const required = order.filter((ext) => extensions.has(ext));
  // A string list is never empty in Sieve's grammar: no `require` at all when nothing is needed.
  const header = [`# ${PLATFORM_FILTER_DESC}. Generated; edits here are overwritten.`, ...(required.length > 0 ? [`require ${sieveList(required)};`] : [])];
  const script = `${[...header, ...lines].join("\n")}\n`;
  const bytes = Buffer.byteLength(script, "utf8");
  if (bytes > SIEVE_MAX_BYTES) return { error: { code: "too_long", bytes, max: SIEVE_MAX_BYTES } };
  return { script, bytes };
}
