/// <reference types="vitest/config" />
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The client is built into dist/client and served by the Fastify server (server/http/app.ts).
// In `npm run dev` Vite serves the client with HMR and proxies the API to the server on :3000.
const apiTarget = `http://127.0.0.1:${process.env.PORT ?? "3000"}`;

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: {
    outDir: "dist/client",
    emptyOutDir: true,
    sourcemap: true,
    // scripts/bundle-size.ts reads it to measure what a first visit to /mail loads.
    manifest: true,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      "/trpc": { target: apiTarget },
      "/healthz": { target: apiTarget },
      "/readyz": { target: apiTarget },
      "/.well-known": { target: apiTarget },
      "/mail/config-v1.1.xml": { target: apiTarget },
      "/api": { target: apiTarget },
    },
  },
  test: {
    include: ["server/**/*.test.ts", "shared/**/*.test.ts", "client/**/*.test.{ts,tsx}"],
    environment: "node",
    setupFiles: ["server/test/setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
  },
});
