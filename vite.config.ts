/// <reference types="vitest/config" />
import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { availableParallelism } from "node:os";
import { defineConfig } from "vite";

// The client is built into dist/client and served by the Fastify server (server/http/app.ts).
// In `npm run dev` Vite serves the client with HMR and proxies the API to the server on :3000.
const apiTarget = `http://127.0.0.1:${process.env.PORT ?? "3000"}`;

/** What a chunk-naming function may ask about the module graph (rolldown's ChunkingContext). */
interface ModuleGraph {
  getModuleInfo(id: string): { isEntry: boolean; importers: readonly string[] } | null;
}

const APP_LAYOUT = /client[\\/]routes[\\/]app-layout\.tsx$/;
// lucide-react's barrel imports every icon, so "reachable" says nothing about an icon: icons go where they are used.
const LUCIDE_ICON = /lucide-react[\\/]dist[\\/]esm[\\/]icons[\\/]/;

/**
 * "shell" for the code every page needs: reachable by static imports from the entry (main.tsx) or from the
 * signed-in layout's route module, whose own code stays a lazy route chunk. One chunk instead of the eight
 * small shared ones Rolldown would cut compresses better (about 2 kB gzip of the /mail budget). Everything
 * only a route, a dialog or a submit needs (zod included) still loads with it.
 */
function shellChunk(id: string, graph: ModuleGraph): string | null {
  if (APP_LAYOUT.test(id) || LUCIDE_ICON.test(id)) return null;
  const seen = new Set<string>();
  const reachable = (moduleId: string): boolean => {
    if (seen.has(moduleId)) return false;
    seen.add(moduleId);
    const info = graph.getModuleInfo(moduleId);
    return !!info && (info.isEntry || APP_LAYOUT.test(moduleId) || info.importers.some(reachable));
  };
  return reachable(id) ? "shell" : null;
}

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: {
    outDir: "dist/client",
    emptyOutDir: true,
    sourcemap: true,
    // scripts/bundle-size.ts reads it to measure what a first visit to /mail loads (budget: 120 kB gzip).
    manifest: true,
    // debugName: a group whose name is a function needs one for the bundler's timing report (else a build warning).
    rolldownOptions: { output: { codeSplitting: { groups: [{ name: shellChunk, debugName: "shell" }] } } },
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
    include: ["server/**/*.test.ts", "tools/**/*.test.ts", "shared/**/*.test.ts", "client/**/*.test.{ts,tsx}"],
    // Tests that need Debian packages (Dovecot) run in `npm run test:e2e` instead.
    exclude: ["**/node_modules/**", "**/*.e2e.test.ts"],
    environment: "node",
    setupFiles: ["server/test/setup.ts"],
    globalSetup: ["server/test/global-temp-dir.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    // Vitest's default in run mode is one worker fewer than the CPUs: a single worker on a 2-core CI machine. The
    // suite is I/O- and import-bound enough that one worker per CPU is ~40 % faster there (150 s → 93 s).
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
