// Mailcow's live password policy as checklist rules: the same rule the server enforces (shared/password-policy.ts).
import { mailPolicyRules, type MailRule } from "../../shared/password-policy";
import type { LivePasswordPolicy } from "../../shared/schemas/mailbox";

export type { MailRule };

export function checkMailPolicy(password: string, policy: LivePasswordPolicy | null | undefined): { rule: MailRule; ok: boolean }[] {
  return mailPolicyRules(password, policy).map(({ rule, ok }) => ({ rule, ok }));
}
