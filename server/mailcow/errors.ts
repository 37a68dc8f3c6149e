// The one error type the Mailcow adapter throws. Callers branch on `kind` (what went wrong) and `retryable`
// (whether trying the same call later can help); `messageKey`/`args` carry Mailcow's own refusal reason.
//
// NOTE: nothing in here may hold the API key or a password. Causes are rebuilt as plain errors from names,
// codes and messages (never ofetch's FetchError, whose `options` hold the request headers and body), and every
// message and argument is scrubbed of the secrets the client knew when it built the error.

export type MailcowErrorKind =
  /**
   * 401/403: wrong or inactive key, read-only key used for a write, our IP not in the key's allow list; and `paused`:
   * the call was not sent because an earlier 401 paused every Mailcow call (auth-gate.ts). Always the platform's
   * configuration, never the user's mailbox.
   */
  | "unauthorized"
  /** Mailcow refused the request (`type: "danger"` or `"error"` in an HTTP 200 body). See `messageKey`. */
  | "rejected"
  /** No HTTP answer: DNS failure, connection refused or reset, TLS failure, timeout. */
  | "unreachable"
  /** 5xx, including the HTML pages nginx/PHP serve when Redis, MariaDB or php-fpm are down. */
  | "server_error"
  /** An answer we cannot trust: empty body on a write, not JSON, unexpected shape, redirects, unexpected 4xx. */
  | "bad_response";

/** Finer detail for every kind but `rejected` (which has `messageKey`). */
export type MailcowErrorReason =
  // unauthorized
  | "authentication_failed"
  | "ip_not_allowed"
  | "read_only"
  | "forbidden"
  | "no_key_received"
  | "paused"
  // unreachable
  | "timeout"
  | "refused"
  | "reset"
  | "dns"
  | "tls"
  | "network"
  // server_error
  | "http_5xx"
  // bad_response
  | "http_4xx"
  | "redirect"
  | "empty_body"
  | "not_json"
  | "unexpected_shape"
  | "missing_success"
  /**
   * HTTP 200 with nothing, where Mailcow is known to store nothing: a Sieve script over 65,535 bytes, edit/app-passwd
   * without `username` (tag 2026-07a). Not retryable: the same request gets the same silence.
   */
  | "empty_answer";

export type MailcowMessageArg = string | number | boolean | null;

export interface MailcowErrorDetails {
  operation: string;
  status?: number | undefined;
  reason?: MailcowErrorReason | undefined;
  messageKey?: string | undefined;
  args?: readonly MailcowMessageArg[] | undefined;
  cause?: Error | undefined;
}

/** Mailcow refusals that come from its backends failing, not from the request: worth another try. */
const TRANSIENT_MESSAGE_KEYS = new Set(["mysql_error", "redis_error"]);

/**
 * The single place that decides whether retrying can help.
 * A 4xx that is not about authentication (400 invalid JSON, 404 route not found, 405 method) is our own
 * request or URL being wrong, so it is a bad_response that will not change by itself.
 */
export function isRetryable(kind: MailcowErrorKind, messageKey?: string, status?: number, reason?: MailcowErrorReason): boolean {
  switch (kind) {
    case "unreachable":
    case "server_error":
      return true;
    case "bad_response":
      if (reason === "empty_answer") return false;
      return status === undefined || status < 400 || status >= 500;
    case "rejected":
      return messageKey !== undefined && TRANSIENT_MESSAGE_KEYS.has(messageKey);
    case "unauthorized":
      return false;
  }
}

export class MailcowError extends Error {
  override readonly name = "MailcowError";
  readonly kind: MailcowErrorKind;
  /** The adapter operation that failed, e.g. "addMailbox". */
  readonly operation: string;
  /** HTTP status when an answer arrived (Mailcow refusals are 200). */
  readonly status: number | undefined;
  /** What exactly went wrong, for every kind but `rejected`, e.g. "timeout", "read_only", "not_json". */
  readonly reason: MailcowErrorReason | undefined;
  /** For `rejected`: Mailcow's untranslated message key, e.g. "object_exists", "password_complexity". */
  readonly messageKey: string | undefined;
  /** For `rejected`: the message's arguments, e.g. ["jo@example.org"] for object_exists. */
  readonly args: readonly MailcowMessageArg[];
  readonly retryable: boolean;

  constructor(kind: MailcowErrorKind, message: string, details: MailcowErrorDetails) {
    super(message, details.cause ? { cause: details.cause } : undefined);
    this.kind = kind;
    this.operation = details.operation;
    this.status = details.status;
    this.reason = details.reason;
    this.messageKey = details.messageKey;
    this.args = Object.freeze([...(details.args ?? [])]);
    this.retryable = isRetryable(kind, details.messageKey, details.status, details.reason);
  }

  /** What loggers and JSON.stringify see: the facts, never the request. */
  toJSON() {
    return {
      name: this.name,
      kind: this.kind,
      operation: this.operation,
      status: this.status,
      reason: this.reason,
      messageKey: this.messageKey,
      args: this.args,
      retryable: this.retryable,
      message: this.message,
    };
  }
}

export function isMailcowError(value: unknown): value is MailcowError {
  return value instanceof MailcowError;
}

const REDACTED = "[redacted]";

/** Replaces every occurrence of each secret (at least 3 chars; shorter ones would mangle ordinary text). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join(REDACTED);
  }
  return out;
}

export function redactArgs(args: readonly MailcowMessageArg[], secrets: readonly string[]): MailcowMessageArg[] {
  return args.map((arg) => (typeof arg === "string" ? redact(arg, secrets) : arg));
}

/**
 * A plain Error standing in for a low-level failure: name, code and message only, chained through at most a
 * few causes. Nothing else of the original object (request options, sockets, headers) survives.
 */
export function sanitizeCause(error: unknown, secrets: readonly string[], depth = 0): Error | undefined {
  if (error === undefined || error === null || depth > 3) return undefined;
  const source = typeof error === "object" ? (error as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown }) : {};
  const name = typeof source.name === "string" ? source.name : "Error";
  const message = typeof source.message === "string" ? source.message : String(error);
  const code = typeof source.code === "string" || typeof source.code === "number" ? source.code : undefined;
  const cause = sanitizeCause(source.cause, secrets, depth + 1);
  const clean = new Error(redact(message, secrets), cause ? { cause } : undefined);
  clean.name = name;
  if (code !== undefined) Object.assign(clean, { code });
  // The stack of the stand-in would point here and only repeat the message; drop it to keep logs short.
  clean.stack = `${name}: ${clean.message}`;
  return clean;
}
