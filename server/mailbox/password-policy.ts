// Mailcow's live password policy on top of the platform's (shared/password-policy.ts): the stricter wins,
// and a refusal names the rule. Cached, because it changes rarely and sign-up must not wait for it.
import { mailPolicyRules, type MailPolicyProblem } from "../../shared/password-policy";
import type { LivePasswordPolicy } from "../../shared/schemas/mailbox";
import { within } from "../lib/deadline";
import type { MailcowClient, PasswordPolicy } from "../mailcow";

export type PolicyProblem = MailPolicyProblem;

/** Mailcow's policy rules the password breaks, in display order (the rule itself lives in shared/). */
export function livePolicyProblems(password: string, policy: PasswordPolicy): PolicyProblem[] {
  return mailPolicyRules(password, toPublic(policy))
    .filter((rule) => !rule.ok)
    .map(({ code, params }) => (params ? { code, params } : { code }));
}

function toPublic(policy: PasswordPolicy | null): LivePasswordPolicy {
  return policy
    ? { minLength: policy.length, letters: policy.chars, digits: policy.numbers, special: policy.specialChars, lowerUpper: policy.lowerUpper, available: true }
    : { minLength: 0, letters: false, digits: false, special: false, lowerUpper: false, available: false };
}

export function createPolicyCache(mailcow: MailcowClient, ttlMs: number, now: () => number = Date.now) {
  let cached: { policy: PasswordPolicy; at: number } | null = null;
  let inFlight: Promise<PasswordPolicy | null> | null = null;

  async function refresh(): Promise<PasswordPolicy | null> {
    try {
      const policy = await mailcow.getPasswordPolicy();
      cached = { policy, at: now() };
      return policy;
    } catch {
      // Unreachable Mailcow: the last known policy (or none) applies; Mailcow still checks on write.
      return cached?.policy ?? null;
    } finally {
      inFlight = null;
    }
  }

  return {
    /** The policy, waiting at most `deadlineMs` for Mailcow; null when it is unknown. */
    async get(deadlineMs = 2000): Promise<PasswordPolicy | null> {
      if (cached && now() - cached.at < ttlMs) return cached.policy;
      inFlight ??= refresh();
      return within(inFlight, deadlineMs, () => cached?.policy ?? null);
    },
    toPublic,
  };
}
export type PolicyCache = ReturnType<typeof createPolicyCache>;
