// The translation mechanism without React or the DOM, so it can be unit-tested in node.
import { DEFAULT_LOCALE, interpolate, parseLocale, validationMessage, type Locale } from "../../shared/i18n/validation";
import { en } from "./en";
import { ru } from "./ru";
import type { Dictionary, MessageArgs, MessageKey, TranslateFn, UiMessage } from "./types";

export const DICTIONARIES: Readonly<Record<Locale, Dictionary>> = { ru, en };
export const LOCALE_STORAGE_KEY = "platform-mail.locale";

/** BCP 47 tags for Intl; the interface languages are also the formatting locales. */
const INTL_LOCALE: Readonly<Record<Locale, string>> = { ru: "ru-RU", en: "en-GB" };

export function translate<K extends MessageKey>(locale: Locale, key: K, ...args: MessageArgs<K>): string {
  return interpolate(DICTIONARIES[locale][key], args[0]);
}

export interface Translator {
  locale: Locale;
  t: TranslateFn;
  /** Shared validation codes ("password.tooShort") in this language. */
  validation: (code: string, params?: Record<string, string | number>) => string;
  message: (message: UiMessage) => string;
  formatDate: (value: Date | string | number, options?: Intl.DateTimeFormatOptions) => string;
  formatNumber: (value: number, options?: Intl.NumberFormatOptions) => string;
}

export function createTranslator(locale: Locale): Translator {
  const t: TranslateFn = (key, ...args) => translate(locale, key, ...args);
  const validation = (code: string, params?: Record<string, string | number>) => validationMessage(code, locale, params);
  return {
    locale,
    t,
    validation,
    message: (m) => ("key" in m ? DICTIONARIES[locale][m.key] : "validation" in m ? validation(m.validation) : m.text),
    formatDate: (value, options = { dateStyle: "long" }) =>
      new Intl.DateTimeFormat(INTL_LOCALE[locale], options).format(new Date(value)),
    formatNumber: (value, options) => new Intl.NumberFormat(INTL_LOCALE[locale], options).format(value),
  };
}

/** The remembered choice, or Russian. */
export function initialLocale(stored: string | null | undefined): Locale {
  return parseLocale(stored) ?? DEFAULT_LOCALE;
}
