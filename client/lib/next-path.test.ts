import { describe, expect, test } from "vitest";
import { loginUrlFor, safeNextPath } from "./next-path";

describe("safeNextPath", () => {
  test("keeps paths on this site", () => {
    expect(safeNextPath("/mail")).toBe("/mail");
    expect(safeNextPath("/mail?tab=2#top")).toBe("/mail?tab=2#top");
  });

  test("refuses other origins and odd forms", () => {
    for (const value of ["https://evil.example/", "//evil.example", "/\\evil.example", "mail", "javascript:alert(1)", "", null]) {
      expect(safeNextPath(value), String(value)).toBeNull();
    }
  });

  test("normalises first, then refuses what is no longer a same-origin path", () => {
    for (const value of [
      "/..//evil.example/phish",
      "/./..//evil.example",
      "/a/../..//evil.example",
      "/%2e%2e//evil.example/phish",
      "/.%2e//evil.example",
      "/..\\evil.example",
      "/mail\\..\\..\\/evil.example",
      "/\tevil.example",
      "/\u0000//evil.example",
    ]) {
      expect(safeNextPath(value), JSON.stringify(value)).toBeNull();
    }
    expect(safeNextPath("/mail/../mail?x=1")).toBe("/mail?x=1");
    expect(safeNextPath("/mail/%2F%2Fevil.example")).toBe("/mail/%2F%2Fevil.example");
  });

  test("does not bounce back to the sign-in pages", () => {
    expect(safeNextPath("/login")).toBeNull();
    expect(safeNextPath("/logout")).toBeNull();
  });
});

describe("loginUrlFor", () => {
  test("remembers where the visitor was going", () => {
    expect(loginUrlFor({ pathname: "/mail", search: "" })).toBe("/login?next=%2Fmail");
    expect(loginUrlFor({ pathname: "/", search: "" })).toBe("/login");
  });
});
