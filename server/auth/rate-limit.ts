// Brute-force limits on sign-in and sign-up (rate-limiter-flexible, in process memory: one server
// process per database, see docs/decisions/002-single-process.md).
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export interface RateLimitSettings {
  loginPoints: number;
  loginWindowSeconds: number;
  /** Sensitive actions of a signed-in user (password changes, mailbox creation), per user and action. */
  userActionPoints: number;
  userActionWindowSeconds: number;
  /** "Check my login" attempts per user per hour: each is a real IMAP login on the mail server. */
  checkLoginPerHour: number;
}

export type UserAction = "auth.changePassword" | "auth.deleteAccount" | "mailbox.create" | "mailbox.updatePassword" | "mailbox.retry";

export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limited for ${retryAfterSeconds}s`);
  }
}

export interface Limits {
  /** Counts one failed sign-in for this IP and this account name; throws when either is exhausted. */
  loginFailed(ip: string, login: string): Promise<void>;
  /** Throws when this IP or account name is currently locked out. */
  loginAllowed(ip: string, login: string): Promise<void>;
  loginSucceeded(login: string): Promise<void>;
  /** Sign-ups per IP, and attempts at one account name (e.g. a script probing which names exist). */
  register(ip: string, username: string): Promise<void>;
  /** Counts one sensitive action of a signed-in user; throws when the budget is spent. */
  userAction(userId: string, action: UserAction): Promise<void>;
  /**
   * Counts one "check my login" (mailbox.checkLogin): a wrong password there also counts towards the mail
   * server's own lockouts (Mailcow's fail2ban), so the budget is small.
   */
  checkLogin(userId: string): Promise<void>;
}

function retryAfter(error: unknown): never {
  if (error instanceof RateLimiterRes) throw new RateLimitedError(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
  throw error;
}

export function createLimits({ loginPoints, loginWindowSeconds, userActionPoints, userActionWindowSeconds, checkLoginPerHour }: RateLimitSettings): Limits {
  const byAccount = new RateLimiterMemory({ keyPrefix: "login-account", points: loginPoints, duration: loginWindowSeconds });
  // One address may try several accounts (an office behind NAT), so the per-IP budget is wider.
  const byIp = new RateLimiterMemory({ keyPrefix: "login-ip", points: loginPoints * 5, duration: loginWindowSeconds });
  const registrations = new RateLimiterMemory({ keyPrefix: "register-ip", points: loginPoints * 2, duration: 3600 });
  const registrationsByName = new RateLimiterMemory({ keyPrefix: "register-name", points: loginPoints, duration: 3600 });
  const userActions = new RateLimiterMemory({ keyPrefix: "user-action", points: userActionPoints, duration: userActionWindowSeconds });
  const checkLogins = new RateLimiterMemory({ keyPrefix: "check-login-user", points: checkLoginPerHour, duration: 3600 });

  async function check(limiter: RateLimiterMemory, key: string) {
    const res = await limiter.get(key);
    if (res && res.remainingPoints <= 0) throw new RateLimitedError(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
  }
  return {
    async loginAllowed(ip, login) {
      await check(byIp, ip);
      await check(byAccount, login);
    },
    async loginFailed(ip, login) {
      await Promise.all([byIp.consume(ip), byAccount.consume(login)]).catch(retryAfter);
    },
    async loginSucceeded(login) {
      await byAccount.delete(login);
    },
    async register(ip, username) {
      await Promise.all([registrations.consume(ip), registrationsByName.consume(username)]).catch(retryAfter);
    },
    async userAction(userId, action) {
      await userActions.consume(`${action}:${userId}`).catch(retryAfter);
    },
    async checkLogin(userId) {
      await checkLogins.consume(userId).catch(retryAfter);
    },
  };
}
