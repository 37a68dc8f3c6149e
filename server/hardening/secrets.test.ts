// No secret leaves where it belongs. A full scenario runs over HTTP against a file database, with Mailcow faults
// and a misconfigured (read-only) key on the way; then every HTTP response (status, headers, body), every log
// line (level trace, through the production logger and its redaction) and the database files (.db, -wal, -shm,
// as bytes) are searched for the Mailcow API keys, the sealing key and every password used: zero hits.
// Sealed passwords must be ciphertext; the test checks that it saw them sealed, so it cannot pass vacuously.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createServices } from "../create-services";
import { buildApp } from "../http/app";
import { createLogger } from "../logger";
import { startMailcowEmulator, type MailcowEmulator } from "../../tools/mailcow-emulator/index";
import type { Services } from "../services";
import { drainLater, manualClock } from "../test/clock";
import { testConfig } from "../test/create-test-context";

const letters = (n: number) => Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join("");
/** Unique per run, so a hit can only come from this run; each passes the platform's and Mailcow's policy (and
 * contains no username). */
const PASSWORDS = {
  adaSignup: `Sx-signup-${letters(10)}-7!`,
  adaWrong: `Sx-wrong-${letters(10)}-7!`,
  adaMailbox: `Sx-mailbox-${letters(10)}-7!`,
  adaMailboxDuringOutage: `Sx-outage-${letters(10)}-7!`,
  adaNewAccount: `Sx-account-${letters(10)}-7!`,
  bobSignup: `Sy-signup-${letters(10)}-7!`,
  bobMailboxReadOnlyKey: `Sy-rokey-${letters(10)}-7!`,
  // No digits: Mailcow's policy will demand one after the sign-up, so this mailbox fails for good.
  daveSignup: `sz-signup-${letters(12)}`,
  daveRetry: `Sz-retry-${letters(10)}-7!`,
};
const SEALING_KEY = randomBytes(32);

const responses: string[] = [];
const logLines: string[] = [];
const sessionTokens = new Set<string>();
let dir: string;
let mailcow: MailcowEmulator;
let databaseBytes: { file: string; bytes: Buffer }[] = [];
let sawSealed = 0;
/** Backoff and grace periods run on this clock; the platform processes of this file share it. */
const clock = manualClock();

/** One HTTP client with a cookie jar, against a listening server; every response is recorded whole. */
function browser(base: () => string) {
  let cookie = "";
  async function call(method: "GET" | "POST", procedure: string, input?: unknown) {
    const url = method === "GET" && input !== undefined ? `${base()}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}` : `${base()}/trpc/${procedure}`;
    const res = await fetch(url, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...(method === "POST" ? { "content-type": "application/json" } : {}) },
      ...(method === "POST" ? { body: JSON.stringify(input ?? {}) } : {}),
    });
    const body = await res.text();
    responses.push(`${res.status}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n\n${body}`);
    for (const setCookie of res.headers.getSetCookie()) {
      const [pair = ""] = setCookie.split(";");
      const value = pair.slice(pair.indexOf("=") + 1);
      if (value) sessionTokens.add(value);
      cookie = value ? pair : "";
    }
    return { status: res.status, json: body ? (JSON.parse(body) as { result?: { data: Record<string, unknown> }; error?: unknown }) : {} };
  }
  return {
    query: (procedure: string, input?: unknown) => call("GET", procedure, input),
    mutate: (procedure: string, input?: unknown) => call("POST", procedure, input),
  };
}

/** A platform process: services over the shared database file, the production logger at trace into logLines. */
async function platform(apiKey: string) {
  const config = testConfig({
    DATABASE_PATH: path.join(dir, "platform.db"),
    DATA_DIR: dir,
    MAILBOX_SECRET_KEY: SEALING_KEY.toString("base64"),
    LOG_LEVEL: "trace",
    MAILCOW_TIMEOUT_MS: "10000",
    PROVISIONING_SIGNUP_DEADLINE_MS: "10000",
    MAILBOX_INFO_CACHE_SECONDS: "0",
  });
  const logger = createLogger("trace", { write: (line: string) => void logLines.push(line) });
  const services: Services = createServices(config, logger, { mailcow: { baseUrl: mailcow.url, apiKey }, now: clock });
  const app = await buildApp(services);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    services,
    browser: () => browser(() => url),
    async close() {
      await app.close();
      await services.provisioner.stop();
      services.db.close();
    },
  };
}

