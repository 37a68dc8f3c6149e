// "Type your password again" before a sensitive change (new account password, account deletion, two-factor
// settings): the same budgets as a sign-in, taken before argon2 runs and given back when the password is right, and
// argon2 in the same bounded queue, so it cannot be used to guess the password of a session left open.
import type { AccountRow } from "./accounts";
import { verifyPassword } from "./password";
import type { Limits } from "./rate-limit";

/** True when `password` is the account's; throws RateLimitedError/BusyError before verifying when a budget is spent. */
export async function verifyCurrentPassword(
  limits: Pick<Limits, "loginAttempt" | "passwordWork">,
  ip: string,
  account: Pick<AccountRow, "username" | "password_hash">,
  password: string,
  /** A second factor checked inside the attempt (throws to refuse): the points come back only when it passes too. */
  secondStep?: () => Promise<void>,
): Promise<boolean> {
  const attempt = await limits.loginAttempt(ip, account.username);
  const ok = await limits.passwordWork(ip, () => verifyPassword(account.password_hash, password));
  if (!ok) return false;
  if (secondStep) await secondStep();
  await attempt.succeeded();
  return true;
}
