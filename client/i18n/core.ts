// The translation mechanism without React or the DOM, so it can be unit-tested in node.
import { DEFAULT_LOCALE, interpolate, parseLocale, type Locale } from "./locales";
import { ru } from "./ru";
import type { Dictionary, MessageArgs, MessageKey, TranslateFn } from "./types";

export const LOCALE_STORAGE_KEY = "platform-mail.locale";

// NOTE: Russian, the default, ships with the app; English (half of all the words) loads the first time
// it is chosen, to keep the first visit within the page budget (scripts/bundle-size.ts). Until it is
// loaded, lookups fall back to Russian; the store switches language only once the words are here.
const DICTIONARIES: Partial<Record<Locale, Dictionary>> = { ru };
const LOADERS: Record<Locale, () => Promise<Dictionary>> = {
  ru: async () => ru,
  en: () => import("./en").then((m) => m.en),
};
const loading = new Map<Locale, Promise<void>>();

export function hasDictionary(locale: Locale): boolean {
  return DICTIONARIES[locale] !== undefined;
}

/** Loads a language's words (once); a failed load can be tried again. */
export function loadDictionary(locale: Locale): Promise<void> {
  if (hasDictionary(locale)) return Promise.resolve();
  let promise = loading.get(locale);
  if (!promise) {
    promise = LOADERS[locale]().then(
      (dictionary) => void (DICTIONARIES[locale] = dictionary),
      (error: unknown) => {
        loading.delete(locale);
        throw error;
      },
    );
    loading.set(locale, promise);
  }
  return promise;
}

function dictionary(locale: Locale): Dictionary {
  return DICTIONARIES[locale] ?? ru;
}

/** A message as written, placeholders unfilled. */
export function messageTemplate(locale: Locale, key: MessageKey): string {
  return dictionary(locale)[key];
}

/** BCP 47 tags for Intl; the interface languages are also the formatting locales. */
const INTL_LOCALE: Readonly<Record<Locale, string>> = { ru: "ru-RU", en: "en-GB" };

export function translate<K extends MessageKey>(locale: Locale, key: K, ...args: MessageArgs<K>): string {
  return interpolate(dictionary(locale)[key], args[0]);
}

export interface Translator {
  locale: Locale;
  t: TranslateFn;
  formatDate: (value: Date | string | number, options?: Intl.DateTimeFormatOptions) => string;
  formatNumber: (value: number, options?: Intl.NumberFormatOptions) => string;
}

export function createTranslator(locale: Locale): Translator {
  const t: TranslateFn = (key, ...args) => translate(locale, key, ...args);
  return {
    locale,
    t,
    formatDate: (value, options = { dateStyle: "long" }) =>
      new Intl.DateTimeFormat(INTL_LOCALE[locale], options).format(new Date(value)),
    formatNumber: (value, options) => new Intl.NumberFormat(INTL_LOCALE[locale], options).format(value),
  };
}

/** The remembered choice, or Russian. */
export function initialLocale(stored: string | null | undefined): Locale {
  return parseLocale(stored) ?? DEFAULT_LOCALE;
}
