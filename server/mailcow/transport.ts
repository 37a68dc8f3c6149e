// HTTP to Mailcow: one ofetch instance per client, and the translation of every failure into a MailcowError.
//
// Choices made here (see API-CONTRACT.md §1–§3, §18):
// - The key travels only in `X-API-Key`. Mailcow ignores `Authorization`, so none is sent.
// - No cookies: Mailcow sets MCSESSID on every answer and replaying it authenticates as admin without the key.
//   Node's fetch has no cookie jar and `credentials: "omit"` says so; nothing here ever reads Set-Cookie.
// - Redirects are not followed: fetch would carry X-API-Key to wherever Location points, and turns a POST into
//   a GET on 301/302. A redirect is reported as bad_response naming the target.
// - The body is read as text and parsed here, so an empty body, HTML or garbage is seen as such (ofetch's
//   lenient parser would hand back strings).
// - The timeout covers headers and body (an AbortSignal on the whole exchange; ofetch's own only covers headers).
// - Reads are retried on connection failures and 5xx (cockatiel, exponential backoff without jitter); a timed-out
//   read is not, because the timeout is the caller's whole budget. Writes are never retried here: a lost answer does
//   not mean the write did not happen.
// - One limiter (p-limit) bounds the requests in flight for every call of this client, whoever makes it (worker,
//   sign-up look-ups, the Mail page, health checks). A retry waits for its backoff outside the limiter.
// - Every request passes the auth gate (auth-gate.ts): after a 401 nothing is sent until a probe is due. A paused
//   call fails before it queues for a slot, and again when it gets one (the pause may have begun meanwhile).
import { ExponentialBackoff, handleWhen, noJitterGenerator, retry } from "cockatiel";
import { ofetch, type FetchResponse } from "ofetch";
import pLimit from "p-limit";
import { mailcowOutcome, metrics, secondsSince } from "../metrics";
import type { AuthGate } from "./auth-gate";
import { MailcowError, redact, sanitizeCause, type MailcowErrorKind, type MailcowErrorReason } from "./errors";

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  readRetries: number;
  retryDelayMs: number;
  /** Requests in flight at most, for every call of this client. */
  maxConcurrency: number;
  gate: AuthGate;
}

export interface Transport {
  /** GET; resolves with the parsed JSON body (never empty). */
  read(operation: string, path: string): Promise<unknown>;
  /** POST with a JSON body; `secrets` are values in the body (passwords) to keep out of errors. */
  write(operation: string, path: string, body: unknown, secrets: readonly string[]): Promise<unknown>;
}

export function createTransport(options: TransportOptions): Transport {
  const { apiKey, timeoutMs, readRetries, retryDelayMs, gate } = options;
  const limit = pLimit(options.maxConcurrency);
  const readRetry = retry(handleWhen(worthRetryingRead), {
    maxAttempts: readRetries,
    backoff: new ExponentialBackoff({ generator: noJitterGenerator, initialDelay: retryDelayMs, maxDelay: Math.max(retryDelayMs, 30_000) }),
  });
  const api = ofetch.create({
    baseURL: options.baseUrl.replace(/\/+$/, "") + "/",
    headers: { "X-API-Key": apiKey, Accept: "application/json" },
    retry: false,
    redirect: "manual",
    credentials: "omit",
    ignoreResponseError: true,
    responseType: "text",
  });

  async function send(operation: string, method: "GET" | "POST", path: string, body: unknown, secrets: readonly string[]): Promise<unknown> {
    try {
      gate.assertOpen(operation);
      return await limit(() => gate.run(operation, method, () => exchange(operation, method, path, body, secrets)));
    } catch (error) {
      // Calls the auth pause refused never reached Mailcow: counted here, the others in exchange().
      if (error instanceof MailcowError && error.reason === "paused") metrics.mailcowCall(operation, "breaker_open", 0);
      throw error;
    }
  }

  async function exchange(operation: string, method: "GET" | "POST", path: string, body: unknown, secrets: readonly string[]) {
    const allSecrets = [apiKey, ...secrets];
    const started = performance.now();
    let response: FetchResponse<string>;
    try {
      response = await api.raw<string, "text">(path, {
        method,
        signal: AbortSignal.timeout(timeoutMs),
        ...(method === "POST" ? { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } } : {}),
      });
    } catch (error) {
      const failure = transportError(operation, method, error, timeoutMs, allSecrets);
      metrics.mailcowCall(operation, mailcowOutcome(failure), secondsSince(started));
      throw failure;
    }
    try {
      const value = interpret(operation, method, response, allSecrets);
      metrics.mailcowCall(operation, "ok", secondsSince(started));
      return value;
    } catch (error) {
      metrics.mailcowCall(operation, mailcowOutcome(error), secondsSince(started));
      throw error;
    }
  }

  return {
    read(operation, path) {
      return readRetry.execute(() => send(operation, "GET", path, undefined, []));
    },
    write(operation, path, body, secrets) {
      return send(operation, "POST", path, body, secrets);
    },
  };
}

