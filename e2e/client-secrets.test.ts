// The built client carries no server secret. The client is built (Vite, into a temporary folder) with a canary value
// in every secret-looking server variable of the environment; then every file the browser could fetch (JS, source
// maps, HTML, CSS, the manifest) is searched for the canaries and for the variables' names. A `define`, an
// `envPrefix` change or a client import of server/env.ts would put them there. About 2 s of build, so it runs with
// the e2e suite (npm run test:e2e), not in npm test.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { EnvSchema } from "../server/env";

const ROOT = path.resolve(import.meta.dirname, "..");
const SECRET_NAMES = Object.keys(EnvSchema.shape).filter((name) => /KEY|SECRET|PASSWORD|TOKEN/.test(name));
const CANARIES = Object.fromEntries(SECRET_NAMES.map((name) => [name, `canary${randomBytes(12).toString("hex")}`]));
// A well-formed sealing key, so that nothing on the way refuses the environment.
CANARIES.MAILBOX_SECRET_KEY = randomBytes(32).toString("base64");

let outDir: string;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

beforeAll(() => {
  outDir = mkdtempSync(path.join(tmpdir(), "pm-client-build-"));
  const build = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "vite", "bin", "vite.js"), "build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "error"], {
    cwd: ROOT,
    env: { ...process.env, ...CANARIES, MAILCOW_API_URL: "https://mail.canary.test/api/v1", NODE_ENV: "production" },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);
}, 120_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

test("the client was built and its files are searched", () => {
  expect(SECRET_NAMES).toEqual(expect.arrayContaining(["MAILCOW_API_KEY", "MAILBOX_SECRET_KEY"]));
  const files = filesUnder(outDir);
  expect(files.some((file) => file.endsWith(".js"))).toBe(true);
  expect(files.some((file) => file.endsWith(".map"))).toBe(true);
  expect(files.some((file) => file.endsWith("index.html"))).toBe(true);
});

test("no secret value from the build environment, and no secret variable name, is in the built client", () => {
  const found: string[] = [];
  for (const file of filesUnder(outDir)) {
    const text = readFileSync(file, "utf8");
    for (const [name, value] of Object.entries(CANARIES)) {
      if (text.includes(value)) found.push(`${name}'s value in ${path.relative(outDir, file)}`);
      if (text.includes(name)) found.push(`the name ${name} in ${path.relative(outDir, file)}`);
    }
    if (text.includes("mail.canary.test")) found.push(`MAILCOW_API_URL in ${path.relative(outDir, file)}`);
  }
  expect(found).toEqual([]);
});

test("the client that is served (dist/client, when built) names no secret variable either", () => {
  const served = path.join(ROOT, "dist", "client");
  if (!existsSync(served)) return;
  const found = filesUnder(served).flatMap((file) => {
    const text = readFileSync(file, "utf8");
    return SECRET_NAMES.filter((name) => text.includes(name)).map((name) => `${name} in ${path.relative(served, file)}`);
  });
  expect(found).toEqual([]);
});
