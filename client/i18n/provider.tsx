import { createContext, use, useEffect, useMemo, useSyncExternalStore, type ReactNode } from "react";
import { interpolate } from "../../shared/i18n/locales";
import { createTranslator, type Translator } from "./core";
import { getLocale, setLocale, subscribeLocale } from "./store";
import type { TranslateFn } from "./types";

interface I18nValue extends Translator {
  setLocale: typeof setLocale;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const locale = useSyncExternalStore(subscribeLocale, getLocale, getLocale);
  const value = useMemo(() => ({ ...createTranslator(locale), setLocale }), [locale]);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  return <I18nContext value={value}>{children}</I18nContext>;
}

export function useI18n(): I18nValue {
  const value = use(I18nContext);
  if (!value) throw new Error("useI18n() needs <I18nProvider> above it");
  return value;
}

/** A screen's own word table in the current language (Russian unless English is chosen): `w(key, params)`. */
export function useWords<K extends string>(ru: Readonly<Record<K, string>>, en: Readonly<Record<K, string>>) {
  const words = useI18n().locale === "en" ? en : ru;
  return (key: K, params?: Record<string, string | number>): string => interpolate(words[key], params);
}

export function useT(): TranslateFn {
  return useI18n().t;
}

/** Sets the tab title for the current screen: "Вход · Platform Mail". */
export function useDocumentTitle(title: string | null): void {
  const { t } = useI18n();
  const name = t("app.name");
  useEffect(() => {
    document.title = title ? `${title} · ${name}` : name;
  }, [title, name]);
}