function worthRetryingRead(error: unknown): boolean {
  if (!(error instanceof MailcowError)) return false;
  if (error.kind === "server_error") return true;
  return error.kind === "unreachable" && error.reason !== "timeout";
}

// ---------- failures before any HTTP answer ----------

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The error, its causes, and the members of an AggregateError (happy-eyeballs connects fail per address). */
function causeChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0 && chain.length < 10) {
    const current = pending.shift();
    if (!current || typeof current !== "object") continue;
    chain.push(current as ErrorLike);
    pending.push((current as ErrorLike).cause);
    const members = (current as { errors?: unknown }).errors;
    if (Array.isArray(members)) pending.push(...members.slice(0, 4));
  }
  return chain;
}

function classifyTransport(error: unknown): { reason: MailcowErrorReason; what: string } {
  const chain = causeChain(error);
  const names = chain.map((e) => String(e.name ?? ""));
  const codes = chain.map((e) => String(e.code ?? ""));
  const messages = chain.map((e) => String(e.message ?? "")).join(" ");
  if (names.includes("TimeoutError") || names.includes("AbortError")) return { reason: "timeout", what: "did not answer in time" };
  if (codes.includes("ECONNREFUSED")) return { reason: "refused", what: "refused the connection" };
  if (codes.some((c) => c === "ENOTFOUND" || c === "EAI_AGAIN" || c === "EAI_FAIL" || c === "EAI_NONAME")) {
    return { reason: "dns", what: "has a host name that does not resolve" };
  }
  if (codes.some((c) => c.startsWith("ERR_TLS") || c.startsWith("ERR_SSL") || c.includes("CERT") || c === "EPROTO") || /certificate|SSL|TLS/i.test(messages)) {
    return { reason: "tls", what: "failed the TLS handshake (certificate or protocol problem)" };
  }
  if (
    codes.some((c) => c === "ECONNRESET" || c === "EPIPE" || c === "UND_ERR_SOCKET" || c === "UND_ERR_CLOSED") ||
    /other side closed|terminated|socket hang up/i.test(messages)
  ) {
    return { reason: "reset", what: "closed the connection without a complete answer" };
  }
  if (/bad port/i.test(messages)) return { reason: "network", what: "is on a port fetch refuses to connect to (a \"bad port\")" };
  return { reason: "network", what: "could not be reached" };
}

function transportError(operation: string, method: string, error: unknown, timeoutMs: number, secrets: readonly string[]): MailcowError {
  const { reason, what } = classifyTransport(error);
  const detail = reason === "timeout" ? `did not answer within ${timeoutMs} ms` : what;
  // A write whose answer was lost may still have been applied; say so, so nobody assumes it was not.
  const unknownOutcome = method === "POST" ? " (the change may or may not have been applied)" : "";
  return new MailcowError("unreachable", `Mailcow ${detail} during ${operation}${unknownOutcome}`, {
    operation,
    reason,
    cause: sanitizeCause(error, secrets),
  });
}

