// The forwarding policy's three variables: safe defaults, lists parsed, bad values named.
import { expect, test } from "vitest";
import { parseEnv } from "../env";

test("defaults: forwarding inside the company only, 5 targets", () => {
  const result = parseEnv({});
  if (!result.ok) throw new Error(result.problems.join("\n"));
  expect(result.config).toMatchObject({ FORWARDING_EXTERNAL: "deny", FORWARDING_ALLOWED_DOMAINS: [], FORWARDING_MAX_TARGETS: 5 });
});

test("values are parsed and checked", () => {
  const ok = parseEnv({ FORWARDING_EXTERNAL: "allow", FORWARDING_ALLOWED_DOMAINS: " Partner.Example, ,sub.example.org ", FORWARDING_MAX_TARGETS: "3" });
  if (!ok.ok) throw new Error(ok.problems.join("\n"));
  expect(ok.config).toMatchObject({ FORWARDING_EXTERNAL: "allow", FORWARDING_ALLOWED_DOMAINS: ["partner.example", "sub.example.org"], FORWARDING_MAX_TARGETS: 3 });
  const bad = parseEnv({ FORWARDING_EXTERNAL: "yes", FORWARDING_ALLOWED_DOMAINS: "partner.example,not a domain", FORWARDING_MAX_TARGETS: "0" });
  expect(bad.ok).toBe(false);
  if (bad.ok) return;
  expect(bad.problems.map((p) => p.split(/[.:]/)[0])).toEqual(expect.arrayContaining(["FORWARDING_EXTERNAL", "FORWARDING_ALLOWED_DOMAINS", "FORWARDING_MAX_TARGETS"]));
});

test("VACATION_DAYS: one reply per sender per day by default, 1–365", () => {
  const defaults = parseEnv({});
  if (!defaults.ok) throw new Error(defaults.problems.join("\n"));
  expect(defaults.config.VACATION_DAYS).toBe(1);
  const week = parseEnv({ VACATION_DAYS: "7" });
  expect(week.ok && week.config.VACATION_DAYS).toBe(7);
  for (const bad of ["0", "366", "1.5", "often"]) {
    const result = parseEnv({ VACATION_DAYS: bad });
    expect(result.ok ? [] : result.problems.map((p) => p.split(":")[0]), bad).toEqual(["VACATION_DAYS"]);
  }
});
