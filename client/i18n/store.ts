// The current language as a tiny external store: React reads it through I18nProvider, and code outside
// components (the tRPC link's headers, route actions) reads it with getLocale().
import type { Locale } from "../../shared/i18n/validation";
import { initialLocale, LOCALE_STORAGE_KEY } from "./core";

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

export function setLocale(next: Locale): void {
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
