export { createTranslator, translate, type Translator } from "./core";
export { I18nProvider, useDocumentTitle, useI18n, useT } from "./provider";
export { getLocale, setLocale } from "./store";
export type { MessageKey, TranslateFn, UiMessage } from "./types";
