import { expect, test } from "vitest";
import { waitInWords } from "./wait";

test.each([
  [21, "ru", "через 21 секунду"],
  [57 * 60, "ru", "через 57 минут"],
  [56 * 60 + 1, "ru", "через 57 минут"],
  [3 * 3600, "ru", "через 3 часа"],
  [57 * 60, "en", "in 57 minutes"],
  [1, "en", "in 1 second"],
  [0, "en", "in 1 second"],
] as const)("%i s in %s: %s", (seconds, locale, words) => {
  expect(waitInWords(seconds, locale)).toBe(words);
});
