// Form messages in words: a client key, a shared validation code, or text the server already translated.
// Imported by the screens with forms only, so the validation messages load with them, not with the shell.
import { validationMessage } from "../../shared/i18n/validation";
import { messageTemplate } from "./core";
import type { Locale } from "./locales";
import { useI18n } from "./provider";
import type { UiMessage } from "./types";

export function messageText(locale: Locale, message: UiMessage): string {
  if ("key" in message) return messageTemplate(locale, message.key);
  return "validation" in message ? validationMessage(message.validation, locale) : message.text;
}

/** `message(m)` in the current language; validation codes follow a language switch. */
export function useMessage(): (message: UiMessage) => string {
  const { locale } = useI18n();
  return (message) => messageText(locale, message);
}
