import { describe, expect, test } from "vitest";
import { usernamesFromCsv } from "./csv";

describe("usernamesFromCsv", () => {
  test("takes the first column, skips a header, blank lines and a byte-order mark", () => {
    expect(usernamesFromCsv("\uFEFFusername,displayName\r\nivanov,Иван Иванов\n\n petrova ,\"Петрова, Анна\"\n")).toEqual(["ivanov", "petrova"]);
  });
  test("a file without a header keeps its first row", () => {
    expect(usernamesFromCsv("ivanov\npetrova")).toEqual(["ivanov", "petrova"]);
  });
});
