import { beforeAll, describe, expect, test } from "vitest";
import { createTranslator, hasDictionary, initialLocale, loadDictionary, translate } from "./core";
import * as locales from "./locales";
import { messageText } from "./messages";
import { en } from "./en";
import { ru } from "./ru";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

beforeAll(() => loadDictionary("en"));

describe("dictionaries", () => {
  test("en has exactly the keys of ru", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ru).sort());
  });

  test("every message has the same placeholders in both languages and no empty text", () => {
    for (const key of Object.keys(ru) as (keyof typeof ru)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(ru[key]));
      expect(ru[key].trim(), key).not.toBe("");
      expect(en[key].trim(), key).not.toBe("");
    }
  });

  test("both locales can be loaded", () => {
    expect(hasDictionary("ru")).toBe(true);
    expect(hasDictionary("en")).toBe(true);
  });
});

describe("translate", () => {
  test("fills placeholders", () => {
    expect(translate("ru", "mail.quota.used", { used: "1 МБ", limit: "2 МБ" })).toBe("Занято 1 МБ из 2 МБ");
    expect(translate("en", "register.rule.length", { min: 10 })).toBe("At least 10 characters");
  });

  test("messages without placeholders need no parameters", () => {
    expect(translate("ru", "nav.mail")).toBe("Почта");
    expect(translate("en", "mail.copied")).toBe("Copied");
  });

  test("a placeholder the caller did not fill stays visible rather than becoming 'undefined'", () => {
    const loose = translate as (locale: "ru", key: string, params?: Record<string, string>) => string;
    expect(loose("ru", "mail.quota.used", { used: "1 МБ" })).toBe("Занято 1 МБ из {limit}");
  });
});

describe("translator", () => {
  test("turns every kind of form message into words", () => {
    expect(messageText("en", { key: "errors.network" })).toBe(en["errors.network"]);
    expect(messageText("en", { validation: "password.mismatch" })).toBe("The passwords do not match");
    expect(messageText("ru", { validation: "password.mismatch" })).toBe("Пароли не совпадают");
    expect(messageText("en", { validation: "something.unknown" })).toBe("Invalid value");
    expect(messageText("en", { text: "from the server" })).toBe("from the server");
  });

  test("formats dates and numbers for the language", () => {
    const date = "2026-11-27T12:00:00.000Z";
    expect(createTranslator("ru").formatDate(date)).toContain("ноября 2026");
    expect(createTranslator("en").formatDate(date)).toContain("November 2026");
    expect(createTranslator("ru").formatNumber(1234.5)).toMatch(/^1\s234,5$/); // a no-break space
    expect(createTranslator("en").formatNumber(1234.5)).toBe("1,234.5");
  });
});

describe("initialLocale", () => {
  test("Russian unless English was chosen before", () => {
    expect(initialLocale(null)).toBe("ru");
    expect(initialLocale("de")).toBe("ru");
    expect(initialLocale("en")).toBe("en");
    expect(initialLocale("EN")).toBe("en");
  });
});

describe("locales", () => {
  test("parseLocale accepts the two languages in any case and nothing else; interpolate keeps unknown placeholders", () => {
    expect(locales.LOCALES).toEqual(["ru", "en"]);
    expect(locales.DEFAULT_LOCALE).toBe("ru");
    expect(["ru", "EN", "de", "", null, undefined].map((v) => locales.parseLocale(v))).toEqual(["ru", "en", null, null, null, null]);
    expect(locales.interpolate("{a} and {b}", { a: 1 })).toBe("1 and {b}");
    expect(locales.interpolate("plain")).toBe("plain");
  });
});
