// Every Mailcow request goes through createMailcowClient(). Operations validate what we send, parse what comes
// back with zod, and turn anything unexpected into a MailcowError (see errors.ts for the kinds).
//
// Write rule (API-CONTRACT.md §4): Mailcow reports refusals as HTTP 200. A write succeeded only when the body
// is an entry list (or a single entry), no entry is `danger`/`error`, and the expected success key is there
// for every item written.
import type { z } from "zod";
import { MailcowError, redact, redactArgs, sanitizeCause } from "./errors";
import {
  AliasSchema,
  DomainSchema,
  MailboxSchema,
  PasswordPolicySchema,
  toMessage,
  VersionSchema,
  WriteResultSchema,
  type MailboxActiveState,
  type MailcowAlias,
  type MailcowDomain,
  type MailcowMailbox,
  type MailcowMessage,
  type MailcowVersion,
  type PasswordPolicy,
} from "./schemas";
import { createAuthGate, type AuthStatus, type MailcowLog } from "./auth-gate";
import { createTransport } from "./transport";

export interface MailcowConfig {
  /** The API root including `/api/v1`, e.g. `https://mail.example.com/api/v1`. */
  baseUrl: string;
  /** A read-write key for writes; a read-only key is enough for the get* operations. */
  apiKey: string;
  /** Budget for one HTTP exchange (headers and body). */
  timeoutMs?: number;
  /** Extra attempts for reads after connection failures or 5xx (not after timeouts). */
  readRetries?: number;
  /** First backoff between read attempts; doubles each time. */
  retryDelayMs?: number;
  /** Requests in flight at most, for every call of this client (MAILCOW_MAX_CONCURRENCY). */
  maxConcurrency?: number;
  /** After a 401 every call is paused; the first probe waits this long, later ones longer (MAILCOW_AUTH_PROBE_SECONDS). */
  authProbeMs?: number;
  /** The clock of the auth pause (tests inject one). */
  now?: () => number;
  /** Where the pause and a read-only key are reported (error level); silent when absent. */
  log?: MailcowLog;
}

/** `true`/`false` mean 1/0; 2 keeps receiving mail but refuses logins. */
export type MailboxActiveInput = boolean | MailboxActiveState;

export interface AddMailboxInput {
  localPart: string;
  domain: string;
  /** Display name; Mailcow stores "" when omitted. */
  name?: string;
  /** MiB, a non-negative integer; 0 = unlimited. */
  quotaMiB: number;
  password: string;
  active?: MailboxActiveInput;
  forcePwUpdate?: boolean;
  tlsEnforceIn?: boolean;
  tlsEnforceOut?: boolean;
  tags?: string[];
}

export interface EditMailboxInput {
  password?: string;
  active?: MailboxActiveInput;
  quotaMiB?: number;
  /** Mailcow keeps the current name when given "" (a name cannot be cleared). */
  name?: string;
  forcePwUpdate?: boolean;
  /** Added to the existing tags; Mailcow's edit never removes tags. */
  tags?: string[];
}

export interface AddMailboxResult {
  /** The address Mailcow created (it lower-cases local part and domain). */
  username: string;
  /** `warning` entries Mailcow returned alongside success, e.g. tag_limit_exceeded. */
  warnings: MailcowMessage[];
}

export interface DeleteMailboxesResult {
  removed: string[];
  /** e.g. "Could not move maildir to garbage collector". */
  warnings: MailcowMessage[];
}

export type MailcowClient = ReturnType<typeof createMailcowClient>;

