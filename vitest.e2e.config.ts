import { defineConfig } from "vitest/config";

// Tests that need Debian packages (Chromium, Dovecot). Run with `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts", "server/**/*.e2e.test.ts", "tools/**/*.e2e.test.ts"],
    environment: "node",
    globalSetup: ["server/test/global-temp-dir.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
