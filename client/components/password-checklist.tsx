import { Check, Circle, X } from "lucide-react";
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_CHARS } from "../../shared/constants";
import { checkPassword } from "../../shared/password-policy";
import type { LivePasswordPolicy } from "../../shared/schemas/mailbox";
import { useI18n } from "../i18n";
import { checkMailPolicy } from "../lib/mail-password-rules";

/**
 * The shared password policy, re-checked on every keystroke; neutral until something is typed. With
 * `policy` (Mailcow's live one, for mailbox passwords) the mail server's own rules follow the platform's.
 */
export function PasswordChecklist({
  id,
  password,
  username,
  policy,
}: {
  id: string;
  password: string;
  username: string;
  policy?: LivePasswordPolicy | null | undefined;
}) {
  const { t } = useI18n();
  const started = password.length > 0;
  const rules = [
    ...checkPassword(password, username).map(({ rule, ok }) => ({
      rule,
      ok,
      label:
        rule === "length"
          ? t("register.rule.length", { min: PASSWORD_MIN_CHARS })
          : rule === "maxBytes"
            ? t("register.rule.maxBytes", { max: PASSWORD_MAX_BYTES })
            : t(rule === "notUsername" ? "register.rule.notUsername" : "register.rule.notCommon"),
    })),
    ...checkMailPolicy(password, policy).map(({ rule, ok }) => ({
      rule,
      ok,
      label: rule === "mailLength" ? t("mail.rule.mailLength", { min: policy?.minLength ?? 0 }) : t(`mail.rule.${rule}`),
    })),
  ];
  return (
    <div id={id} className="rounded-lg bg-gray-50 px-3 py-2.5 ring-1 ring-gray-200">
      <p className="text-xs font-semibold text-gray-700">{t("register.password.rules")}</p>
      <ul aria-live="polite" className="mt-1.5 space-y-1 text-sm">
        {rules.map(({ rule, ok, label }) => {
          const Icon = !started ? Circle : ok ? Check : X;
          const tone = !started ? "text-gray-600" : ok ? "text-green-700" : "text-red-700";
          return (
            <li key={rule} data-rule={rule} data-ok={started ? String(ok) : undefined} className={`flex items-start gap-2 ${tone}`}>
              <Icon aria-hidden="true" className={!started ? "mx-0.5 mt-1 size-3 shrink-0" : "mt-0.5 size-4 shrink-0"} strokeWidth={2.5} />
              <span>
                {label}
                {started && <span className="sr-only"> — {t(ok ? "register.rule.met" : "register.rule.unmet")}</span>}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
