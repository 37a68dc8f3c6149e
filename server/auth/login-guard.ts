// The guarded paths of sign-in and sign-up, so the routers stay thin: budgets are taken before any argon2 work,
// argon2 runs in the bounded queue, and the operator's extra reserved names are refused.
import { isReservedUsername } from "../../shared/schemas/auth";
import type { AccountRow, Accounts } from "./accounts";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./password";
import { accountKey, type Limits } from "./rate-limit";

interface GuardDeps {
  limits: Limits;
  accounts: Accounts;
  mailDomain: string;
}

/**
 * The account for this login and password, or null (unknown name and wrong password cost and answer the same).
 * Throws RateLimitedError before verifying when a budget is spent, BusyError when the argon2 queue is full.
 */
export async function verifyLogin(
  deps: GuardDeps,
  ip: string,
  login: string,
  password: string,
  /** The second factor, checked inside the attempt: the points come back only when it passes too. */
  secondStep?: (account: AccountRow) => Promise<void>,
): Promise<AccountRow | null> {
  const attempt = await deps.limits.loginAttempt(ip, login);
  const key = accountKey(login, deps.mailDomain);
  // An address in another domain keeps its "@" and matches no username.
  const found = key.includes("@") ? null : deps.accounts.findByUsername(key);
  const account = found && found.deleted_at === null ? found : null;
  const hash = account?.password_hash ?? (await dummyPasswordHash());
  const ok = await deps.limits.passwordWork(ip, () => verifyPassword(hash, password));
  if (!account || !ok) return null;
  if (secondStep) await secondStep(account);
  await attempt.succeeded();
  return account;
}

/** Takes a sign-up from the budgets; true when the name is on the operator's extra reserved list (RESERVED_USERNAMES). */
export async function guardSignup(deps: GuardDeps, ip: string, username: string, extraReserved: readonly string[]): Promise<{ reserved: boolean }> {
  await deps.limits.register(ip, username);
  return { reserved: extraReserved.length > 0 && isReservedUsername(username, extraReserved) };
}

/** argon2id hash of a new password, in the bounded queue. */
export function hashInQueue(limits: Limits, ip: string, password: string): Promise<string> {
  return limits.passwordWork(ip, () => hashPassword(password));
}
