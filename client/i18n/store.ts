// The current language as a tiny external store: React reads it through I18nProvider, and code outside
// components (the tRPC link's headers, route actions) reads it with getLocale().
import type { Locale } from "./locales";
import { hasDictionary, initialLocale, loadDictionary, LOCALE_STORAGE_KEY } from "./core";

function readStored(): string | null {
  try {
    return globalThis.localStorage?.getItem(LOCALE_STORAGE_KEY) ?? null;
  } catch {
    return null; // storage disabled (privacy mode): fall back to the default
  }
}

let current: Locale = initialLocale(readStored());
const listeners = new Set<() => void>();

export function getLocale(): Locale {
  return current;
}

/** Switches once the language's words are loaded (at once when they already are). */
export async function setLocale(next: Locale): Promise<void> {
  if (!hasDictionary(next)) await loadDictionary(next);
  if (next === current) return;
  current = next;
  try {
    globalThis.localStorage?.setItem(LOCALE_STORAGE_KEY, next);
  } catch {
    // not remembered, still switched
  }
  for (const listener of listeners) listener();
}

export function subscribeLocale(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
