// Brute-force limits on sign-in and sign-up, and the argon2 queue (rate-limiter-flexible and p-limit, in process
// memory: one server process per database, see docs/decisions/002-single-process.md). The model is in
// docs/security.md; in short:
// - a sign-in attempt takes its points BEFORE the password is verified (a batch or 40 parallel requests cannot
//   all slip through between "check" and "count"), and gives them back when it succeeds;
// - strict budgets per client address (IPv6 by /64) and per (account, address); a wider, slower account-wide budget
//   that addresses the account was recently signed in from do not use, so a stranger hammering an account cannot
//   lock its owner out of their usual address;
// - the account is the key, not its spelling: "ada", " ADA " and "ada@<domain>" are one account.
import pLimit from "p-limit";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { clientKey } from "./client-ip";

export interface RateLimitSettings {
  /** Attempts per (account, address) within the window. */
  loginPoints: number;
  loginWindowSeconds: number;
  /** Attempts per address, whatever the account. */
  loginIpPoints: number;
  /** Attempts at one account from addresses it was not recently signed in from. */
  loginAccountPoints: number;
  loginAccountWindowSeconds: number;
  /** How long a successful sign-in makes its address "known" for that account. */
  knownAddressSeconds: number;
  /** Sensitive actions of a signed-in user (password changes, mailbox creation), per user and action. */
  userActionPoints: number;
  userActionWindowSeconds: number;
  /** "Check my login" attempts per user per hour: each is a real IMAP login on the mail server. */
  checkLoginPerHour: number;
  /** The platform's mail domain: "ada@<domain>" is the account "ada". */
  mailDomain: string;
  /** argon2 work: running at once, waiting at most, per client address (running + waiting). */
  hashConcurrency: number;
  hashQueueMax: number;
  hashPerIp: number;
  now?: () => number;
}

export type UserAction = "auth.changePassword" | "auth.deleteAccount" | "mailbox.create" | "mailbox.updatePassword" | "mailbox.retry";

