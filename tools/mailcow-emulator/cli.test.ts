// `npm run mailcow:emulator`: starts from flags, creates the database directory, prints what a client needs, and
// stops cleanly on SIGTERM.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, test } from "vitest";
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

  const started = Date.now();
  while (!/API key \(ro\)/.test(output) && Date.now() - started < 15_000 && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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
