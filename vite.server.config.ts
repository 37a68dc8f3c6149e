import { defineConfig } from "vite";

// The server for `npm start`: server/start.ts bundled into dist/server/start.js (plain JavaScript, no tsx at run time).
// An SSR build keeps every package from node_modules external (imported at run time, native modules included); the
// code of this repository is bundled, and what is imported on demand becomes a chunk loaded on first use: the demo's
// Mailcow emulator and mailstack probe (demo mode only), mail rendering and sending, and server/on-demand.ts's
// modules (mail-app set-up documents; its packages, like papaparse, are imported at that point too).
export default defineConfig({
  // No public/ folder and no index.html: only the server's own modules.
  publicDir: false,
  logLevel: "warn",
  build: {
    ssr: "server/start.ts",
    outDir: "dist/server",
    emptyOutDir: true,
    target: "node20",
    sourcemap: true,
    minify: false,
    reportCompressedSize: false,
    rolldownOptions: { output: { entryFileNames: "[name].js", chunkFileNames: "chunks/[name]-[hash].js" } },
  },
  ssr: { target: "node" },
});
