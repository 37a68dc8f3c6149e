// The circuit breaker between the platform and Mailcow's authentication, so the platform never gets its own IP
// banned. Facts (Mailcow tag 2026-07a): every HTTP 401 from the API (wrong or inactive key, or this server's IP not in
// the key's allow list) publishes "mailcow UI: Invalid password for API_USER by <ip>" to fail2ban, which bans the IP
// for 30 min (growing to ~3 h) after 10 failures within 600 s — cutting the platform off from the API, IMAP and SMTP.
// A 403 "API read/write access denied" (read-only key on a write) is not published.
//
// Rules:
// - The first call after start goes out alone; the others wait for its answer (a wrong key costs one 401, not one
//   per caller). Any answer but a 401 — success, a refusal, even no answer at all — lets everyone through.
// - The first 401 pauses every call of this client: they fail at once with kind `unauthorized`, reason `paused`,
//   without reaching Mailcow. One error-level line says what is wrong and what to do.
// - While paused, one caller's call is let through as a probe at most every probe interval: the interval starts at
//   MAILCOW_AUTH_PROBE_SECONDS and triples after each refused probe, up to 12× (1 h by default). A probe that gets any
//   answer but a 401 resumes everything; a 401 pauses for the next, longer interval; no answer (Mailcow down) keeps
//   the interval. With the defaults a key that stays wrong for an hour costs at most the calls in flight when the
//   first 401 came back (MAILCOW_MAX_CONCURRENCY, 4) plus two probes (at 5 and 20 min): 6 rejected requests.
// - A read-only key is told apart (error level, "create a read-write key") but pauses nothing: reads work with it,
//   and its 403s on writes are not auth failures to fail2ban. Writes keep failing fast at Mailcow with reason
//   `read_only`; the line is logged again only after a write has worked in between.
//
// NOTE: cockatiel's CircuitBreakerPolicy was the first candidate. It cannot express these rules: it reads Date.now()
// (no injected clock, so "one hour of a wrong key" cannot be tested without waiting), during half-open it makes the
// other callers wait for the probe and then run (not fail fast), a probe failing with an error it does not handle
// (a timeout) closes the circuit, and it has no "first call alone" start. The state machine below is those rules only.
import { metrics, type BreakerState } from "../metrics";
import { MailcowError, type MailcowErrorReason } from "./errors";

/** The part of a pino logger the gate uses. */
export interface MailcowLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export type AuthPauseReason = Extract<MailcowErrorReason, "authentication_failed" | "ip_not_allowed">;

export type AuthStatus =
  | { paused: false }
  | {
      paused: true;
      reason: AuthPauseReason;
      /** Mailcow's refusal in words (redacted), e.g. the address it does not allow. */
      detail: string;
      since: number;
      /** When the next call will be let through as a probe. */
      nextProbeAt: number;
      /** 401s Mailcow answered since the pause began (in-flight calls and refused probes). */
      rejected: number;
    };

export interface AuthGateOptions {
  /** The first wait before a probe; later waits triple up to 12×. */
  probeIntervalMs: number;
  now: () => number;
  log?: MailcowLog | undefined;
  /** Told every change of the pause: `open` (paused), `half_open` (a probe is out), `closed` (calls go through). */
  onStateChange?: ((state: BreakerState) => void) | undefined;
}

export interface AuthGate {
  status(): AuthStatus;
  /** Throws the `paused` error when a call would not be let through now (before it queues for a slot). */
  assertOpen(operation: string): void;
  /** Sends through the gate: fails fast while paused, watches the answer for 401s and read-only refusals. */
  run<T>(operation: string, method: "GET" | "POST", send: () => Promise<T>): Promise<T>;
}

const MAX_INTERVAL_FACTOR = 12;
const GROWTH = 3;

const isAuthFailure = (error: unknown): error is MailcowError =>
  error instanceof MailcowError && error.kind === "unauthorized" && error.status === 401;
/** An HTTP answer that is not a 401 proves Mailcow accepts the key (a refusal or a 5xx included). */
const provesKey = (error: unknown) => !(error instanceof MailcowError) || (error.status !== undefined && error.status !== 401);

