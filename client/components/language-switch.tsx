import { LOCALES } from "../i18n/locales";
import { loadDictionary, useI18n } from "../i18n";
import { focusRing } from "./ui";

/** RU | EN, visible everywhere; the pressed button is the current language. */
export function LanguageSwitch({ className = "" }: { className?: string }) {
  const { locale, setLocale, t } = useI18n();
  return (
    <div role="group" aria-label={t("lang.label")} className={`inline-flex rounded-lg bg-gray-100 p-0.5 ring-1 ring-gray-200 ${className}`}>
      {LOCALES.map((code) => (
        <button
          key={code}
          type="button"
          lang={code}
          aria-pressed={locale === code}
          // Fetch the other language's words as soon as a switch looks likely, so the click switches at once.
          onPointerEnter={() => void loadDictionary(code).catch(() => undefined)}
          onFocus={() => void loadDictionary(code).catch(() => undefined)}
          onClick={() => void setLocale(code).catch(() => undefined)}
          className={`rounded-md px-2.5 py-1 text-xs font-semibold ${focusRing} ${
            locale === code ? "bg-white text-pink-700 shadow-sm ring-1 ring-gray-200" : "text-gray-700 hover:text-gray-900"
          }`}
        >
          {t(code === "ru" ? "lang.ru" : "lang.en")}
        </button>
      ))}
    </div>
  );
}
