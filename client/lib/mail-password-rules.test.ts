import { describe, expect, test } from "vitest";
import { checkMailPolicy } from "./mail-password-rules";

const strict = { minLength: 14, letters: true, digits: true, special: true, lowerUpper: true, available: true };

describe("checkMailPolicy", () => {
  test("no rules while Mailcow's policy is unknown", () => {
    expect(checkMailPolicy("anything", null)).toEqual([]);
    expect(checkMailPolicy("anything", { ...strict, available: false })).toEqual([]);
  });

  test("each rule Mailcow enforces, judged like the server does", () => {
    expect(checkMailPolicy("abc", strict)).toEqual([
      { rule: "mailLength", ok: false },
      { rule: "mailLetters", ok: true },
      { rule: "mailDigits", ok: false },
      { rule: "mailSpecial", ok: false },
      { rule: "mailLowerUpper", ok: false },
    ]);
    expect(checkMailPolicy("Correct-Horse-42", strict).every((r) => r.ok)).toBe(true);
  });

  test("length counts bytes, and a minimum the platform already demands is not repeated", () => {
    expect(checkMailPolicy("зелёный", { ...strict, minLength: 14 })[0]).toEqual({ rule: "mailLength", ok: true });
    expect(checkMailPolicy("x", { ...strict, minLength: 8 }).map((r) => r.rule)).not.toContain("mailLength");
  });
});
