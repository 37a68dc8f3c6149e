import { checkPassword } from "../../shared/password-policy";
import type { PolicyCache } from "./password-policy";
import { livePolicyProblems, type PolicyProblem } from "./password-policy";

/**
 * A mailbox password must pass the platform policy (already checked by the input schema), must not contain
 * the username, and must pass Mailcow's live policy when it is known: the first failed rule, or null.
 */
export async function mailboxPasswordProblem(
  policyCache: PolicyCache,
  password: string,
  username: string,
  deadlineMs?: number,
): Promise<PolicyProblem | null> {
  const notUsername = checkPassword(password, username).find((r) => r.rule === "notUsername");
  if (notUsername && !notUsername.ok) return { code: notUsername.code };
  const policy = await policyCache.get(deadlineMs);
  return (policy ? livePolicyProblems(password, policy)[0] : undefined) ?? null;
}