// ---------- interpreting an HTTP answer ----------

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The `msg` of a framework-level `{"type":"error","msg":"…"}` body, if that is what the body is. */
function frameworkMessage(text: string): string | undefined {
  const parsed = tryJson(text);
  if (!parsed.ok || !parsed.value || typeof parsed.value !== "object") return undefined;
  const msg = (parsed.value as { msg?: unknown }).msg;
  return typeof msg === "string" ? msg : undefined;
}

function interpret(operation: string, method: "GET" | "POST", response: FetchResponse<string>, secrets: readonly string[]): unknown {
  const status = response.status;
  const text = typeof response._data === "string" ? response._data : "";
  const fail = (kind: MailcowErrorKind, reason: MailcowErrorReason, message: string) =>
    new MailcowError(kind, redact(message, secrets), { operation, status, reason });

  if (status === 401 || status === 403) {
    const msg = frameworkMessage(text) ?? "";
    const ip = /api access denied for ip (\S+)/i.exec(msg)?.[1];
    if (ip) {
      throw fail("unauthorized", "ip_not_allowed", `Mailcow accepted the API key but not this server's address (${ip}): add it to the key's allowed networks (${operation})`);
    }
    if (/read\/write access denied/i.test(msg)) {
      throw fail("unauthorized", "read_only", `Mailcow refused a change: the API key is read-only, create a read-write key (${operation})`);
    }
    if (status === 401) {
      throw fail("unauthorized", "authentication_failed", `Mailcow rejected the API key (HTTP 401): check that it is correct and active (${operation})`);
    }
    throw fail("unauthorized", "forbidden", `Mailcow refused the request (HTTP 403) (${operation})`);
  }
  if (status >= 500) {
    const html = /^\s*</.test(text) ? " with an HTML error page" : "";
    throw fail("server_error", "http_5xx", `Mailcow failed with HTTP ${status}${html} during ${operation} (a Mailcow service is down or restarting)`);
  }
  if (status >= 300 && status < 400) {
    const location = response.headers.get("location") ?? "(no location)";
    throw fail(
      "bad_response",
      "redirect",
      `Mailcow answered ${operation} with a redirect (HTTP ${status}) to ${location}; use the final https URL in MAILCOW_API_URL (redirects are not followed so the key is not sent elsewhere)`,
    );
  }
  if (status >= 400) {
    const msg = frameworkMessage(text);
    const hint = msg === "route not found" ? "; is MAILCOW_API_URL the API root ending in /api/v1?" : "";
    throw fail("bad_response", "http_4xx", `Mailcow answered ${operation} with HTTP ${status}${msg ? ` "${msg}"` : ""}${hint}`);
  }
  if (text.trim() === "") {
    // NOTE: a keyed GET never gets an empty body; Mailcow sends one when no key arrived (empty, or stripped by a
    // proxy) and it treats the caller as an anonymous web session. On a write the same emptiness is a PHP fatal
    // error (or that anonymous case) with an unknown outcome, which is not an authentication verdict.
    if (method === "GET") {
      throw fail("unauthorized", "no_key_received", `Mailcow answered ${operation} with an empty body: the X-API-Key header did not reach it (empty key, or a proxy strips it)`);
    }
    throw fail("bad_response", "empty_body", `Mailcow answered ${operation} with an empty body (the change may or may not have been applied)`);
  }
  const parsed = tryJson(text);
  if (!parsed.ok) {
    const looksHtml = /^\s*</.test(text);
    throw fail(
      "bad_response",
      "not_json",
      looksHtml
        ? `Mailcow answered ${operation} with an HTML page instead of JSON; is MAILCOW_API_URL the API root ending in /api/v1?`
        : `Mailcow answered ${operation} with something that is not JSON`,
    );
  }
  return parsed.value;
}