export function createAuthGate({ probeIntervalMs, now, log, onStateChange }: AuthGateOptions): AuthGate {
  if (!Number.isFinite(probeIntervalMs) || probeIntervalMs <= 0) throw new RangeError("probeIntervalMs must be positive");
  let verified = false;
  let verifying: Promise<void> | null = null;
  let pause: { reason: AuthPauseReason; detail: string; since: number; nextProbeAt: number; rejected: number; refusedProbes: number } | null = null;
  let probing = false;
  let readOnlyReported = false;

  const interval = (refusedProbes: number) => Math.min(probeIntervalMs * GROWTH ** refusedProbes, probeIntervalMs * MAX_INTERVAL_FACTOR);
  const minutes = (ms: number) => Math.max(1, Math.round(ms / 60_000));
  const changed = (state: BreakerState) => {
    metrics.mailcowBreaker(state);
    onStateChange?.(state);
  };

  function startPause(error: MailcowError, operation: string) {
    const reason: AuthPauseReason = error.reason === "ip_not_allowed" ? "ip_not_allowed" : "authentication_failed";
    const at = now();
    pause = { reason, detail: error.message, since: at, nextProbeAt: at + interval(0), rejected: 1, refusedProbes: 0 };
    changed("open");
    const fix =
      reason === "ip_not_allowed"
        ? "add this server's address to the API key's allowed networks in Mailcow (System → Configuration → Access → API)"
        : "set MAILCOW_API_KEY to an active read-write API key from Mailcow (System → Configuration → Access → API) and restart";
    log?.error(
      { reason, operation, nextProbeAt: new Date(pause.nextProbeAt).toISOString() },
      `${error.message}. Every Mailcow call is paused so Mailcow's fail2ban does not ban this server (it bans after 10 failed logins in 10 minutes). ` +
        `Fix: ${fix}. The platform checks again in ${minutes(interval(0))} min and resumes by itself once the key is accepted.`,
    );
  }

  function countAuthFailure(error: MailcowError, operation: string) {
    if (pause) pause.rejected++;
    else startPause(error, operation);
  }

  function pausedError(operation: string): MailcowError {
    const current = pause!;
    return new MailcowError(
      "unauthorized",
      `Mailcow calls are paused since ${new Date(current.since).toISOString()} because Mailcow refused the platform's API key (${current.reason}); next check at ${new Date(current.nextProbeAt).toISOString()} (${operation})`,
      { operation, reason: "paused" },
    );
  }

  function watchReadOnly(method: "GET" | "POST", error: unknown, operation: string) {
    if (method !== "POST") return;
    if (error instanceof MailcowError && error.reason === "read_only") {
      if (readOnlyReported) return;
      readOnlyReported = true;
      log?.error(
        { reason: "read_only", operation },
        "Mailcow refused a change because the platform's API key is read-only: reads work, but no mailbox can be created, changed or deleted. " +
          "Fix: create a read-write API key in Mailcow (System → Configuration → Access → API), set it as MAILCOW_API_KEY and restart.",
      );
    } else if (error === null) {
      readOnlyReported = false;
    }
  }

  async function observed<T>(operation: string, method: "GET" | "POST", send: () => Promise<T>): Promise<T> {
    try {
      const result = await send();
      watchReadOnly(method, null, operation);
      return result;
    } catch (error) {
      watchReadOnly(method, error, operation);
      throw error;
    }
  }

  async function probe<T>(operation: string, method: "GET" | "POST", send: () => Promise<T>): Promise<T> {
    probing = true;
    changed("half_open");
    try {
      const result = await observed(operation, method, send);
      resume(operation);
      return result;
    } catch (error) {
      const current = pause!;
      if (!provesKey(error)) changed("open"); // still paused (refused, or no answer)
      if (isAuthFailure(error)) {
        current.rejected++;
        current.refusedProbes++;
        current.nextProbeAt = now() + interval(current.refusedProbes);
        log?.warn(
          { reason: current.reason, operation, rejected: current.rejected, nextProbeAt: new Date(current.nextProbeAt).toISOString() },
          `Mailcow still refuses the platform's API key; Mailcow calls stay paused, next check in ${minutes(interval(current.refusedProbes))} min`,
        );
      } else if (provesKey(error)) {
        resume(operation);
      } else {
        // No answer (Mailcow down or slow): nothing learnt about the key; try again after the same interval.
        current.nextProbeAt = now() + interval(current.refusedProbes);
      }
      throw error;
    } finally {
      probing = false;
    }
  }

  function resume(operation: string) {
    if (!pause) return;
    log?.info({ operation, pausedMs: now() - pause.since, rejected: pause.rejected }, "Mailcow accepts the platform's API key again: Mailcow calls resumed");
    pause = null;
    verified = true;
    changed("closed");
  }

  const gate: AuthGate = {
    status() {
      if (!pause) return { paused: false };
      const { reason, detail, since, nextProbeAt, rejected } = pause;
      return { paused: true, reason, detail, since, nextProbeAt, rejected };
    },

    assertOpen(operation) {
      if (pause && (probing || now() < pause.nextProbeAt)) throw pausedError(operation);
    },

    async run(operation, method, send) {
      for (;;) {
        if (pause) {
          gate.assertOpen(operation);
          return probe(operation, method, send);
        }
        if (!verified) {
          if (verifying) {
            await verifying;
            continue;
          }
          // The first call goes alone; the state is settled before any waiter resumes (then-handlers run first).
          const first = observed(operation, method, send).then(
            (result) => {
              verified = true;
              return result;
            },
            (error: unknown) => {
              if (isAuthFailure(error)) startPause(error, operation);
              else verified = true;
              throw error;
            },
          );
          verifying = first.then(
            () => undefined,
            () => undefined,
          );
          void verifying.then(() => (verifying = null));
          return first;
        }
        try {
          return await observed(operation, method, send);
        } catch (error) {
          // Calls that were already in flight when the pause began are counted, not logged again.
          if (isAuthFailure(error)) countAuthFailure(error, operation);
          throw error;
        }
      }
    },
  };
  return gate;
}
