// A wait in words ("через 57 минут", "in 57 minutes"), for rate-limit answers: seconds under a minute, whole
// minutes (rounded up) under two hours, whole hours (rounded up) beyond.
import type { Locale } from "./locales";

const INTL_LOCALE: Readonly<Record<Locale, string>> = { ru: "ru-RU", en: "en-GB" };

export function waitInWords(seconds: number, locale: Locale): string {
  const format = new Intl.RelativeTimeFormat(INTL_LOCALE[locale], { numeric: "always" });
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return format.format(s, "second");
  if (s < 2 * 3600) return format.format(Math.ceil(s / 60), "minute");
  return format.format(Math.ceil(s / 3600), "hour");
}
