// One budget for the failed mail logins (IMAP today: "check my login"; any later IMAP or SMTP login the platform makes
// with a user's password must use it too). They all come from this server's IP, and Mailcow's fail2ban (tag 2026-07a:
// netfilter max_attempts 10, retry_window 600 s, ban_time 1800 s growing to ~3 h) bans that IP — API, IMAP and SMTP —
// after 10 failed logins within 600 s, whichever user typed the password.
//
// Use: `reserve()` before connecting; when it is refused, do not connect and tell the user when to come back. Else
// connect, then `settle(loginFailed)`. A reservation holds a place while the login is in flight, so concurrent logins
// cannot overshoot the budget.
//
// NOTE: a sliding log of at most `failures` timestamps, not rate-limiter-flexible: its in-memory limiter counts in
// fixed windows, which lets up to 2×budget − 1 failures through within one window length across a window boundary
// (9 of fail2ban's 10 with the default 5, while API 401s count towards the same 10). A sliding window is exact,
// takes the injected clock, and is a few lines.
import type { Logger } from "pino";

export interface LoginBudgetOptions {
  /** Failed logins allowed within any window (MAIL_LOGIN_FAILURE_BUDGET). */
  failures: number;
  /** MAIL_LOGIN_FAILURE_WINDOW_SECONDS in ms. */
  windowMs: number;
  now?: () => number;
  logger?: Pick<Logger, "warn">;
}

export type LoginReservation =
  | {
      ok: true;
      /** Call once when the login is over: true when the server refused the password (it counts), else false. */
      settle(loginFailed: boolean): void;
    }
  | { ok: false; retryAfterSeconds: number };

export interface LoginBudget {
  reserve(): LoginReservation;
  /** Failed logins still allowed now (in-flight logins count as failed until settled). */
  remaining(): number;
}

/** When nothing but logins in flight hold the budget, they end within a minute (their own timeout is shorter). */
const IN_FLIGHT_WAIT_SECONDS = 60;

export function createLoginBudget({ failures, windowMs, now = Date.now, logger }: LoginBudgetOptions): LoginBudget {
  if (!Number.isInteger(failures) || failures < 1) throw new RangeError("failures must be a whole number, 1 or more");
  if (!(windowMs > 0)) throw new RangeError("windowMs must be positive");
  /** When each failed login in the current window happened, oldest first. */
  const failed: number[] = [];
  let inFlight = 0;
  let spentReported = false;

  const prune = () => {
    const cutoff = now() - windowMs;
    while (failed.length > 0 && failed[0]! <= cutoff) failed.shift();
  };
  const remaining = () => {
    prune();
    return Math.max(0, failures - failed.length - inFlight);
  };

  return {
    remaining,
    reserve() {
      if (remaining() <= 0) {
        // A place frees when the oldest failure leaves the window, or sooner when a login in flight succeeds.
        const oldestLeaves = failed.length > 0 ? Math.max(1, Math.ceil((failed[0]! + windowMs - now()) / 1000)) : IN_FLIGHT_WAIT_SECONDS;
        const retryAfterSeconds = inFlight > 0 ? Math.min(oldestLeaves, IN_FLIGHT_WAIT_SECONDS) : oldestLeaves;
        if (!spentReported) {
          spentReported = true;
          logger?.warn(
            { failures, windowSeconds: windowMs / 1000, retryAfterSeconds },
            "the budget of failed mail logins from this server is spent: login checks wait so Mailcow's fail2ban does not ban this server",
          );
        }
        return { ok: false, retryAfterSeconds };
      }
      spentReported = false;
      inFlight++;
      let settled = false;
      return {
        ok: true,
        settle(loginFailed) {
          if (settled) return;
          settled = true;
          inFlight--;
          if (loginFailed) failed.push(now());
        },
      };
    },
  };
}