function readDatabaseFiles() {
  for (const suffix of ["", "-wal", "-shm"]) {
    const file = path.join(dir, `platform.db${suffix}`);
    if (existsSync(file)) databaseBytes.push({ file: `${path.basename(file)} (${databaseBytes.length})`, bytes: readFileSync(file) });
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "pm-secrets-"));
  mailcow = await startMailcowEmulator();
  const p = await platform(mailcow.apiKey);
  const ada = p.browser();
  const bob = p.browser();
  const dave = p.browser();
  const sealedRows = () => p.services.db.prepare("SELECT sealed_password FROM mailbox WHERE sealed_password IS NOT NULL").all() as { sealed_password: string }[];

  // Sign-up and sign-in, including a wrong password.
  expect((await ada.mutate("auth.register", { username: "ada", password: PASSWORDS.adaSignup, displayName: "Ada" })).status).toBe(200);
  expect((await ada.mutate("auth.login", { login: "ada", password: PASSWORDS.adaWrong })).status).toBe(401);
  expect((await ada.mutate("auth.login", { login: "ada@example.test", password: PASSWORDS.adaSignup })).status).toBe(200);
  expect((await ada.query("mailbox.info")).json.result?.data.state).toBe("active");
  expect((await ada.query("mailbox.webmailUrl")).status).toBe(200);
  expect((await ada.query("mailbox.passwordPolicy")).status).toBe(200);

  // Mailbox password: once fine, once while Mailcow serves HTML 500s.
  expect((await ada.mutate("mailbox.updatePassword", { newPassword: PASSWORDS.adaMailbox })).status).toBe(200);
  mailcow.fault("html500");
  expect((await ada.mutate("mailbox.updatePassword", { newPassword: PASSWORDS.adaMailboxDuringOutage })).status).toBe(503);
  mailcow.fault(null);

  // Sign-ups while Mailcow is down: the passwords wait sealed in the database.
  mailcow.fault("down");
  expect((await bob.mutate("auth.register", { username: "bob", password: PASSWORDS.bobSignup })).status).toBe(200);
  expect((await dave.mutate("auth.register", { username: "dave", password: PASSWORDS.daveSignup })).status).toBe(200);
  await p.services.provisioner.stop(); // the first attempts end (pending) while Mailcow is still down
  expect((await bob.query("mailbox.info")).json.result?.data).toMatchObject({ state: "pending" });
  for (const { sealed_password } of sealedRows()) {
    expect(sealed_password).toMatch(/^v1\./);
    sawSealed++;
  }
  readDatabaseFiles();

  // Recovery under a stricter Mailcow policy: bob's mailbox is created, dave's is refused for good (failed)…
  mailcow.fault(null);
  mailcow.setPasswordPolicy({ numbers: true });
  await drainLater(p.services, clock);
  expect(p.services.provisioner.store.get((await bob.query("auth.me")).json.result?.data.id as string)?.state).toBe("active");
  expect((await dave.query("mailbox.info")).json.result?.data).toMatchObject({ state: "failed", reason: "password_policy" });
  // …until dave gives a new password.
  expect((await dave.mutate("mailbox.create", { password: PASSWORDS.daveRetry })).json.result?.data.state).toBe("active");
  expect(sealedRows()).toEqual([]);

  // Account password change, then deletion while Mailcow refuses every write.
  expect((await ada.mutate("auth.changePassword", { currentPassword: PASSWORDS.adaSignup, newPassword: PASSWORDS.adaNewAccount })).status).toBe(200);
  mailcow.fault("danger");
  expect((await ada.mutate("auth.deleteAccount", { password: PASSWORDS.adaNewAccount })).status).toBe(200);
  mailcow.fault(null);
  await drainLater(p.services, clock);
  expect(mailcow.mailbox("ada@example.test")?.active).toBe(0);
  readDatabaseFiles();
  await p.close();

  // An operator configures the read-only key by mistake: the refusals are logged, without the key.
  const misconfigured = await platform(mailcow.readOnlyApiKey!);
  const bob2 = misconfigured.browser();
  expect((await bob2.mutate("auth.login", { login: "bob", password: PASSWORDS.bobSignup })).status).toBe(200);
  expect((await bob2.mutate("mailbox.updatePassword", { newPassword: PASSWORDS.bobMailboxReadOnlyKey })).status).toBe(503);
  expect((await bob2.query("mailbox.info")).status).toBe(200);
  readDatabaseFiles();
  await misconfigured.close();
  readDatabaseFiles();
});

