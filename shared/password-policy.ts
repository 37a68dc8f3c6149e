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