// Local parts go into URL paths: refuse the characters that would change the path or query.
const EMAIL = /^[^\s/?#%\\@]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
// Mailcow stores a password that starts with a scheme such as {BLF-CRYPT} or {SSHA256} as a ready-made hash.
const PREHASHED = /^\{[A-Za-z0-9._-]+\}/;

function assertEmail(value: string, what: string): string {
  if (typeof value !== "string" || !EMAIL.test(value.trim())) throw new TypeError(`${what} is not a plain email address`);
  return value.trim().toLowerCase();
}

function assertQuota(quotaMiB: unknown): number {
  if (typeof quotaMiB !== "number" || !Number.isSafeInteger(quotaMiB) || quotaMiB < 0) {
    // NOTE: Mailcow accepts negative quotas and lowers the domain's allocated total with them.
    throw new RangeError("quotaMiB must be a whole number of MiB, 0 (unlimited) or more");
  }
  return quotaMiB;
}

function assertPassword(password: unknown): string {
  if (typeof password !== "string" || password === "") throw new TypeError("password must be a non-empty string");
  if (PREHASHED.test(password)) {
    throw new RangeError("password must not start with a {SCHEME} prefix: Mailcow would store it as a ready-made hash");
  }
  return password;
}

function toActive(active: MailboxActiveInput): MailboxActiveState {
  if (active === true) return 1;
  if (active === false) return 0;
  if (active === 0 || active === 1 || active === 2) return active;
  throw new RangeError("active must be a boolean, 0, 1 or 2");
}

function assertTags(tags: unknown): string[] {
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === "string" && tag.trim() !== "")) {
    throw new TypeError("tags must be non-empty strings");
  }
  return tags.map((tag: string) => tag.trim());
}

const flag = (value: boolean) => (value ? 1 : 0);

