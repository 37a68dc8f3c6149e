import { describe, expect, test } from "vitest";
import { createTranslator } from "../i18n/core";
import { formatBytes } from "./format-bytes";

describe("formatBytes", () => {
  test("picks a readable unit and localises it", () => {
    const en = createTranslator("en").formatNumber;
    expect(formatBytes(0, en)).toBe("0 kB");
    expect(formatBytes(512, en)).toBe("0.5 kB");
    expect(formatBytes(1536, en)).toBe("1.5 kB");
    expect(formatBytes(12.34 * 1024 ** 2, en)).toBe("12 MB");
    expect(formatBytes(1024 ** 3, en)).toBe("1 GB");
    expect(formatBytes(1024 ** 3, createTranslator("ru").formatNumber)).toBe("1 ГБ");
  });
});
