// Runs before every test file (vite.config.ts → test.setupFiles).
// A stray console.error in a test run means something went wrong that no assertion caught: fail loudly.
import { afterEach, beforeEach, vi } from "vitest";

let errors: unknown[][] = [];
const original = console.error;

beforeEach(() => {
  errors = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errors.push(args);
    original(...args);
  });
});

afterEach(() => {
  vi.mocked(console.error).mockRestore();
  if (errors.length > 0) {
    throw new Error(`console.error was called during the test:\n${errors.map((a) => a.map(String).join(" ")).join("\n")}`);
  }
});