export function createMailcowClient({
  baseUrl,
  apiKey,
  timeoutMs = 10_000,
  readRetries = 2,
  retryDelayMs = 100,
  maxConcurrency = 4,
  authProbeMs = 300_000,
  now = Date.now,
  log,
}: MailcowConfig) {
  if (typeof baseUrl !== "string" || !/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
    throw new TypeError("Mailcow baseUrl must be an http(s) URL such as https://mail.example.com/api/v1");
  }
  // An empty key makes Mailcow treat us as an anonymous web session; control characters would make fetch throw
  // an error quoting the header value.
  if (typeof apiKey !== "string" || apiKey.trim() === "" || /[^\x21-\x7e ]/.test(apiKey)) {
    throw new TypeError("Mailcow API key is empty or contains characters that cannot be sent in a header");
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError("timeoutMs must be positive");
  if (!Number.isInteger(readRetries) || readRetries < 0) throw new RangeError("readRetries must be a whole number, 0 or more");
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) throw new RangeError("maxConcurrency must be a whole number, 1 or more");

  const gate = createAuthGate({ probeIntervalMs: authProbeMs, now, log });
  const transport = createTransport({ baseUrl, apiKey, timeoutMs, readRetries, retryDelayMs, maxConcurrency, gate });

  function badShape(operation: string, error: z.ZodError | string): MailcowError {
    const summary =
      typeof error === "string"
        ? error
        : error.issues
            .slice(0, 5)
            .map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`)
            .join("; ");
    return new MailcowError("bad_response", `Mailcow's answer to ${operation} has an unexpected shape`, {
      operation,
      status: 200,
      reason: "unexpected_shape",
      cause: sanitizeCause(new Error(summary), [apiKey]),
    });
  }

  function rejection(operation: string, failure: MailcowMessage, secrets: readonly string[]): MailcowError {
    const args = redactArgs(failure.args, secrets);
    const key = redact(failure.key, secrets);
    const shownArgs = args.length > 0 ? ` (${args.map(String).join(", ")})` : "";
    return new MailcowError("rejected", `Mailcow refused ${operation}: ${key}${shownArgs}`, { operation, status: 200, messageKey: key, args });
  }

  /** A `danger`/`error` message in place of data: reads can fail the way writes do (mysql_error, redis_error). */
  function refusalIn(body: unknown): MailcowMessage | undefined {
    const entries = WriteResultSchema.safeParse(body);
    if (!entries.success) return undefined;
    return entries.data.map(toMessage).find((m) => m.type === "danger" || m.type === "error");
  }

  /** A GET of one object: `{}` (or `[]`, which PHP sends for an empty array) means there is none. */
  async function readOne<S extends z.ZodType>(operation: string, path: string, schema: S): Promise<z.output<S> | null> {
    const body = await transport.read(operation, path);
    const refusal = refusalIn(body);
    if (refusal) throw rejection(operation, refusal, [apiKey]);
    if (Array.isArray(body) && body.length === 0) return null;
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw badShape(operation, "expected one JSON object");
    if (Object.keys(body).length === 0) return null;
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw badShape(operation, parsed.error);
    return parsed.data;
  }

  async function readRequired<S extends z.ZodType>(operation: string, path: string, schema: S): Promise<z.output<S>> {
    const result = await readOne(operation, path, schema);
    if (result === null) throw badShape(operation, "expected an object, got an empty one");
    return result;
  }

  /**
   * POST and apply the write rule. `expected` lists the items that must each get a `successKey` entry
   * (compared case-insensitively; Mailcow lower-cases addresses).
   */
  async function write(operation: string, path: string, body: unknown, successKey: string, expected: string[], secrets: string[]) {
    const allSecrets = [apiKey, ...secrets];
    const raw = await transport.write(operation, path, body, secrets);
    const parsed = WriteResultSchema.safeParse(raw);
    if (!parsed.success) throw badShape(operation, parsed.error);
    const messages = parsed.data.map(toMessage);
    const failure = messages.find((m) => m.type === "danger" || m.type === "error");
    if (failure) throw rejection(operation, failure, allSecrets);
    const confirmed = messages.filter((m) => m.key === successKey).map((m) => String(m.args[0] ?? "").toLowerCase());
    const missing = expected.filter((item) => !confirmed.includes(item.toLowerCase()));
    if (confirmed.length === 0 || missing.length > 0) {
      const keys = messages.map((m) => m.key).join(", ") || "nothing";
      throw new MailcowError("bad_response", redact(`Mailcow did not confirm ${operation} (expected ${successKey}, got ${keys})`, allSecrets), {
        operation,
        status: 200,
        reason: "missing_success",
      });
    }
    return {
      confirmed,
      warnings: messages.filter((m) => m.type === "warning").map((m) => ({ ...m, key: redact(m.key, allSecrets), args: redactArgs(m.args, allSecrets) })),
    };
  }

  return {
    /**
     * Whether Mailcow calls are paused because Mailcow answered 401 (wrong key, or this server's IP not allowed).
     * While paused every call fails at once with kind `unauthorized`, reason `paused`, without reaching Mailcow.
     */
    authStatus(): AuthStatus {
      return gate.status();
    },

    /** Mailcow's release (`/get/status/version`); works with the read-only key. A cheap liveness probe. */
    async getVersion(): Promise<MailcowVersion> {
      return readRequired("getVersion", "get/status/version", VersionSchema);
    },

    /** The domain's limits and usage, or null when Mailcow has no such domain. An alias domain answers with its target's record. */
    async getDomain(domain: string): Promise<MailcowDomain | null> {
      if (typeof domain !== "string" || !DOMAIN.test(domain.trim())) throw new TypeError("domain is not a plain domain name");
      return readOne("getDomain", `get/domain/${domain.trim().toLowerCase()}`, DomainSchema);
    },

    /** The live password policy (Mailcow answers every violation with the same `password_complexity`). */
    async getPasswordPolicy(): Promise<PasswordPolicy> {
      return readRequired("getPasswordPolicy", "get/passwordpolicy", PasswordPolicySchema);
    },

    /** The mailbox, or null when there is none. */
    async getMailbox(email: string): Promise<MailcowMailbox | null> {
      const address = assertEmail(email, "mailbox");
      const mailbox = await readOne("getMailbox", `get/mailbox/${address}`, MailboxSchema);
      // Distrust: an answer about another mailbox is not an answer.
      if (mailbox && mailbox.username !== address) throw badShape("getMailbox", "the answer is about another mailbox");
      return mailbox;
    },

    /**
     * The alias with this address, or null. A mailbox's own self-alias is never returned by Mailcow, so this
     * finds addresses that forward elsewhere (which add/mailbox refuses with `is_alias`).
     */
    async getAlias(address: string): Promise<MailcowAlias | null> {
      const normalized = assertEmail(address, "alias address");
      const alias = await readOne("getAlias", `get/alias/${normalized}`, AliasSchema);
      if (alias && alias.address !== normalized) throw badShape("getAlias", "the answer is about another alias");
      return alias;
    },

    /**
     * Creates a mailbox. Refusals arrive as `rejected` with Mailcow's key: object_exists, is_alias,
     * password_complexity, password_mismatch, max_mailbox_exceeded, mailbox_quota_exceeded,
     * mailbox_quota_left_exceeded, access_denied (unknown domain), domain_not_found (alias domain), mailbox_invalid.
     */
    async addMailbox(input: AddMailboxInput): Promise<AddMailboxResult> {
      const password = assertPassword(input.password);
      const localPart = String(input.localPart ?? "").trim().toLowerCase();
      const domain = String(input.domain ?? "").trim().toLowerCase();
      if (!localPart || !DOMAIN.test(domain)) throw new TypeError("localPart and domain are required");
      const body = {
        local_part: localPart,
        domain,
        name: input.name ?? "",
        quota: assertQuota(input.quotaMiB),
        password,
        password2: password,
        active: toActive(input.active ?? true),
        force_pw_update: flag(input.forcePwUpdate ?? false),
        tls_enforce_in: flag(input.tlsEnforceIn ?? false),
        tls_enforce_out: flag(input.tlsEnforceOut ?? false),
        tags: assertTags(input.tags ?? []),
      };
      const username = `${localPart}@${domain}`;
      const { warnings } = await write("addMailbox", "add/mailbox", body, "mailbox_added", [username], [password]);
      return { username, warnings };
    },

    /**
     * Changes a mailbox; omitted fields keep their values. An unknown mailbox is `rejected` with access_denied.
     * A refused password (password_complexity) means nothing else in the call was saved either.
     */
    async editMailbox(email: string, changes: EditMailboxInput): Promise<void> {
      const address = assertEmail(email, "mailbox");
      const attr: Record<string, unknown> = {};
      const secrets: string[] = [];
      if (changes.password !== undefined) {
        const password = assertPassword(changes.password);
        attr.password = password;
        attr.password2 = password;
        secrets.push(password);
      }
      if (changes.active !== undefined) attr.active = toActive(changes.active);
      if (changes.quotaMiB !== undefined) attr.quota = assertQuota(changes.quotaMiB);
      if (changes.name !== undefined) attr.name = changes.name;
      if (changes.forcePwUpdate !== undefined) attr.force_pw_update = flag(changes.forcePwUpdate);
      if (changes.tags !== undefined) attr.tags = assertTags(changes.tags);
      await write("editMailbox", "edit/mailbox", { items: [address], attr }, "mailbox_modified", [address], secrets);
    },

    /**
     * Deletes mailboxes (with their aliases, filters and app passwords). Unknown addresses are `rejected`
     * with access_denied; the others in the same call are deleted regardless.
     */
    async deleteMailboxes(emails: string[]): Promise<DeleteMailboxesResult> {
      const addresses = emails.map((email) => assertEmail(email, "mailbox"));
      if (addresses.length === 0) return { removed: [], warnings: [] };
      // The delete body is the bare array; `{items: [...]}` would be read as one item and refused.
      const { confirmed, warnings } = await write("deleteMailboxes", "delete/mailbox", addresses, "mailbox_removed", addresses, []);
      return { removed: confirmed, warnings };
    },
  };
}
