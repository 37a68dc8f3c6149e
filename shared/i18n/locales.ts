// The interface languages and the small helpers every page needs. Apart from validation.ts (which holds every
// validation message) so that the app shell can import it without shipping the messages on each first visit.
export const LOCALES = ["ru", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "ru";

export function parseLocale(value: string | null | undefined): Locale | null {
  const lower = value?.toLowerCase();
  return (LOCALES as readonly string[]).includes(lower ?? "") ? (lower as Locale) : null;
}

/** Fills `{name}` placeholders; an unknown one stays visible rather than becoming "undefined". */
export function interpolate(text: string, params?: Record<string, string | number>): string {
  return params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole)) : text;
}
