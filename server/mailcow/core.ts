// The shared plumbing of every Mailcow operation: one transport (auth pause, limiter, retries), reading one object or
// a list, and the write rule. Resource files (mailboxes.ts, aliases.ts, filters.ts, …) build their methods on this;
// client.ts composes them into the one client object.
//
// Write rule (Mailcow reports refusals as HTTP 200): a write succeeded only when the body is an entry list (or a
// single entry), no entry is `danger`/`error`, and the expected success key is there for every item written.
import { z } from "zod";
import type { BreakerState } from "../metrics";
import { createAuthGate, type AuthGate, type MailcowLog } from "./auth-gate";
import { MailcowError, redact, redactArgs, sanitizeCause } from "./errors";
import { toMessage, WriteResultSchema, type MailcowMessage } from "./schemas";
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
  /** Told every change of the auth pause (the circuit breaker): open, half_open, closed. */
  onBreakerChange?: (state: BreakerState) => void;
}

export interface WriteSpec {
  /** The `msg` key Mailcow sends for each item done, e.g. "mailbox_added". */
  successKey: string;
  /**
   * Items that must each get a `successKey` entry whose first argument is the item (compared case-insensitively;
   * Mailcow lower-cases addresses). Empty: one `successKey` entry is enough (Mailcow's bare "app_passwd_added").
   */
  expected: readonly string[];
  /** Values in the body (passwords) to keep out of every error. */
  secrets?: readonly string[];
  /**
   * For operations where Mailcow's HTTP 200 with an empty body is a known "nothing was stored" (a Sieve script over
   * the TEXT column, edit/app-passwd without `username`): say what it means; the error gets reason `empty_answer`
   * and is not retryable. Without it an empty body is `empty_body` (outcome unknown).
   */
  emptyAnswer?: string;
}

export interface WriteOutcome {
  /** First arguments of the success entries, lower-cased ("" for bare keys). */
  confirmed: string[];
  /** All success entries (their later arguments carry ids, e.g. alias_added's new id). */
  successes: MailcowMessage[];
  /** `warning` entries Mailcow returned alongside success, e.g. tag_limit_exceeded. */
  warnings: MailcowMessage[];
}

export interface MailcowCore {
  readonly gate: AuthGate;
  badShape(operation: string, error: z.ZodError | string): MailcowError;
  rejection(operation: string, failure: MailcowMessage, secrets?: readonly string[]): MailcowError;
  /** A GET of one object: `{}` (or `[]`, which PHP sends for an empty array) means there is none. */
  readOne<S extends z.ZodType>(operation: string, path: string, schema: S): Promise<z.output<S> | null>;
  readRequired<S extends z.ZodType>(operation: string, path: string, schema: S): Promise<z.output<S>>;
  /**
   * A GET of a list: `{}` or `[]` mean none; an array, or an object keyed "0", "1", … (PHP's json_encode of an array
   * with gaps), is the list. Every item must parse.
   */
  readList<S extends z.ZodType>(operation: string, path: string, itemSchema: S): Promise<z.output<S>[]>;
  /** POST and apply the write rule. */
  write(operation: string, path: string, body: unknown, spec: WriteSpec): Promise<WriteOutcome>;
}

export function createMailcowCore({
  baseUrl,
  apiKey,
  timeoutMs = 10_000,
  readRetries = 2,
  retryDelayMs = 100,
  maxConcurrency = 4,
  authProbeMs = 300_000,
  now = Date.now,
  log,
  onBreakerChange,
}: MailcowConfig): MailcowCore {
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

  const gate = createAuthGate({ probeIntervalMs: authProbeMs, now, log, onStateChange: onBreakerChange });
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

  function rejection(operation: string, failure: MailcowMessage, secrets: readonly string[] = []): MailcowError {
    const allSecrets = [apiKey, ...secrets];
    const args = redactArgs(failure.args, allSecrets);
    const key = redact(failure.key, allSecrets);
    const shownArgs = args.length > 0 ? ` (${args.map(String).join(", ")})` : "";
    return new MailcowError("rejected", `Mailcow refused ${operation}: ${key}${shownArgs}`, { operation, status: 200, messageKey: key, args });
  }

  /** A `danger`/`error` message in place of data: reads can fail the way writes do (mysql_error, redis_error). */
  function refusalIn(body: unknown): MailcowMessage | undefined {
    const entries = WriteResultSchema.safeParse(body);
    if (!entries.success) return undefined;
    return entries.data.map(toMessage).find((m) => m.type === "danger" || m.type === "error");
  }

  async function readOne<S extends z.ZodType>(operation: string, path: string, schema: S): Promise<z.output<S> | null> {
    const body = await transport.read(operation, path);
    const refusal = refusalIn(body);
    if (refusal) throw rejection(operation, refusal);
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

  async function readList<S extends z.ZodType>(operation: string, path: string, itemSchema: S): Promise<z.output<S>[]> {
    const body = await transport.read(operation, path);
    const refusal = refusalIn(body);
    if (refusal) throw rejection(operation, refusal);
    let items: unknown[];
    if (Array.isArray(body)) items = body;
    else if (body !== null && typeof body === "object") {
      const keys = Object.keys(body);
      if (!keys.every((key) => /^\d+$/.test(key))) throw badShape(operation, "expected a list, got one object");
      items = keys.sort((a, b) => Number(a) - Number(b)).map((key) => (body as Record<string, unknown>)[key]);
    } else throw badShape(operation, "expected a list");
    const parsed = z.array(itemSchema).safeParse(items);
    if (!parsed.success) throw badShape(operation, parsed.error);
    return parsed.data;
  }

  async function write(operation: string, path: string, body: unknown, spec: WriteSpec): Promise<WriteOutcome> {
    const secrets = spec.secrets ?? [];
    const allSecrets = [apiKey, ...secrets];
    let raw: unknown;
    try {
      raw = await transport.write(operation, path, body, secrets);
    } catch (error) {
      if (spec.emptyAnswer && error instanceof MailcowError && error.reason === "empty_body") {
        throw new MailcowError("bad_response", `Mailcow answered ${operation} with an empty body: ${spec.emptyAnswer}`, {
          operation,
          status: error.status,
          reason: "empty_answer",
        });
      }
      throw error;
    }
    const parsed = WriteResultSchema.safeParse(raw);
    if (!parsed.success) throw badShape(operation, parsed.error);
    const messages = parsed.data.map(toMessage);
    const failure = messages.find((m) => m.type === "danger" || m.type === "error");
    if (failure) throw rejection(operation, failure, secrets);
    const successes = messages.filter((m) => m.key === spec.successKey);
    const confirmed = successes.map((m) => String(m.args[0] ?? "").toLowerCase());
    const missing = spec.expected.filter((item) => !confirmed.includes(item.toLowerCase()));
    if (confirmed.length === 0 || missing.length > 0) {
      const keys = messages.map((m) => m.key).join(", ") || "nothing";
      throw new MailcowError("bad_response", redact(`Mailcow did not confirm ${operation} (expected ${spec.successKey}, got ${keys})`, allSecrets), {
        operation,
        status: 200,
        reason: "missing_success",
      });
    }
    return {
      confirmed,
      successes,
      warnings: messages.filter((m) => m.type === "warning").map((m) => ({ ...m, key: redact(m.key, allSecrets), args: redactArgs(m.args, allSecrets) })),
    };
  }

  return { gate, badShape, rejection, readOne, readRequired, readList, write };
}
