export { createTranslator, loadDictionary, translate, type Translator } from "./core";
export { I18nProvider, useDocumentTitle, useI18n, useT, useWords } from "./provider";
export { getLocale, setLocale } from "./store";
export type { MessageKey, PlainKey, TranslateFn, UiMessage } from "./types";
