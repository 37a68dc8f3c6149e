// The platform's prefilter: escaping, validation and the size limit (no Dovecot needed). What the scripts DO is
// proven with Pigeonhole's sieve-test in sieve.e2e.test.ts (npm run test:e2e).
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  buildPlatformScript,
  checkForwardingTargets,
  isPlatformFilter,
  normalizeAddress,
  PLATFORM_FILTER_DESC,
  SIEVE_MAX_BYTES,
  sieveString,
  type ForwardingPolicy,
  type VacationSettings,
} from "./sieve";

const policy: ForwardingPolicy = {
  mailbox: "ann@example.org",
  aliases: ["ann.lovelace@example.org"],
  companyDomain: "example.org",
  maxTargets: 5,
  external: "deny",
  allowedDomains: ["partner.example"],
};
const vacation: VacationSettings = { subject: "Away", message: "Back on Monday.", days: 1, addresses: ["ann@example.org"] };

/** Reads a Sieve quoted string back the way RFC 5228 2.4.2 defines it (a backslash takes the next character). */
function unquote(quoted: string): string {
  expect(quoted.startsWith('"') && quoted.endsWith('"')).toBe(true);
  let out = "";
  for (let i = 1; i < quoted.length - 1; i++) {
    const c = quoted[i]!;
    if (c === "\\") out += quoted[++i];
    else {
      expect(c).not.toBe('"');
      out += c;
    }
  }
  return out;
}

describe("the marker", () => {
  test("the platform's description is recognised; others and near misses are not", () => {
    expect(isPlatformFilter(PLATFORM_FILTER_DESC)).toBe(true);
    expect(isPlatformFilter("platform-mail: anything")).toBe(true);
    for (const other of ["vacation", "forward-copy", " platform-mail:", "Platform-Mail: x", "platform-mail", "", null, undefined, 42]) {
      expect(isPlatformFilter(other)).toBe(false);
    }
    expect(PLATFORM_FILTER_DESC).toMatch(/^[\x20-\x7e]{1,255}$/);
  });
});

