// `npm run mailcow:emulator`: starts from flags, creates the database directory, prints what a client needs, and
// stops cleanly on SIGTERM.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test, vi } from "vitest";
import { rawRequest } from "./test-support";

const dir = mkdtempSync(join(tmpdir(), "mailcow-emulator-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the CLI serves the API until SIGTERM", async () => {
  const databasePath = join(dir, "nested", "emulator.db");
  const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
  const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));
  const child = spawn(tsx, [cli, "--port", "0", "--db", databasePath, "--domain", "corp.example", "--api-key", "cli-key-1", "--read-only-key", "none"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  // Started when it has printed its keys (or it exited, which the assertions below then show with its output).
  await vi.waitFor(
    () => {
      if (!/API key \(ro\)/.test(output) && child.exitCode === null) throw new Error("not started yet");
    },
    { timeout: 15_000, interval: 50 },
  );
  const url = /listening on (\S+)/.exec(output)?.[1];
  expect(url, output).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
  expect(output).toContain("domain:        corp.example");
  expect(output).toContain("API key (rw):  cli-key-1");
  expect(output).toContain("API key (ro):  (none)");
  expect(existsSync(databasePath)).toBe(true);

  const response = await rawRequest(`${url}/get/domain/corp.example`, { headers: { "X-API-Key": "cli-key-1" } });
  expect(JSON.parse(response.body)).toMatchObject({ domain_name: "corp.example" });

  child.kill("SIGTERM");
  expect(await exited).toBe(0);
});

// Each test starts tsx once; under a loaded machine that alone may take several seconds.
const CLI_TIMEOUT_MS = 60_000;
const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));

test("--seed starts from a seed file's state", async () => {
  const seed = fileURLToPath(new URL("./seeds/recorded-start.json", import.meta.url));
  const child = spawn(tsx, [cli, "--port", "0", "--db", ":memory:", "--seed", seed], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await vi.waitFor(() => expect(output).toMatch(/API key \(ro\)/), { timeout: CLI_TIMEOUT_MS - 5_000, interval: 50 });
  const url = /listening on (\S+)/.exec(output)?.[1] as string;
  expect(output).toContain("domain:        example.org");
  expect(output).toContain("API key (rw):  A1B2C3-D4E5F6-0A1B2C-3D4E5F-6A7B8C");
  const small = await rawRequest(`${url}/get/domain/alias.example`, { headers: { "X-API-Key": "A1B2C3-D4E5F6-0A1B2C-3D4E5F-6A7B8C" } });
  expect(JSON.parse(small.body)).toMatchObject({ domain_name: "example.org", max_quota_for_domain: 2560 * 1_048_576 });
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
}, CLI_TIMEOUT_MS);

test("--seed refuses a bad file with every problem named", async () => {
  const bad = join(dir, "bad-seed.json");
  writeFileSync(bad, JSON.stringify({ domains: [{ domain: "bad domain", defquota: 5000, maxquota: 100 }], mailboxes: [{ address: "x@nowhere.example" }] }));
  const failed = spawn(tsx, [cli, "--port", "0", "--db", ":memory:", "--seed", bad], { stdio: ["ignore", "pipe", "pipe"] });
  let errors = "";
  failed.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => failed.once("exit", (c) => resolve(c)));
  expect(code).toBe(1);
  expect(errors).toContain(`The seed file ${bad} is not a valid emulator seed:`);
  expect(errors).toContain("domains.0.domain: not a valid domain name");
  expect(errors).toContain("mailboxes.0.address: domain nowhere.example is not in domains");
}, CLI_TIMEOUT_MS);
