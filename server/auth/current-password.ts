// "Type your password again" before a sensitive change (new account password, account deletion): the same
// rate limits as a sign-in, so it cannot be used to guess the password of a session left open.
import type { AccountRow } from "./accounts";
import { verifyPassword } from "./password";
import type { Limits } from "./rate-limit";

/** True when `password` is the account's; a wrong one counts as a failed sign-in (throws when the limit is spent). */
export async function verifyCurrentPassword(
  limits: Pick<Limits, "loginAllowed" | "loginFailed">,
  ip: string,
  account: Pick<AccountRow, "username" | "password_hash">,
  password: string,
): Promise<boolean> {
  await limits.loginAllowed(ip, account.username);
  if (await verifyPassword(account.password_hash, password)) return true;
  await limits.loginFailed(ip, account.username);
  return false;
}
