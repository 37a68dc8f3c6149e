// The platform's one password policy, used by the forms (live checklist) and by every procedure
// that accepts a password. Mailcow's own live policy is checked on top of it on the server.
import { COMMON_PASSWORDS } from "./common-passwords";
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_CHARS } from "./constants";
import type { ValidationCode } from "./i18n/validation";

export type PasswordRule = "length" | "maxBytes" | "notUsername" | "notCommon";
export interface PasswordRuleResult {
  rule: PasswordRule;
  ok: boolean;
  code: ValidationCode;
}

export function utf8Length(value: string): number {
  return new TextEncoder().encode(value).length;
}

/** Every rule with its verdict, in display order; `username` may be empty while the form is being filled. */
export function checkPassword(password: string, username = ""): PasswordRuleResult[] {
  const lowered = password.toLowerCase();
  const user = username.trim().toLowerCase();
  return [
    { rule: "length", ok: [...password].length >= PASSWORD_MIN_CHARS, code: "password.tooShort" },
    { rule: "maxBytes", ok: utf8Length(password) <= PASSWORD_MAX_BYTES, code: "password.tooLong" },
    { rule: "notUsername", ok: user.length < 2 || !lowered.includes(user), code: "password.containsUsername" },
    { rule: "notCommon", ok: password.length > 0 && !COMMON_PASSWORDS.has(lowered), code: "password.common" },
  ];
}

/** Mailcow's live password policy as the forms and the server see it (LivePasswordPolicy in schemas/mailbox.ts). */
export interface MailPolicy {
  minLength: number;
  letters: boolean;
  digits: boolean;
  special: boolean;
  lowerUpper: boolean;
  available: boolean;
}
export type MailRule = "mailLength" | "mailLetters" | "mailDigits" | "mailSpecial" | "mailLowerUpper";
export interface MailPolicyProblem {
  code: ValidationCode;
  params?: Record<string, number>;
}
export interface MailRuleResult extends MailPolicyProblem {
  rule: MailRule;
  ok: boolean;
}

/**
 * Mailcow's own check (functions.inc.php password_complexity, 2026-07a), rule by rule, so the form says in advance
 * what the mail server will refuse and the server refuses early with the rule's name. None while the policy is unknown.
 */
export function mailPolicyRules(password: string, policy: MailPolicy | null | undefined): MailRuleResult[] {
  if (!policy?.available) return [];
  const rules: MailRuleResult[] = [];
  // Mailcow counts bytes (PHP strlen); the platform's own rule already asks for PASSWORD_MIN_CHARS characters
  // (≥ as many bytes), so a smaller minimum is not repeated.
  if (policy.minLength > PASSWORD_MIN_CHARS) {
    rules.push({ rule: "mailLength", ok: utf8Length(password) >= policy.minLength, code: "password.mailLength", params: { min: policy.minLength } });
  }
  if (policy.letters) rules.push({ rule: "mailLetters", ok: /[A-Za-z]/.test(password), code: "password.mailLetters" });
  if (policy.digits) rules.push({ rule: "mailDigits", ok: /[0-9]/.test(password), code: "password.mailDigits" });
  if (policy.special) rules.push({ rule: "mailSpecial", ok: /[^A-Za-z0-9]/.test(password), code: "password.mailSpecial" });
  if (policy.lowerUpper) {
    rules.push({ rule: "mailLowerUpper", ok: /[a-z]/.test(password) && /[A-Z]/.test(password), code: "password.mailLowerUpper" });
  }
  return rules;
}
