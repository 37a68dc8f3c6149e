// The doctor against the emulator: a healthy Mailcow, each way a setup goes wrong, and each emulator fault.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { useMailcowEmulator } from "../../server/test/use-mailcow-emulator";
import { runDoctor, type DoctorReport, type Verdict } from "./doctor";
import { formatReport } from "./format";

const mailcow = useMailcowEmulator({ slowMs: 2_000 });

function env(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    MAILCOW_API_URL: mailcow.emulator.url,
    MAILCOW_API_KEY: mailcow.emulator.apiKey,
    MAILCOW_DOMAIN: mailcow.emulator.domain,
    MAILCOW_TIMEOUT_MS: "2000",
    ...overrides,
  };
}

function verdicts(report: DoctorReport): Record<string, Verdict> {
  return Object.fromEntries(report.checks.map((c) => [c.id, c.verdict]));
}

function check(report: DoctorReport, id: string) {
  const found = report.checks.find((c) => c.id === id);
  expect(found, id).toBeDefined();
  return found!;
}

function expectNoKey(report: DoctorReport, key: string) {
  expect(JSON.stringify(report)).not.toContain(key);
  expect(formatReport(report)).not.toContain(key);
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test("a healthy Mailcow: every check ok, exit 0, key never shown", async () => {
  const before = mailcow.emulator.stats().writes;
  const report = await runDoctor({ env: env() });
  expect(verdicts(report)).toEqual({
    "env.api_url": "ok",
    "env.api_key": "ok",
    "env.domain": "ok",
    "env.mailcow_timeout_ms": "ok",
    "env.mailbox_quota_mib": "ok",
    "mailcow.reach": "ok",
    "mailcow.key_access": "ok",
    "mailcow.domain": "ok",
    "mailcow.room": "ok",
    "mailcow.signup_headroom": "ok",
    "mailcow.password_policy": "ok",
  });
  expect(report).toMatchObject({ ok: true, exitCode: 0, mailcow: { keyAccess: "read-write", version: expect.any(String) } });
  expect(check(report, "mailcow.password_policy").summary).toBe("at least 6 characters");
  expect(report.configuration).toContainEqual({ name: "MAILBOX_QUOTA_MIB", value: "1024", source: "default" });
  expectNoKey(report, mailcow.emulator.apiKey);
  expect(formatReport(report)).toMatch(/^Ready: /m);
  // The key probe is an edit of a mailbox that does not exist: nothing was created.
  expect(mailcow.emulator.stats().writes - before).toBeLessThanOrEqual(1);
  expect((await runDoctor({ env: env() })).mailcow.domain?.mailboxCount).toBe(0);
});

test("the live password policy is printed", async () => {
  await mailcow.emulator.setPasswordPolicy({ length: 10, numbers: true, lowerupper: true });
  const report = await runDoctor({ env: env() });
  expect(check(report, "mailcow.password_policy").summary).toBe("at least 10 characters, lower- and upper-case letters, a digit");
});

test("a wrong key fails at the first request and says what to do", async () => {
  const wrong = "WRONG0-D4E5F6-0A1B2C-3D4E5F-6A7B8C";
  const report = await runDoctor({ env: env({ MAILCOW_API_KEY: wrong }) });
  expect(report.exitCode).toBe(1);
  expect(check(report, "mailcow.reach")).toMatchObject({ verdict: "fail", summary: "Mailcow rejected the API key" });
  expect(check(report, "mailcow.reach").action).toMatch(/MAILCOW_API_KEY/);
  expect(check(report, "mailcow.domain").verdict).toBe("skip");
  expectNoKey(report, wrong);
});

test("a read-only key is told apart without changing anything", async () => {
  const readOnly = mailcow.emulator.readOnlyApiKey!;
  const report = await runDoctor({ env: env({ MAILCOW_API_KEY: readOnly }) });
  expect(report.mailcow.keyAccess).toBe("read-only");
  expect(check(report, "mailcow.key_access")).toMatchObject({ verdict: "fail", summary: expect.stringMatching(/read-only/) });
  expect(check(report, "mailcow.domain").verdict).toBe("ok");
  expect(report.exitCode).toBe(1);
  expectNoKey(report, readOnly);
});

test("an unknown domain", async () => {
  const report = await runDoctor({ env: env({ MAILCOW_DOMAIN: "nowhere.example" }) });
  expect(check(report, "mailcow.domain")).toMatchObject({ verdict: "fail", summary: "Mailcow has no domain nowhere.example" });
  expect(check(report, "mailcow.room").verdict).toBe("skip");
  expect(check(report, "mailcow.key_access").verdict).toBe("ok");
  expect(report.exitCode).toBe(1);
});

test("an unreachable URL (a closed port)", async () => {
  const port = await closedPort();
  const report = await runDoctor({ env: env({ MAILCOW_API_URL: `http://127.0.0.1:${port}/api/v1` }) });
  expect(check(report, "mailcow.reach")).toMatchObject({ verdict: "fail", summary: `nothing accepts connections at 127.0.0.1:${port}` });
  expect(check(report, "mailcow.key_access").verdict).toBe("skip");
  expect(report.exitCode).toBe(1);
});

test.each([
  ["mail.example.com", /not a URL/],
  ["ftp://mail.example.com/api/v1", /not an http\(s\) URL/],
  ["https://mail.example.com", /does not end with \/api\/v1/],
  ["https://mail.example.com/api/v2", /does not end with \/api\/v1/],
  ["https://user:pw@mail.example.com/api/v1", /credentials/],
])("a bad URL shape: %s", async (url, message) => {
  const before = mailcow.emulator.stats().requests;
  const report = await runDoctor({ env: env({ MAILCOW_API_URL: url }) });
  expect(check(report, "env.api_url")).toMatchObject({ verdict: "fail", summary: expect.stringMatching(message) });
  expect(check(report, "mailcow.reach").verdict).toBe("skip");
  expect(report.exitCode).toBe(1);
  expect(mailcow.emulator.stats().requests).toBe(before);
});

test("plain http to a remote host is a warning, not a failure", async () => {
  const report = await runDoctor({ env: { ...env(), MAILCOW_API_URL: "http://mail.example.invalid/api/v1", MAILCOW_TIMEOUT_MS: "300" } });
  expect(check(report, "env.api_url").verdict).toBe("warn");
});

test("missing and malformed variables are all listed, and nothing is sent", async () => {
  const report = await runDoctor({ env: { MAILCOW_DOMAIN: "not a domain", MAILCOW_TIMEOUT_MS: "soon", MAILBOX_QUOTA_MIB: "-1" } });
  expect(verdicts(report)).toMatchObject({
    "env.api_url": "fail",
    "env.api_key": "fail",
    "env.domain": "fail",
    "env.mailcow_timeout_ms": "fail",
    "env.mailbox_quota_mib": "fail",
    "mailcow.reach": "skip",
  });
  expect(report.configuration).toContainEqual({ name: "MAILCOW_API_KEY", value: "(not set)", source: "missing" });
});

test("a key pasted with quotes draws a warning", async () => {
  const report = await runDoctor({ env: env({ MAILCOW_API_KEY: `"${mailcow.emulator.apiKey}"` }) });
  expect(check(report, "env.api_key").verdict).toBe("warn");
});

describe("a full domain", () => {
  const full = useMailcowEmulator({ domainLimits: { mailboxes: 1 } });
  test("no mailbox left fails the room check", async () => {
    await full.emulator.seedMailbox({ localPart: "first", quotaMiB: 10 });
    const report = await runDoctor({ env: env({ MAILCOW_API_URL: full.emulator.url, MAILCOW_API_KEY: full.emulator.apiKey, MAILCOW_DOMAIN: full.emulator.domain }) });
    expect(check(report, "mailcow.room")).toMatchObject({ verdict: "fail", summary: expect.stringMatching(/is full: 1 of 1 mailboxes exist/) });
    expect(report.exitCode).toBe(1);
  });
});

describe("a domain with little quota", () => {
  const small = useMailcowEmulator({ domainLimits: { mailboxes: 100, maxQuotaMiB: 2048, quotaMiB: 4096 } });
  const smallEnv = (extra: Record<string, string> = {}) =>
    env({ MAILCOW_API_URL: small.emulator.url, MAILCOW_API_KEY: small.emulator.apiKey, MAILCOW_DOMAIN: small.emulator.domain, ...extra });

  test("a quota above the per-mailbox maximum fails", async () => {
    const report = await runDoctor({ env: smallEnv({ MAILBOX_QUOTA_MIB: "3000" }) });
    expect(check(report, "mailcow.room")).toMatchObject({ verdict: "fail", summary: expect.stringMatching(/per-mailbox maximum of 2048 MiB/) });
  });

  test("room for only a few mailboxes warns", async () => {
    const report = await runDoctor({ env: smallEnv() });
    expect(check(report, "mailcow.room")).toMatchObject({ verdict: "warn", summary: "room for 4 more mailboxes of 1024 MiB" });
    expect(report.exitCode).toBe(0);
  });

  test("less room than SIGNUP_MIN_FREE_MAILBOXES says that sign-ups are refused", async () => {
    const report = await runDoctor({ env: smallEnv({ MAILBOX_QUOTA_MIB: "2048", SIGNUP_MIN_FREE_MAILBOXES: "5" }) });
    // 4096 MiB total: two 2048 MiB mailboxes fit, then the quota is gone.
    expect(check(report, "mailcow.signup_headroom")).toMatchObject({ verdict: "ok" });
    const strict = await runDoctor({ env: smallEnv({ SIGNUP_MIN_FREE_MAILBOXES: "101" }) });
    expect(check(strict, "mailcow.signup_headroom")).toMatchObject({ verdict: "warn", summary: expect.stringMatching(/new sign-ups are refused: 100 free mailbox slot/) });
    const off = await runDoctor({ env: smallEnv({ SIGNUP_MIN_FREE_MAILBOXES: "0" }) });
    expect(check(off, "mailcow.signup_headroom")).toMatchObject({ verdict: "ok", summary: expect.stringMatching(/guard is off/) });
  });
});

describe("emulator faults", () => {
  test.each([
    ["down", /nothing accepts connections/],
    ["reset", /closed the connection/],
    ["slow", /did not answer within 300 ms/],
    ["html500", /failed with HTTP 500/],
    ["malformed", /not JSON|not what a Mailcow API sends/],
  ] as const)("%s fails the reach check", async (mode, summary) => {
    mailcow.emulator.fault(mode);
    const report = await runDoctor({ env: env({ MAILCOW_TIMEOUT_MS: "300" }) });
    expect(check(report, "mailcow.reach")).toMatchObject({ verdict: "fail", summary: expect.stringMatching(summary) });
    expect(report.exitCode).toBe(1);
  });

  test("danger (a database error on writes) leaves the key's access unknown", async () => {
    mailcow.emulator.fault("danger");
    const report = await runDoctor({ env: env() });
    expect(check(report, "mailcow.key_access")).toMatchObject({ verdict: "fail", summary: expect.stringMatching(/mysql_error/) });
    expect(report.mailcow.keyAccess).toBeNull();
  });
});

describe("cli", () => {
  const root = path.resolve(import.meta.dirname, "../..");
  const run = promisify(execFile);
  // A scratch working directory, so a developer's .env does not leak into the test.
  const cwd = mkdtempSync(path.join(tmpdir(), "doctor-cli-"));
  const cli = (args: string[], vars: Record<string, string>) =>
    run(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "tools/doctor/cli.ts"), ...args], { cwd, env: vars }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );

  test("--json against the emulator exits 0; a bad URL exits 1", async () => {
    const vars = env() as Record<string, string>;
    const healthy = await cli(["--json"], vars);
    expect(healthy.code).toBe(0);
    expect(JSON.parse(healthy.stdout)).toMatchObject({ ok: true, exitCode: 0 });
    expect(healthy.stdout).not.toContain(mailcow.emulator.apiKey);

    const broken = await cli([], { ...vars, MAILCOW_API_URL: "https://mail.example.com" });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/FAIL {2}MAILCOW_API_URL/);
    expect(broken.stdout).not.toContain(mailcow.emulator.apiKey);
  });
});
