// The interface languages and the two helpers the app shell needs.
// NOTE: these mirror shared/i18n/validation.ts (i18n.test.ts checks that they agree) instead of importing
// it, because that module also holds every validation message, which would then ship with every page
// (about 1.5 kB gzip of the /mail first-load budget). Forms load the messages with their code (messages.ts).
import type { Locale } from "../../shared/i18n/validation";

export type { Locale };
export const LOCALES = ["ru", "en"] as const satisfies readonly Locale[];
export const DEFAULT_LOCALE: Locale = "ru";

export function parseLocale(value: string | null | undefined): Locale | null {
  const lower = value?.toLowerCase();
  return (LOCALES as readonly string[]).includes(lower ?? "") ? (lower as Locale) : null;
}

/** Fills `{name}` placeholders; an unknown one stays visible rather than becoming "undefined". */
export function interpolate(text: string, params?: Record<string, string | number>): string {
  return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole)) : text;
}
