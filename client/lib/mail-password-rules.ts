// Mailcow's live password policy as checklist rules, mirroring the server's check
// (server/mailbox/password-policy.ts) so the form says in advance what the mail server will refuse.
import { PASSWORD_MIN_CHARS } from "../../shared/constants";
import { utf8Length } from "../../shared/password-policy";
import type { LivePasswordPolicy } from "../../shared/schemas/mailbox";

export type MailRule = "mailLength" | "mailLetters" | "mailDigits" | "mailSpecial" | "mailLowerUpper";

export function checkMailPolicy(password: string, policy: LivePasswordPolicy | null | undefined): { rule: MailRule; ok: boolean }[] {
  if (!policy?.available) return [];
  const rules: { rule: MailRule; ok: boolean }[] = [];
  // Mailcow counts bytes; the platform's own rule already asks for PASSWORD_MIN_CHARS characters (≥ as many bytes).
  if (policy.minLength > PASSWORD_MIN_CHARS) rules.push({ rule: "mailLength", ok: utf8Length(password) >= policy.minLength });
  if (policy.letters) rules.push({ rule: "mailLetters", ok: /[A-Za-z]/.test(password) });
  if (policy.digits) rules.push({ rule: "mailDigits", ok: /[0-9]/.test(password) });
  if (policy.special) rules.push({ rule: "mailSpecial", ok: /[^A-Za-z0-9]/.test(password) });
  if (policy.lowerUpper) rules.push({ rule: "mailLowerUpper", ok: /[a-z]/.test(password) && /[A-Z]/.test(password) });
  return rules;
}
