// `npm run doctor`: can this installation create mailboxes in Mailcow? For an admin about to go live, the
// successor of the original test_mailbox.py. Every check reads; the one request that looks like a write (the
// key probe) edits a mailbox that does not exist, which Mailcow refuses without changing anything.
//
// runDoctor() takes the variables as a plain record (cli.ts gets them from server/env.ts) and never throws:
// every outcome becomes a check with a verdict and, when something is wrong, what to do about it.
import { randomBytes } from "node:crypto";
import { signupHeadroom } from "../../server/mailbox/headroom";
import { checkRoomFor, createMailcowClient, isMailcowError, MIB, type MailcowClient, type MailcowDomain, type PasswordPolicy } from "../../server/mailcow/index";

export type Verdict = "ok" | "warn" | "fail" | "skip";

export interface DoctorCheck {
  id: string;
  /** Short name of what was checked, e.g. "API key access". */
  title: string;
  verdict: Verdict;
  /** What was found, in plain words. */
  summary: string;
  /** What to do, for warn and fail. */
  action?: string;
}

export interface ConfigLine {
  name: string;
  /** Shown value; the API key is never shown. */
  value: string;
  source: "set" | "default" | "missing";
}

export interface DoctorReport {
  /** No check failed. */
  ok: boolean;
  exitCode: 0 | 1;
  checks: DoctorCheck[];
  configuration: ConfigLine[];
  mailcow: {
    version: string | null;
    passwordPolicy: PasswordPolicy | null;
    domain: MailcowDomain | null;
    /** "read-write", "read-only", or null when it could not be told. */
    keyAccess: "read-write" | "read-only" | null;
  };
}

