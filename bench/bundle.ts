// JavaScript a first visit to /mail loads, gzip: the client is built with Vite into a temporary folder (dist/client
// is left alone: a running server may be serving it) and measured by scripts/bundle-size.ts, the project's own
// budget check (entry + the /mail route modules + their static imports). The baseline, built the same way in the
// same run, is the floor of the stack: React, react-dom, React Router, React Query and tRPC rendering one route (bench/fixtures/floor).
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { build, type Manifest } from "vite";
import { tempDir } from "./lib/environment";
import { ROOT } from "./lib/server-process";

export interface BundleResult {
  mailKb: number;
  floorKb: number;
  ratio: number;
  budgetKb: number | null;
  files: number;
}

function viteBuild(outDir: string) {
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "error"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
}

/** gzip (level 9, as scripts/bundle-size.ts) of an entry chunk and everything it imports statically. */
function entryGzipBytes(outDir: string): { bytes: number; files: number } {
  const manifest = JSON.parse(readFileSync(path.join(outDir, ".vite", "manifest.json"), "utf8")) as Manifest;
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imported of manifest[key]?.imports ?? []) visit(imported);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  let bytes = 0;
  for (const key of seen) bytes += gzipSync(readFileSync(path.join(outDir, manifest[key]!.file)), { level: 9 }).length;
  return { bytes, files: seen.size };
}

export async function benchBundle(): Promise<BundleResult> {
  // The client, measured by the project's script: a copy of it under <tmp>/scripts reads <tmp>/dist/client.
  const dir = tempDir("bundle");
  const outDir = path.join(dir, "dist", "client");
  viteBuild(outDir);
  const script = path.join(ROOT, "scripts", "bundle-size.ts");
  let mailBytes: number;
  let budgetKb: number | null = null;
  let files = 0;
  if (existsSync(script)) {
    mkdirSync(path.join(dir, "scripts"));
    copyFileSync(script, path.join(dir, "scripts", "bundle-size.ts"));
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, "scripts", "bundle-size.ts")], { cwd: ROOT, encoding: "utf8" });
    const total = /([\d.]+) kB\s+total \(budget ([\d.]+) kB\)/.exec(run.stdout);
    if (!total) throw new Error(`scripts/bundle-size.ts printed no total:\n${run.stdout}\n${run.stderr}`);
    mailBytes = Number(total[1]) * 1000;
    budgetKb = Number(total[2]);
    const section = run.stdout.split("Loaded later")[0] ?? "";
    files = (section.match(/\.js$/gm) ?? []).length;
  } else {
    // No script (yet): the entry and its static imports, which is what the HTML loads before any route.
    const measured = entryGzipBytes(outDir);
    mailBytes = measured.bytes;
    files = measured.files;
  }

  const floorDir = path.join(dir, "floor");
  await build({
    configFile: false,
    root: path.join(ROOT, "bench", "fixtures", "floor"),
    logLevel: "error",
    plugins: [react()],
    build: { outDir: floorDir, emptyOutDir: true, manifest: true },
  });
  const floor = entryGzipBytes(floorDir);
  return { mailKb: mailBytes / 1000, floorKb: floor.bytes / 1000, ratio: mailBytes / floor.bytes, budgetKb, files };
}
