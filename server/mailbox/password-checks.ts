import { checkPassword } from "../../shared/password-policy";
import { fieldError } from "../trpc";
import type { Services } from "../services";
import { livePolicyProblems } from "./password-policy";

/**
 * A mailbox password must pass the platform policy (already checked by the input schema), must not contain
 * the username, and must pass Mailcow's live policy when it is known: the first failed rule is reported on `field`.
 */
export async function assertMailboxPassword(services: Services, field: string, password: string, username: string, deadlineMs?: number) {
  const notUsername = checkPassword(password, username).find((r) => r.rule === "notUsername");
  if (notUsername && !notUsername.ok) throw fieldError("BAD_REQUEST", field, notUsername.code);
  const policy = await services.passwordPolicy.get(deadlineMs);
  const problem = policy ? livePolicyProblems(password, policy)[0] : undefined;
  if (problem) throw fieldError("BAD_REQUEST", field, problem.code, problem.params);
}