afterAll(async () => {
  await mailcow?.close();
});

const SECRETS: [string, string][] = [
  ...Object.entries(PASSWORDS).map(([name, value]): [string, string] => [`password ${name}`, value]),
  ["sealing key (base64)", SEALING_KEY.toString("base64")],
  ["sealing key (hex)", SEALING_KEY.toString("hex")],
];
const mailcowKeys = (): [string, string][] => [
  ["Mailcow read-write API key", mailcow.apiKey],
  ["Mailcow read-only API key", mailcow.readOnlyApiKey!],
];

/** The spellings a secret could leak in: as is, URL-encoded, base64, and (for keys) case-folded. */
function spellings(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString("base64"), Buffer.from(secret).toString("base64url"), secret.toLowerCase()])];
}

function hits(haystack: string, secrets: [string, string][]): string[] {
  const lower = haystack.toLowerCase();
  return secrets.filter(([, secret]) => spellings(secret).some((s) => haystack.includes(s) || lower.includes(s.toLowerCase()))).map(([name]) => name);
}

test("the scenario ran: responses and log lines were captured, passwords were seen sealed", () => {
  expect(responses.length).toBeGreaterThanOrEqual(15);
  expect(logLines.length).toBeGreaterThan(50);
  // Requests (info), provisioning failures (warn) and the key refusal (error) were all logged.
  for (const level of [30, 40, 50]) expect(logLines.some((line) => line.includes(`"level":${level}`)), `level ${level}`).toBe(true);
  expect(sawSealed).toBe(2);
  expect(logLines.join("")).toContain("Mailcow refused the platform's API key");
  // The search itself finds what it looks for (in what we sent, and in the files we read).
  expect(hits(JSON.stringify(PASSWORDS), SECRETS)).toHaveLength(Object.keys(PASSWORDS).length);
  expect(databaseBytes.some(({ bytes }) => bytes.includes(Buffer.from("bob@example.test")))).toBe(true);
});

test("no HTTP response carries a secret", () => {
  expect(hits(responses.join("\n\n"), [...SECRETS, ...mailcowKeys()])).toEqual([]);
});

test("no log line carries a secret or a session token", () => {
  const logs = logLines.join("");
  expect(hits(logs, [...SECRETS, ...mailcowKeys()])).toEqual([]);
  expect(sessionTokens.size).toBeGreaterThan(3);
  expect([...sessionTokens].filter((token) => logs.includes(token))).toEqual([]);
});

test("the database files hold no secret, in UTF-8 or UTF-16, even in free pages and the WAL", () => {
  expect(databaseBytes.length).toBeGreaterThanOrEqual(4);
  for (const { file, bytes } of databaseBytes) {
    const found = [...SECRETS, ...mailcowKeys(), ["sealing key (raw bytes)", ""] as [string, string]].filter(([name, secret]) => {
      if (name === "sealing key (raw bytes)") return bytes.includes(SEALING_KEY);
      return spellings(secret).some((s) => bytes.includes(Buffer.from(s, "utf8")) || bytes.includes(Buffer.from(s, "utf16le")));
    });
    expect(found.map(([name]) => name), file).toEqual([]);
  }
});