export interface DoctorSettings {
  /** The environment variables (MAILCOW_API_URL, MAILCOW_API_KEY, MAILCOW_DOMAIN, MAILCOW_TIMEOUT_MS, MAILBOX_QUOTA_MIB, …). */
  env: Record<string, string | undefined>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_QUOTA_MIB = 1024;
/** Fewer free slots than this is worth a warning before opening sign-ups. */
const FEW_MAILBOXES = 10;
/** SIGNUP_MIN_FREE_MAILBOXES's default in server/env.ts. */
const DEFAULT_SIGNUP_MIN_FREE = 5;
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const KEY_SETUP = "create one in Mailcow (System → Configuration → Access → API, read-write) and set MAILCOW_API_KEY";

export async function runDoctor({ env }: DoctorSettings): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const add = (check: DoctorCheck) => checks.push(check);
  const value = (name: string) => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === "" ? undefined : raw;
  };

  // ---------- environment ----------
  const url = checkUrl(value("MAILCOW_API_URL"));
  add(url.check);
  const key = value("MAILCOW_API_KEY");
  add(checkKey(key));
  const domainName = value("MAILCOW_DOMAIN")?.toLowerCase();
  add(checkDomainSyntax(domainName));
  const timeout = positiveInt("MAILCOW_TIMEOUT_MS", value("MAILCOW_TIMEOUT_MS"), DEFAULT_TIMEOUT_MS, "Mailcow request timeout", "ms");
  add(timeout.check);
  const quota = positiveInt("MAILBOX_QUOTA_MIB", value("MAILBOX_QUOTA_MIB"), DEFAULT_QUOTA_MIB, "New mailbox quota", "MiB");
  add(quota.check);

  const configuration = describeConfiguration(value);
  const mailcow: DoctorReport["mailcow"] = { version: null, passwordPolicy: null, domain: null, keyAccess: null };
  const finish = (): DoctorReport => {
    const ok = checks.every((c) => c.verdict !== "fail");
    return { ok, exitCode: ok ? 0 : 1, checks, configuration, mailcow };
  };
  const skipRemote = (why: string) => {
    for (const [id, title] of REMOTE_CHECKS) {
      if (!checks.some((c) => c.id === id)) add({ id, title, verdict: "skip", summary: why });
    }
    return finish();
  };

  if (!url.value || !key || !domainName || !DOMAIN_RE.test(domainName) || timeout.value === null || quota.value === null) {
    return skipRemote("not checked: fix the settings above first");
  }

  let client: MailcowClient;
  try {
    client = createMailcowClient({ baseUrl: url.value, apiKey: key, timeoutMs: timeout.value });
  } catch (error) {
    // Only our own argument checks throw here; their messages never quote the key.
    add({ id: "mailcow.reach", title: "Mailcow API", verdict: "fail", summary: (error as Error).message, action: "fix MAILCOW_API_URL / MAILCOW_API_KEY" });
    return skipRemote("not checked: Mailcow is not reachable with these settings");
  }

  // ---------- reach Mailcow ----------
  try {
    const started = Date.now();
    const { version } = await client.getVersion();
    mailcow.version = version;
    add({ id: "mailcow.reach", title: "Mailcow API", verdict: "ok", summary: `Mailcow ${version} answered in ${Date.now() - started} ms with a valid key` });
  } catch (error) {
    add({ id: "mailcow.reach", title: "Mailcow API", verdict: "fail", ...explain(error, url.value, timeout.value) });
    return skipRemote("not checked: Mailcow did not answer properly");
  }

  // ---------- read-only or read-write key ----------
  const probe = `doctor-probe-${randomBytes(6).toString("hex")}@${domainName}`;
  try {
    await client.editMailbox(probe, {});
    // Only possible if the random probe address exists; the empty edit changed nothing that matters.
    mailcow.keyAccess = "read-write";
    add({ id: "mailcow.key_access", title: "API key access", verdict: "ok", summary: "read-write (the key may create mailboxes)" });
  } catch (error) {
    if (isMailcowError(error) && error.kind === "unauthorized" && error.reason === "read_only") {
      mailcow.keyAccess = "read-only";
      add({
        id: "mailcow.key_access",
        title: "API key access",
        verdict: "fail",
        summary: "the key is read-only: sign-ups could not create mailboxes",
        action: `use the read-write key instead (${KEY_SETUP})`,
      });
    } else if (isMailcowError(error) && error.kind === "rejected" && error.messageKey === "access_denied") {
      mailcow.keyAccess = "read-write";
      add({ id: "mailcow.key_access", title: "API key access", verdict: "ok", summary: "read-write (the key may create mailboxes)" });
    } else {
      add({ id: "mailcow.key_access", title: "API key access", verdict: "fail", ...explain(error, url.value, timeout.value, "could not tell whether the key may write") });
    }
  }

  // ---------- the domain and its room ----------
  try {
    const domain = await client.getDomain(domainName);
    mailcow.domain = domain;
    add(checkDomain(domainName, domain));
    add(checkRoom(domainName, domain, quota.value));
    add(checkSignupHeadroom(domainName, domain, quota.value, value("SIGNUP_MIN_FREE_MAILBOXES")));
  } catch (error) {
    add({ id: "mailcow.domain", title: "Mail domain", verdict: "fail", ...explain(error, url.value, timeout.value, `could not read domain ${domainName}`) });
    add({ id: "mailcow.room", title: "Room for mailboxes", verdict: "skip", summary: "not checked: the domain could not be read" });
    add({ id: "mailcow.signup_headroom", title: "Sign-up headroom", verdict: "skip", summary: "not checked: the domain could not be read" });
  }

  // ---------- password policy ----------
  try {
    const policy = await client.getPasswordPolicy();
    mailcow.passwordPolicy = policy;
    add({ id: "mailcow.password_policy", title: "Password policy", verdict: "ok", summary: describePolicy(policy) });
  } catch (error) {
    add({ id: "mailcow.password_policy", title: "Password policy", verdict: "warn", ...explain(error, url.value, timeout.value, "could not read the password policy") });
  }

  return finish();
}

const REMOTE_CHECKS: ReadonlyArray<readonly [string, string]> = [
  ["mailcow.reach", "Mailcow API"],
  ["mailcow.key_access", "API key access"],
  ["mailcow.domain", "Mail domain"],
  ["mailcow.room", "Room for mailboxes"],
  ["mailcow.signup_headroom", "Sign-up headroom"],
  ["mailcow.password_policy", "Password policy"],
];

// ---------- environment checks ----------

