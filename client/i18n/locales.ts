// The interface languages and the helpers the app shell needs (shared with the server's error formatter).
export { DEFAULT_LOCALE, interpolate, LOCALES, parseLocale, type Locale } from "../../shared/i18n/locales";
