// Mailcow's live password policy on top of the platform's (shared/password-policy.ts): the stricter wins,
// and a refusal names the rule. Cached, because it changes rarely and sign-up must not wait for it.
import type { LivePasswordPolicy } from "../../shared/schemas/mailbox";
import { utf8Length } from "../../shared/password-policy";
import type { ValidationCode } from "../../shared/i18n/validation";
import type { MailcowClient, PasswordPolicy } from "../mailcow";

export interface PolicyProblem {
  code: ValidationCode;
  params?: Record<string, number>;
}

export function livePolicyProblems(password: string, policy: PasswordPolicy): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  // Mailcow counts bytes (PHP strlen).
  if (utf8Length(password) < policy.length) problems.push({ code: "password.mailLength", params: { min: policy.length } });
  if (policy.chars && !/[A-Za-z]/.test(password)) problems.push({ code: "password.mailLetters" });
  if (policy.numbers && !/[0-9]/.test(password)) problems.push({ code: "password.mailDigits" });
  if (policy.specialChars && !/[^A-Za-z0-9]/.test(password)) problems.push({ code: "password.mailSpecial" });
  if (policy.lowerUpper && !(/[a-z]/.test(password) && /[A-Z]/.test(password))) problems.push({ code: "password.mailLowerUpper" });
  return problems;
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
      let timeout: NodeJS.Timeout | undefined;
      const result = await Promise.race([
        inFlight,
        new Promise<PasswordPolicy | null>((resolve) => {
          timeout = setTimeout(() => resolve(cached?.policy ?? null), deadlineMs);
        }),
      ]);
      clearTimeout(timeout);
      return result;
    },
    toPublic(policy: PasswordPolicy | null): LivePasswordPolicy {
      return policy
        ? { minLength: policy.length, letters: policy.chars, digits: policy.numbers, special: policy.specialChars, lowerUpper: policy.lowerUpper, available: true }
        : { minLength: 0, letters: false, digits: false, special: false, lowerUpper: false, available: false };
    },
  };
}
export type PolicyCache = ReturnType<typeof createPolicyCache>;
