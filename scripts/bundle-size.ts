// Prints the gzip size of the JavaScript a first visit to /mail loads and fails above the budget.
// Reads Vite's manifest (build.manifest) and follows static `imports` (what the browser loads or
// modulepreloads at once) from the HTML entry and from the lazy route modules the /mail visit runs:
// the app layout and the mail screen. Chunks a route only loads later (`dynamicImports`, e.g. the
// password forms) are listed separately and not counted.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Manifest } from "vite";

const BUDGET_BYTES = 120 * 1000;
const OUT_DIR = path.resolve(import.meta.dirname, "..", "dist", "client");
const ROUTE_MODULES = ["client/routes/app-layout.tsx", "client/routes/mail.tsx"];

const manifest = JSON.parse(readFileSync(path.join(OUT_DIR, ".vite", "manifest.json"), "utf8")) as Manifest;
const entry = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
if (!entry) throw new Error("The manifest has no entry: is build.manifest on?");
for (const key of ROUTE_MODULES) if (!manifest[key]) throw new Error(`${key} is not in the manifest: is it still a lazy route?`);

/** The chunk and everything it imports statically, depth first, each once. */
function collect(key: string, seen: Set<string>): void {
  if (seen.has(key)) return;
  const chunk = manifest[key];
  if (!chunk) throw new Error(`The manifest has no ${key}`);
  seen.add(key);
  for (const imported of chunk.imports ?? []) collect(imported, seen);
}

const firstVisit = new Set<string>();
for (const key of [entry, ...ROUTE_MODULES]) collect(key, firstVisit);

const later = new Set<string>();
for (const key of ROUTE_MODULES) {
  for (const dynamic of manifest[key]?.dynamicImports ?? []) collect(dynamic, later);
}
for (const key of firstVisit) later.delete(key);

const gzipSize = (file: string) => gzipSync(readFileSync(path.join(OUT_DIR, file)), { level: 9 }).length;
const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`;

function report(keys: Set<string>): number {
  const rows = [...keys].map((key) => ({ file: manifest[key]?.file ?? key, size: gzipSize(manifest[key]?.file ?? key) }));
  rows.sort((a, b) => b.size - a.size);
  for (const row of rows) console.log(`  ${kB(row.size).padStart(10)}  ${row.file}`);
  return rows.reduce((sum, row) => sum + row.size, 0);
}

console.log("JavaScript a first visit to /mail loads (gzip):");
const total = report(firstVisit);
console.log(`  ${kB(total).padStart(10)}  total (budget ${kB(BUDGET_BYTES)})`);
if (later.size) {
  console.log("Loaded later by the mail screen, on demand (not counted):");
  report(later);
}
if (total > BUDGET_BYTES) {
  console.error(`Over budget by ${kB(total - BUDGET_BYTES)}: see docs in scripts/bundle-size.ts`);
  process.exit(1);
}