function checkUrl(raw: string | undefined): { value: string | null; check: DoctorCheck } {
  const id = "env.api_url";
  const title = "MAILCOW_API_URL";
  if (!raw) {
    return {
      value: null,
      check: {
        id,
        title,
        verdict: "fail",
        summary: "not set (the app would run in demo mode with a simulated Mailcow)",
        action: "set it to your Mailcow API address, e.g. https://mail.example.com/api/v1",
      },
    };
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return { value: null, check: { id, title, verdict: "fail", summary: `"${raw}" is not a URL`, action: "use the form https://mail.example.com/api/v1" } };
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return { value: null, check: { id, title, verdict: "fail", summary: `"${raw}" is not an http(s) URL`, action: "use the form https://mail.example.com/api/v1" } };
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    return {
      value: null,
      check: { id, title, verdict: "fail", summary: "has credentials, a query or a fragment in it", action: "use only scheme, host and path, e.g. https://mail.example.com/api/v1" },
    };
  }
  if (!/\/api\/v1\/?$/.test(parsed.pathname)) {
    return {
      value: null,
      check: {
        id,
        title,
        verdict: "fail",
        summary: `"${raw}" does not end with /api/v1`,
        action: `use the API root, e.g. ${parsed.origin}/api/v1`,
      },
    };
  }
  const value = raw.replace(/\/+$/, "");
  if (parsed.protocol === "http:" && !isLoopback(parsed.hostname)) {
    return {
      value,
      check: { id, title, verdict: "warn", summary: `${value} uses plain http: the API key would cross the network unencrypted`, action: "use https" },
    };
  }
  return { value, check: { id, title, verdict: "ok", summary: value } };
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function checkKey(key: string | undefined): DoctorCheck {
  const id = "env.api_key";
  const title = "MAILCOW_API_KEY";
  if (!key) return { id, title, verdict: "fail", summary: "not set", action: KEY_SETUP };
  // Mailcow drops every character outside [A-Za-z0-9-] before the lookup (API-CONTRACT.md §2).
  if (/[^A-Za-z0-9-]/.test(key)) {
    return {
      id,
      title,
      verdict: "warn",
      summary: `set (${key.length} characters) but contains characters Mailcow ignores (quotes, spaces, "Bearer ")`,
      action: "paste the key exactly as Mailcow shows it",
    };
  }
  return { id, title, verdict: "ok", summary: `set (${key.length} characters, not shown)` };
}

function checkDomainSyntax(domain: string | undefined): DoctorCheck {
  const id = "env.domain";
  const title = "MAILCOW_DOMAIN";
  if (!domain) return { id, title, verdict: "fail", summary: "not set", action: "set it to the mail domain users get addresses in, e.g. example.com" };
  if (!DOMAIN_RE.test(domain)) {
    return { id, title, verdict: "fail", summary: `"${domain}" is not a domain name`, action: "use a plain domain like example.com (no @, no scheme, no path)" };
  }
  return { id, title, verdict: "ok", summary: domain };
}

function positiveInt(
  name: string,
  raw: string | undefined,
  fallback: number,
  title: string,
  unit: string,
): { value: number | null; check: DoctorCheck } {
  const id = `env.${name.toLowerCase()}`;
  if (raw === undefined) return { value: fallback, check: { id, title: name, verdict: "ok", summary: `${fallback} ${unit} (default)` } };
  if (!/^\d+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) {
    return { value: null, check: { id, title: name, verdict: "fail", summary: `"${raw}" is not a positive whole number`, action: `set ${title.toLowerCase()} in ${unit}, e.g. ${fallback}` } };
  }
  return { value: Number(raw), check: { id, title: name, verdict: "ok", summary: `${Number(raw)} ${unit}` } };
}

function describeConfiguration(value: (name: string) => string | undefined): ConfigLine[] {
  const line = (name: string, fallback?: string): ConfigLine => {
    const set = value(name);
    if (set !== undefined) return { name, value: set, source: "set" };
    return fallback === undefined ? { name, value: "(not set)", source: "missing" } : { name, value: fallback, source: "default" };
  };
  const key = value("MAILCOW_API_KEY");
  return [
    line("MAILCOW_API_URL"),
    key ? { name: "MAILCOW_API_KEY", value: `(set, ${key.length} characters, not shown)`, source: "set" } : line("MAILCOW_API_KEY"),
    line("MAILCOW_DOMAIN"),
    line("MAILCOW_TIMEOUT_MS", String(DEFAULT_TIMEOUT_MS)),
    line("MAILBOX_QUOTA_MIB", String(DEFAULT_QUOTA_MIB)),
    line("MAILBOX_FORCE_PW_UPDATE", "true"),
    line("MAILBOX_TLS_ENFORCE_IN", "true"),
    line("MAILBOX_TLS_ENFORCE_OUT", "true"),
  ];
}

// ---------- Mailcow checks ----------

function checkDomain(name: string, domain: MailcowDomain | null): DoctorCheck {
  const id = "mailcow.domain";
  const title = "Mail domain";
  if (!domain) {
    return {
      id,
      title,
      verdict: "fail",
      summary: `Mailcow has no domain ${name}`,
      action: `add ${name} in Mailcow (E-Mail → Configuration → Domains) or correct MAILCOW_DOMAIN`,
    };
  }
  if (domain.name !== name) {
    return {
      id,
      title,
      verdict: "fail",
      summary: `${name} is an alias domain of ${domain.name}: Mailcow creates no mailboxes in alias domains`,
      action: `set MAILCOW_DOMAIN=${domain.name}`,
    };
  }
  if (!domain.active) {
    return { id, title, verdict: "warn", summary: `${name} exists but is inactive: it does not receive mail`, action: `activate ${name} in Mailcow` };
  }
  return { id, title, verdict: "ok", summary: `${name} exists and is active (${domain.mailboxCount} of ${domain.maxMailboxes} mailboxes used)` };
}

function checkRoom(name: string, domain: MailcowDomain | null, quotaMiB: number): DoctorCheck {
  const id = "mailcow.room";
  const title = "Room for mailboxes";
  if (!domain || domain.name !== name) return { id, title, verdict: "skip", summary: "not checked: no usable domain" };
  const room = checkRoomFor(domain, quotaMiB);
  if (!room.ok) {
    switch (room.reason) {
      case "no_mailboxes_left":
        return {
          id,
          title,
          verdict: "fail",
          summary: `${name} is full: ${domain.mailboxCount} of ${room.maxMailboxes} mailboxes exist`,
          action: `raise the domain's "Max. possible mailboxes" in Mailcow`,
        };
      case "quota_above_mailbox_max":
        return {
          id,
          title,
          verdict: "fail",
          summary: `a ${quotaMiB} MiB mailbox is above ${name}'s per-mailbox maximum of ${room.maxMiB} MiB`,
          action: `lower MAILBOX_QUOTA_MIB to ${room.maxMiB} or raise the domain's "Max. quota per mailbox"`,
        };
      case "quota_above_domain_left":
        return {
          id,
          title,
          verdict: "fail",
          summary: `only ${room.leftMiB} MiB of ${name}'s total quota is unallocated; a new mailbox needs ${quotaMiB} MiB`,
          action: `raise the domain's total quota in Mailcow or lower MAILBOX_QUOTA_MIB`,
        };
    }
  }
  const byQuota = Math.floor((domain.totalQuotaBytes - domain.quotaAllocatedBytes) / (quotaMiB * MIB));
  const fit = Math.max(0, Math.min(domain.mailboxesLeft, byQuota));
  const summary = `room for ${fit} more mailbox${fit === 1 ? "" : "es"} of ${quotaMiB} MiB`;
  if (fit < FEW_MAILBOXES) {
    return { id, title, verdict: "warn", summary, action: "raise the domain's mailbox count or total quota in Mailcow before many people sign up" };
  }
  return { id, title, verdict: "ok", summary };
}

/** Whether the running platform accepts sign-ups (SIGNUP_MIN_FREE_MAILBOXES, the same rule as sign-up itself). */
function checkSignupHeadroom(name: string, domain: MailcowDomain | null, quotaMiB: number, raw: string | undefined): DoctorCheck {
  const id = "mailcow.signup_headroom";
  const title = "Sign-up headroom";
  const minFree = raw === undefined ? DEFAULT_SIGNUP_MIN_FREE : Number(raw);
  if (!Number.isInteger(minFree) || minFree < 0) {
    return { id, title, verdict: "fail", summary: `SIGNUP_MIN_FREE_MAILBOXES is not a whole number ≥ 0: ${raw}`, action: "set it to e.g. 5, or 0 to turn the guard off" };
  }
  if (!domain || domain.name !== name) return { id, title, verdict: "skip", summary: "not checked: no usable domain" };
  if (minFree === 0) return { id, title, verdict: "ok", summary: "the guard is off (SIGNUP_MIN_FREE_MAILBOXES=0)" };
  const headroom = signupHeadroom(domain, quotaMiB, minFree);
  if (!headroom.ok) {
    return {
      id,
      title,
      verdict: "warn",
      summary: `new sign-ups are refused: ${headroom.why}`,
      action: "raise the domain's mailbox count or total quota in Mailcow, or lower SIGNUP_MIN_FREE_MAILBOXES",
    };
  }
  return { id, title, verdict: "ok", summary: `sign-ups open: ${domain.mailboxesLeft} free mailbox slots, at least ${minFree} kept` };
}

function describePolicy(policy: PasswordPolicy): string {
  const rules = [`at least ${policy.length} characters`];
  if (policy.chars) rules.push("a letter");
  if (policy.lowerUpper) rules.push("lower- and upper-case letters");
  if (policy.numbers) rules.push("a digit");
  if (policy.specialChars) rules.push("a symbol");
  return rules.join(", ");
}

/** A failure in plain words with the next step. */
function explain(error: unknown, url: string, timeoutMs: number, context?: string): { summary: string; action: string } {
  const prefix = context ? `${context}: ` : "";
  if (!isMailcowError(error)) return { summary: `${prefix}unexpected error`, action: "run again; report it if it persists" };
  const host = new URL(url).host;
  switch (error.kind) {
    case "unreachable":
      switch (error.reason) {
        case "timeout":
          return { summary: `${prefix}Mailcow did not answer within ${timeoutMs} ms`, action: `check that ${host} is up and not overloaded, or raise MAILCOW_TIMEOUT_MS` };
        case "refused":
          return { summary: `${prefix}nothing accepts connections at ${host}`, action: "check the host and port in MAILCOW_API_URL and that Mailcow's nginx is running" };
        case "dns":
          return { summary: `${prefix}the host name ${host} does not resolve`, action: "check the spelling of MAILCOW_API_URL and this server's DNS" };
        case "tls":
          return { summary: `${prefix}the TLS handshake with ${host} failed`, action: "check Mailcow's certificate (valid, matching the host name, full chain)" };
        default:
          return { summary: `${prefix}${error.message}`, action: `check the network path (firewall, proxy) to ${host}` };
      }
    case "unauthorized":
      switch (error.reason) {
        case "ip_not_allowed":
          return { summary: `${prefix}${error.message}`, action: "in Mailcow's API settings, add this server's address to the key's allowed networks" };
        case "no_key_received":
          return { summary: `${prefix}Mailcow answered as if no key had been sent`, action: "a proxy in front of Mailcow may strip the X-API-Key header; let it through" };
        case "read_only":
          return { summary: `${prefix}the key is read-only`, action: `use the read-write key (${KEY_SETUP})` };
        default:
          return { summary: `${prefix}Mailcow rejected the API key`, action: `check MAILCOW_API_KEY and that the key is active in Mailcow (${KEY_SETUP})` };
      }
    case "server_error":
      return { summary: `${prefix}Mailcow failed with HTTP ${error.status ?? "5xx"}`, action: "check Mailcow's containers (docker compose ps; logs of php-fpm, mysql, redis)" };
    case "bad_response":
      if (error.reason === "redirect") return { summary: `${prefix}${error.message}`, action: "put the final https address in MAILCOW_API_URL" };
      if (error.reason === "http_4xx" || error.reason === "not_json") {
        return { summary: `${prefix}${error.message}`, action: "check that MAILCOW_API_URL is the API root of Mailcow, ending in /api/v1" };
      }
      return { summary: `${prefix}Mailcow's answer was not what a Mailcow API sends (${error.reason ?? "bad response"})`, action: "check MAILCOW_API_URL points at Mailcow (not a proxy page); run again" };
    case "rejected":
      return {
        summary: `${prefix}Mailcow refused the request (${error.messageKey ?? "unknown reason"})`,
        action: error.retryable ? "Mailcow's database or Redis had a problem; check its containers and run again" : "check Mailcow's logs",
      };
  }
}
