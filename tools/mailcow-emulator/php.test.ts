// PHP behaviours the emulator depends on, checked against what PHP 8.2 returns for the same input.
import { describe, expect, test } from "vitest";
import { hashPassword, meetsPolicy, policyHtml, verifyPassword, DEFAULT_PASSWORD_POLICY } from "./password";
import { empty, intval, isValidDomainName, isValidEmail, looseStringEquals, phpJsonDecode, phpJsonEncode, phpRound } from "./php";

describe("json_encode", () => {
  test("default flags: \\uXXXX for non-ASCII (surrogate pairs for astral), \\/ for slashes, compact", () => {
    expect(phpJsonEncode({ name: "Jösé/Ü", emoji: "😀", ctl: "\u0001\n\t", q: '"\\' })).toBe(
      '{"name":"J\\u00f6s\\u00e9\\/\\u00dc","emoji":"\\ud83d\\ude00","ctl":"\\u0001\\n\\t","q":"\\"\\\\"}',
    );
  });

  test("GET flags: raw UTF-8, 4-space indent, ': ', slashes still escaped, U+2028 escaped", () => {
    expect(phpJsonEncode({ a: "ö/x", b: [1, { c: null }], d: [], e: "\u2028" }, { pretty: true, unescapedUnicode: true })).toBe(
      '{\n    "a": "ö\\/x",\n    "b": [\n        1,\n        {\n            "c": null\n        }\n    ],\n    "d": [],\n    "e": "\\u2028"\n}',
    );
  });

  test("PHP arrays: an empty object is [], sequential numeric keys are a list", () => {
    expect(phpJsonEncode({})).toBe("[]");
    expect(phpJsonEncode({ 0: "a", 1: "b" })).toBe('["a","b"]');
    expect(phpJsonEncode({ 1: "a" })).toBe('{"1":"a"}');
  });

  test("json_decode refuses what PHP refuses: malformed JSON, invalid UTF-8, empty input", () => {
    expect(phpJsonDecode("{bad json")).toBeNull();
    expect(phpJsonDecode("")).toBeNull();
    expect(phpJsonDecode(Buffer.from([0x22, 0xff, 0x22]))).toBeNull();
    expect(phpJsonDecode(' ["a"] ')).toEqual(["a"]);
  });
});

describe("loose PHP values", () => {
  test("intval", () => {
    expect([intval("10"), intval("12abc"), intval("abc"), intval(" 7"), intval("1e3"), intval("1.9"), intval(-5.7)]).toEqual([
      10, 12, 0, 7, 1000, 1, -5,
    ]);
    expect([intval(true), intval(null), intval(undefined), intval([]), intval(["x"]), intval("0x1A")]).toEqual([1, 0, 0, 0, 1, 0]);
  });

  test("empty and loose string equality", () => {
    expect([empty("0"), empty(""), empty(0), empty([]), empty({}), empty(null), empty(" "), empty("00")]).toEqual([
      true, true, true, true, true, true, false, false,
    ]);
    expect(looseStringEquals("1e3", "1000")).toBe(true);
    expect(looseStringEquals("abc", "ABC")).toBe(false);
  });

  test("round half away from zero", () => {
    expect([phpRound(2.5), phpRound(-2.5), phpRound(77.5), phpRound(-0.2)]).toEqual([3, -3, 78, 0]);
  });
});

describe("address and domain syntax", () => {
  test("FILTER_VALIDATE_EMAIL", () => {
    for (const ok of ["jo@example.org", "o'brien@example.org", "a.b+c@sub.example.org", "x@xn--mnchen-3ya.de", `${"a".repeat(64)}@example.org`]) {
      expect(isValidEmail(ok), ok).toBe(true);
    }
    for (const bad of ["an on@example.org", "@example.org", "x@bad_domain!", ".a@example.org", "a..b@example.org", "jö@example.org", `${"a".repeat(65)}@example.org`, "jo@example", "notanemail"]) {
      expect(isValidEmail(bad), bad).toBe(false);
    }
  });

  test("is_valid_domain_name", () => {
    expect(["example.org", "a-b.example", "xn--mnchen-3ya.de", "münchen.de", "localhost"].every(isValidDomainName)).toBe(true);
    expect(["", "bad_domain!", "-a.example", "a..b", `${"a".repeat(64)}.example`].some(isValidDomainName)).toBe(false);
  });
});

describe("passwords", () => {
  test("{SSHA256} hashes verify, differ per salt, and pre-hashed input is kept", () => {
    const a = hashPassword("secret1");
    const b = hashPassword("secret1");
    expect(a).toMatch(/^\{SSHA256\}[A-Za-z0-9+/]+=*$/);
    expect(a).not.toBe(b);
    expect(verifyPassword(a, "secret1")).toBe(true);
    expect(verifyPassword(a, "secret2")).toBe(false);
    expect(hashPassword("{BLF-CRYPT}$2y$10$abc")).toBe("{BLF-CRYPT}$2y$10$abc");
    expect(verifyPassword("{BLF-CRYPT}$2y$10$abc", "x")).toBe(false);
  });

  test("policy text and checks", () => {
    expect(meetsPolicy("12345", DEFAULT_PASSWORD_POLICY)).toBe(false);
    expect(meetsPolicy("123456", DEFAULT_PASSWORD_POLICY)).toBe(true);
    expect(policyHtml({ length: 8, chars: 0, special_chars: 1, lowerupper: 0, numbers: 1 })).toBe(
      '<p class="help-block small">- Minimum password length is 8<br>- Must contain special characters<br>- Must contain at least one number</p>',
    );
  });
});
