import { Check, Circle, X } from "lucide-react";
import { PASSWORD_MAX_BYTES, PASSWORD_MIN_CHARS } from "../../shared/constants";
import { checkPassword, type PasswordRule } from "../../shared/password-policy";
import { useI18n, type MessageKey } from "../i18n";

const RULE_KEYS = {
  length: "register.rule.length",
  maxBytes: "register.rule.maxBytes",
  notUsername: "register.rule.notUsername",
  notCommon: "register.rule.notCommon",
} as const satisfies Record<PasswordRule, MessageKey>;

/** The shared password policy, re-checked on every keystroke; neutral until something is typed. */
export function PasswordChecklist({ id, password, username }: { id: string; password: string; username: string }) {
  const { t } = useI18n();
  const started = password.length > 0;
  const label = (rule: PasswordRule) => {
    switch (rule) {
      case "length":
        return t(RULE_KEYS.length, { min: PASSWORD_MIN_CHARS });
      case "maxBytes":
        return t(RULE_KEYS.maxBytes, { max: PASSWORD_MAX_BYTES });
      default:
        return t(RULE_KEYS[rule]);
    }
  };
  return (
    <div id={id} className="rounded-lg bg-gray-50 px-3 py-2.5 ring-1 ring-gray-200">
      <p className="text-xs font-semibold text-gray-700">{t("register.password.rules")}</p>
      <ul aria-live="polite" className="mt-1.5 space-y-1 text-sm">
        {checkPassword(password, username).map(({ rule, ok }) => {
          const Icon = !started ? Circle : ok ? Check : X;
          const tone = !started ? "text-gray-600" : ok ? "text-green-700" : "text-red-700";
          return (
            <li key={rule} data-rule={rule} data-ok={started ? String(ok) : undefined} className={`flex items-center gap-2 ${tone}`}>
              <Icon aria-hidden="true" className={!started ? "size-3 shrink-0 mx-0.5" : "size-4 shrink-0"} strokeWidth={2.5} />
              <span>
                {label(rule)}
                {started && <span className="sr-only"> — {t(ok ? "register.rule.met" : "register.rule.unmet")}</span>}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
