// Machine description and docs/benchmarks.md sections. `npm run bench` and `npm run bench:crash` each own one
// section of the file (between markers), so running one keeps the other's last results.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./server-process";

export const BENCHMARKS_MD = path.join(ROOT, "docs", "benchmarks.md");

export function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown CPU";
  const memGiB = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${model}, ${cpus.length} logical CPUs, ${memGiB} GiB RAM, ${os.type()} ${os.release()} (${os.arch()}); Node ${process.version}`;
}

export const today = () => new Date().toISOString().replace("T", " ").slice(0, 16) + " UTC";

const HEADER = `# Benchmarks

Measured by \`npm run bench\` (figures) and \`npm run bench:crash\` (crash test); each rewrites its own section of
this file and leaves the rest alone. Every figure is a ratio against a baseline measured in the same run.
`;

/**
 * Replaces (or appends) the section between `<!-- name:start -->` and `<!-- name:end -->`; the rest of the file
 * (the method and the analysis, written by hand) stays as it is.
 */
export function writeSection(name: string, body: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  let text = existsSync(BENCHMARKS_MD) ? readFileSync(BENCHMARKS_MD, "utf8") : HEADER;
  const block = `${start}\n${body.trim()}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from !== -1 && to !== -1) text = text.slice(0, from) + block + text.slice(to + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(BENCHMARKS_MD, `${text.trimEnd()}\n`);
}

/** A plain-text table for the terminal and a Markdown one for the docs, from the same rows. */
export function tables(head: string[], rows: string[][]): { text: string; markdown: string } {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  const text = [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
  const md = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  const markdown = [md(head), md(head.map(() => "---")), ...rows.map(md)].join("\n");
  return { text, markdown };
}