describe("sieveString", () => {
  test("escapes quotes and backslashes, keeps newlines and non-ASCII, drops control characters", () => {
    expect(sieveString('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
    expect(sieveString("a\r\nb\rc\nd")).toBe('"a\nb\nc\nd"');
    expect(sieveString("Привет, 日本 🎉")).toBe('"Привет, 日本 🎉"');
    expect(sieveString("a\u0000b\u0007c\u001bd\te")).toBe('"abcd\te"');
    expect(sieveString('"; discard; "')).toBe('"\\"; discard; \\""');
  });

  test("any text reads back unchanged (line ends normalised, control characters dropped)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        // oxlint-disable-next-line no-control-regex
        const expected = text.replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
        expect(unquote(sieveString(text))).toBe(expected);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});

describe("addresses and the forwarding policy", () => {
  test("normalizeAddress: plain addresses only, lower-cased", () => {
    expect(normalizeAddress("  Ann.Lovelace+x@Example.ORG ")).toBe("ann.lovelace+x@example.org");
    for (const bad of ["", "ann", "@example.org", "ann@", "ann@example", "a..b@example.org", ".a@example.org", '"a b"@example.org',
      "ann@[127.0.0.1]", "Ann <ann@example.org>", "ann@exa mple.org", "anna@пример.рф", "ann@exa\nmple.org", `${"a".repeat(65)}@example.org`,
      'x"@example.org', "a\\b@example.org", "a@b@example.org"]) {
      expect(normalizeAddress(bad), bad).toBeNull();
    }
  });

  test("valid targets pass, normalised; the company's domain is always internal", () => {
    expect(checkForwardingTargets([" Bob@Example.org ", "x@partner.example"], policy)).toEqual({ ok: true, targets: ["bob@example.org", "x@partner.example"] });
  });

  test("every problem is reported with its position and a code", () => {
    const result = checkForwardingTargets(["nope", "ANN@example.org", "ann.lovelace@example.org", "bob@example.org", "bob@example.org", "x@evil.example", "x@sub.partner.example"], { ...policy, maxTargets: 10 });
    expect(result).toEqual({
      ok: false,
      code: "targets",
      problems: [
        { index: 0, address: "nope", code: "invalid_address" },
        { index: 1, address: "ANN@example.org", code: "self" },
        { index: 2, address: "ann.lovelace@example.org", code: "own_alias" },
        { index: 4, address: "bob@example.org", code: "duplicate" },
        { index: 5, address: "x@evil.example", code: "external_not_allowed" },
        { index: 6, address: "x@sub.partner.example", code: "external_not_allowed" },
      ],
    });
  });

  test("FORWARDING_EXTERNAL=allow lets any domain through; the count is limited either way", () => {
    expect(checkForwardingTargets(["x@evil.example"], { ...policy, external: "allow" })).toEqual({ ok: true, targets: ["x@evil.example"] });
    expect(checkForwardingTargets([], policy)).toEqual({ ok: false, code: "no_targets", max: 5 });
    const six = Array.from({ length: 6 }, (_, i) => `u${i}@example.org`);
    expect(checkForwardingTargets(six, policy)).toEqual({ ok: false, code: "too_many", max: 5 });
    expect(checkForwardingTargets(six, { ...policy, maxTargets: 6 }).ok).toBe(true);
  });
});

describe("buildPlatformScript", () => {
  test("forwarding with a kept copy: require copy, redirect :copy, no stop", () => {
    const result = buildPlatformScript({ forwarding: { to: ["a@x.example", "b@y.example"], keepCopy: true } });
    if (!("script" in result)) throw new Error(JSON.stringify(result));
    expect(result.script).toContain('require ["copy"];\n');
    expect(result.script).toContain('redirect :copy "a@x.example";\nredirect :copy "b@y.example";\n');
    expect(result.script).not.toMatch(/\bstop;|vacation/);
    expect(result.bytes).toBe(Buffer.byteLength(result.script));
  });

  test("forwarding without a copy: redirect then stop, and no empty require list", () => {
    const result = buildPlatformScript({ forwarding: { to: ["a@x.example"], keepCopy: false } });
    if (!("script" in result)) throw new Error(JSON.stringify(result));
    expect(result.script).not.toContain("require");
    expect(result.script).toMatch(/redirect "a@x\.example";\nstop;\n$/);
  });

  test("vacation: days, addresses, subject on one line, dates with zone, list and auto-submitted mail skipped", () => {
    const result = buildPlatformScript({
      vacation: { ...vacation, subject: "Out of\r\n office ", days: 3, from: "2026-12-20", until: "2027-01-06", zone: "+0300", replyFrom: "Ann@Example.org", addresses: ["ann@example.org", "ANN@example.org", "ann.lovelace@example.org"] },
    });
    if (!("script" in result)) throw new Error(JSON.stringify(result));
    const s = result.script;
    expect(s).toContain('require ["vacation", "date", "relational"];');
    expect(s).toContain('vacation :days 3 :addresses ["ann@example.org", "ann.lovelace@example.org"] :from "ann@example.org" :subject "Out of office"');
    expect(s).toContain('currentdate :zone "+0300" :value "ge" "date" "2026-12-20"');
    expect(s).toContain('currentdate :zone "+0300" :value "le" "date" "2027-01-06"');
    for (const skip of ['exists "list-id"', 'exists "list-unsubscribe"', 'header :is "precedence" ["bulk", "list", "junk"]', 'not header :is "auto-submitted" "no"']) {
      expect(s).toContain(skip);
    }
  });

  test("vacation without dates needs neither date nor relational", () => {
    const result = buildPlatformScript({ vacation });
    if (!("script" in result)) throw new Error(JSON.stringify(result));
    expect(result.script).toContain('require ["vacation"];');
    expect(result.script).not.toContain("currentdate");
  });

  test("hostile text stays inside its string: the script's commands are the same whatever the user typed", () => {
    const hostile = '"; discard; redirect "evil@x.example"; "\\\nstop;\n}\r\n# ${hex:41} Ünïcødé';
    const result = buildPlatformScript({ vacation: { ...vacation, subject: hostile, message: hostile } });
    const plain = buildPlatformScript({ vacation: { ...vacation, subject: "s", message: "m" } });
    if (!("script" in result) || !("script" in plain)) throw new Error("not built");
    // Remove every quoted string: what remains (the commands) must be identical.
    const skeleton = (script: string) => script.replace(/"(?:[^"\\]|\\.)*"/gs, '""');
    expect(skeleton(result.script)).toBe(skeleton(plain.script));
  });

  test("typed errors", () => {
    expect(buildPlatformScript({})).toEqual({ error: { code: "empty" } });
    expect(buildPlatformScript({ forwarding: { to: ['x"@example.org'], keepCopy: true } })).toEqual({ error: { code: "invalid_target", address: 'x"@example.org' } });
    expect(buildPlatformScript({ forwarding: { to: [], keepCopy: true } })).toEqual({ error: { code: "invalid_target", address: "" } });
    expect(buildPlatformScript({ vacation: { ...vacation, subject: " \n " } })).toEqual({ error: { code: "vacation_subject_empty" } });
    expect(buildPlatformScript({ vacation: { ...vacation, message: "\n" } })).toEqual({ error: { code: "vacation_message_empty" } });
    expect(buildPlatformScript({ vacation: { ...vacation, days: 0 } })).toMatchObject({ error: { code: "vacation_days" } });
    expect(buildPlatformScript({ vacation: { ...vacation, days: 1.5 } })).toMatchObject({ error: { code: "vacation_days" } });
    expect(buildPlatformScript({ vacation: { ...vacation, from: "2026-02-30" } })).toEqual({ error: { code: "invalid_date", field: "from" } });
    expect(buildPlatformScript({ vacation: { ...vacation, until: "26-01-01" } })).toEqual({ error: { code: "invalid_date", field: "until" } });
    expect(buildPlatformScript({ vacation: { ...vacation, from: "2026-02-02", until: "2026-02-01" } })).toEqual({ error: { code: "date_order" } });
    expect(buildPlatformScript({ vacation: { ...vacation, zone: "Europe/Berlin" } })).toEqual({ error: { code: "invalid_zone" } });
    expect(buildPlatformScript({ vacation: { ...vacation, addresses: ["nope"] } })).toEqual({ error: { code: "invalid_address", address: "nope" } });
    expect(buildPlatformScript({ vacation: { ...vacation, replyFrom: "nope" } })).toEqual({ error: { code: "invalid_address", address: "nope" } });
  });

  test("the limit is 65,535 BYTES of UTF-8, not characters", () => {
    const base = buildPlatformScript({ vacation: { ...vacation, message: "x" } });
    if (!("script" in base)) throw new Error("not built");
    const room = SIEVE_MAX_BYTES - base.bytes + 1; // bytes left for the message (it already holds one)
    const fits = buildPlatformScript({ vacation: { ...vacation, message: "x".repeat(room) } });
    expect(fits).toMatchObject({ bytes: SIEVE_MAX_BYTES });
    expect(buildPlatformScript({ vacation: { ...vacation, message: "x".repeat(room + 1) } })).toEqual({ error: { code: "too_long", bytes: SIEVE_MAX_BYTES + 1, max: SIEVE_MAX_BYTES } });
    // "ж" is two bytes: half as many characters reach the same limit.
    const cyrillic = buildPlatformScript({ vacation: { ...vacation, message: "ж".repeat(Math.ceil((room + 1) / 2)) } });
    expect(cyrillic).toMatchObject({ error: { code: "too_long" } });
  });
});