export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limited for ${retryAfterSeconds}s`);
  }
}

/** The server as a whole is at capacity (the argon2 queue is full): 503 with Retry-After, not the client's fault. */
export class BusyError extends RateLimitedError {}

/** A sign-in attempt that has taken its points; tell it how it ended. */
export interface LoginAttempt {
  /** Gives the points back and remembers the address as one this account signs in from. */
  succeeded(): Promise<void>;
}

export interface Limits {
  /** Takes one attempt from every budget that applies (before the password is checked); throws when one is spent. */
  loginAttempt(ip: string, login: string): Promise<LoginAttempt>;
  /** Throws when this address or account is currently locked out (checks without counting). */
  loginAllowed(ip: string, login: string): Promise<void>;
  /** Counts one failed password check of a signed-in user (account password change, account deletion). */
  loginFailed(ip: string, login: string): Promise<void>;
  /** Sign-ups per IP, and attempts at one account name (e.g. a script probing which names exist). */
  register(ip: string, username: string): Promise<void>;
  /** Counts one sensitive action of a signed-in user; throws when the budget is spent. */
  userAction(userId: string, action: UserAction): Promise<void>;
  /**
   * Counts one "check my login" (mailbox.checkLogin): a wrong password there also counts towards the mail
   * server's own lockouts (Mailcow's fail2ban), so the budget is small.
   */
  checkLogin(userId: string): Promise<void>;
  /**
   * Runs argon2 work (hash or verify) in the bounded queue: at most `hashPerIp` per client address running or
   * waiting (429 beyond), at most `hashQueueMax` waiting overall (503 beyond), so one client cannot starve others.
   */
  passwordWork<T>(ip: string, work: () => Promise<T>): Promise<T>;
}

/** "ada", " ADA ", "ａｄａ" and "ada@<our domain>" → "ada"; an address in another domain stays whole. */
export function accountKey(login: string, mailDomain: string): string {
  const text = login.normalize("NFKC").trim().toLowerCase();
  const at = text.lastIndexOf("@");
  return at !== -1 && text.slice(at + 1) === mailDomain.toLowerCase() ? text.slice(0, at) : text;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function retryAfter(error: unknown): never {
  if (error instanceof RateLimiterRes) throw new RateLimitedError(seconds(error.msBeforeNext));
  throw error;
}

/** Addresses each account was recently signed in from; bounded, oldest forgotten first. */
function knownAddresses(ttlMs: number, now: () => number, max = 100_000) {
  const until = new Map<string, number>();
  return {
    has: (account: string, ip: string) => (until.get(`${account}\n${ip}`) ?? 0) > now(),
    add(account: string, ip: string) {
      const key = `${account}\n${ip}`;
      until.delete(key);
      until.set(key, now() + ttlMs);
      if (until.size > max) until.delete(until.keys().next().value!);
    },
  };
}

export function createLimits(settings: RateLimitSettings): Limits {
  const { loginPoints, loginWindowSeconds, mailDomain, now = Date.now } = settings;
  const byAccountAndIp = new RateLimiterMemory({ keyPrefix: "login-account-ip", points: loginPoints, duration: loginWindowSeconds });
  // One address may try several accounts (an office behind NAT), so the per-IP budget is wider.
  const byIp = new RateLimiterMemory({ keyPrefix: "login-ip", points: settings.loginIpPoints, duration: loginWindowSeconds });
  const byAccount = new RateLimiterMemory({
    keyPrefix: "login-account",
    points: settings.loginAccountPoints,
    duration: settings.loginAccountWindowSeconds,
  });
  const known = knownAddresses(settings.knownAddressSeconds * 1000, now);
  const registrations = new RateLimiterMemory({ keyPrefix: "register-ip", points: loginPoints * 2, duration: 3600 });
  const registrationsByName = new RateLimiterMemory({ keyPrefix: "register-name", points: loginPoints, duration: 3600 });
  const userActions = new RateLimiterMemory({ keyPrefix: "user-action", points: settings.userActionPoints, duration: settings.userActionWindowSeconds });
  const checkLogins = new RateLimiterMemory({ keyPrefix: "check-login-user", points: settings.checkLoginPerHour, duration: 3600 });

  const hashing = pLimit(settings.hashConcurrency);
  const hashingPerIp = new Map<string, number>();

  async function check(limiter: RateLimiterMemory, key: string) {
    const res = await limiter.get(key);
    if (res && res.remainingPoints <= 0) throw new RateLimitedError(seconds(res.msBeforeNext));
  }

  /** Consumes one point from each limiter in turn; on a refusal, gives back what was already taken. */
  async function consumeAll(entries: [RateLimiterMemory, string][]) {
    const taken: [RateLimiterMemory, string][] = [];
    try {
      for (const [limiter, key] of entries) {
        await limiter.consume(key);
        taken.push([limiter, key]);
      }
    } catch (error) {
      await Promise.all(taken.map(([limiter, key]) => limiter.reward(key, 1)));
      retryAfter(error);
    }
    return taken;
  }

  return {
    async loginAttempt(ip, login) {
      const address = clientKey(ip);
      const account = accountKey(login, mailDomain);
      const entries: [RateLimiterMemory, string][] = [
        [byIp, address],
        [byAccountAndIp, `${account}\n${address}`],
      ];
      if (!known.has(account, address)) entries.push([byAccount, account]);
      const taken = await consumeAll(entries);
      return {
        async succeeded() {
          await Promise.all(taken.map(([limiter, key]) => limiter.reward(key, 1)));
          await byAccountAndIp.delete(`${account}\n${address}`);
          known.add(account, address);
        },
      };
    },
    async loginAllowed(ip, login) {
      const address = clientKey(ip);
      const account = accountKey(login, mailDomain);
      await check(byIp, address);
      await check(byAccountAndIp, `${account}\n${address}`);
    },
    async loginFailed(ip, login) {
      const address = clientKey(ip);
      const account = accountKey(login, mailDomain);
      await Promise.all([byIp.consume(address), byAccountAndIp.consume(`${account}\n${address}`)]).catch(retryAfter);
    },
    async register(ip, username) {
      await consumeAll([
        [registrations, clientKey(ip)],
        [registrationsByName, accountKey(username, mailDomain)],
      ]);
    },
    async userAction(userId, action) {
      await userActions.consume(`${action}:${userId}`).catch(retryAfter);
    },
    async checkLogin(userId) {
      await checkLogins.consume(userId).catch(retryAfter);
    },
    async passwordWork(ip, work) {
      const address = clientKey(ip);
      const mine = hashingPerIp.get(address) ?? 0;
      if (mine >= settings.hashPerIp) throw new RateLimitedError(1);
      if (hashing.pendingCount >= settings.hashQueueMax) throw new BusyError(2);
      hashingPerIp.set(address, mine + 1);
      try {
        return await hashing(work);
      } finally {
        const left = (hashingPerIp.get(address) ?? 1) - 1;
        if (left > 0) hashingPerIp.set(address, left);
        else hashingPerIp.delete(address);
      }
    },
  };
}
