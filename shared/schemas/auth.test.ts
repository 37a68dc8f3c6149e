import { describe, expect, test } from "vitest";
import { DisplayNameSchema, isReservedUsername, UsernameSchema } from "./auth";

const codes = (value: string) => {
  const result = UsernameSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
};

describe("reserved names", () => {
  test.each(["admin", "admin-", "-admin", "sysadmin", "webadmin", "admin2", "post.master", "post_master", "mailerdaemon", "mailer.daemon", "no.reply", "hostmaster-team"])(
    "%j is refused",
    (name) => {
      expect(codes(name).some((c) => c === "username.reserved" || c === "username.edges" || c === "username.dots")).toBe(true);
    },
  );

  test.each([".ada", "ada.", "_ada", "ada_", "-ada", "ada-"])("%j (a separator at an edge) is refused", (name) => {
    expect(codes(name).length).toBeGreaterThan(0);
  });

  test.each(["ada", "ada.lovelace", "badminton", "ada_l", "ivan-petrov", "m.admiral"])("%j is accepted", (name) => {
    expect(codes(name)).toEqual([]);
  });

  test("the operator's extra names are compared the same way", () => {
    expect(isReservedUsername("di.rector", ["Director"])).toBe(true);
    expect(isReservedUsername("directory", ["director"])).toBe(false);
    expect(isReservedUsername("director")).toBe(false);
  });
});

describe("display names", () => {
  test.each(["a\u0000b", "a\u0007", "\u202Eabc", "a\u2066b\u2069", "a\u200Fb", "a\u2028b", "a\u0085b", "a\uD800b"])("%j is refused", (name) => {
    const result = DisplayNameSchema.safeParse(name);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("displayName.control");
  });

  test.each(["Ада Лавлейс", "Ada Lovelace 😀", "عربي", "Zoë O'Brien"])("%j is accepted", (name) => {
    expect(DisplayNameSchema.safeParse(name).success).toBe(true);
  });
});
