// Shared plumbing for the e2e suite: a real server process on a free port with its own data directory,
// Debian's Chromium driven by playwright-core (no browser downloads), screenshots under e2e/artifacts/.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { freePort } from "../server/test/free-ports";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { startMailcowEmulator, type MailcowEmulator } from "../tools/mailcow-emulator/index";
import type { TestMailstack } from "../tools/mailstack/test-support";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const ARTIFACTS = path.join(ROOT, "e2e", "artifacts");
/** The two viewports the screenshots are taken at, and the polling of conditions in the browser tests. */
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const POLL = { timeout: 10_000, interval: 100 };
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";


/** Builds the client once if the build output is missing (CI builds before the suite). */
export function ensureClientBuilt(): void {
  if (existsSync(path.join(ROOT, "dist", "client", "index.html"))) return;
  const build = spawnSync("npx", ["vite", "build"], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) throw new Error("vite build failed");
}

export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  logs: string[];
  stop(): Promise<void>;
}

export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  ensureClientBuilt();
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "pm-e2e-"));
  const logs: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "development",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${logs.join("")}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become ready:\n${logs.join("")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    dataDir,
    logs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far (expected HTTP refusals filtered by the caller). */
  errors: string[];
}

/** A fresh context with console errors collected, so a test can fail on any of them. */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, locale: "ru-RU", permissions: ["clipboard-read", "clipboard-write"] });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // The browser logs every non-2xx fetch as a console error; tRPC refusals (401/409/400) are expected answers.
    if (/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) return;
    errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Switches the interface language with the switcher every page shows, and waits until the page speaks it. */
export async function setLanguage(page: Page, code: "RU" | "EN"): Promise<void> {
  await page.getByRole("group", { name: code === "EN" ? "Язык интерфейса" : "Interface language" }).getByRole("button", { name: code }).first().click();
  await expect.poll(() => page.getAttribute("html", "lang"), { timeout: 20_000, interval: 100 }).toBe(code.toLowerCase());
}

/** Signs up through the registration form (in Russian) and waits for the Mail page a new user lands on. */
export async function registerInBrowser(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(`${url}/register`);
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await page.fill("input[name=passwordConfirm]", password);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await page.waitForURL(`${url}/mail`);
  await page.getByTestId("mail-page").waitFor();
}

/** The Mailcow emulator with the mailstack's Dovecot behind it (passwords, quota, last logins, deletions). */
export function startEmulatorOnMailstack(stack: TestMailstack): Promise<MailcowEmulator> {
  return startMailcowEmulator({ dovecot: { passwdFile: stack.passwdFile, doveadm: stack.doveadm, lastLoginFile: stack.lastLoginFile } });
}

/** The server's variables for that emulator and the mailstack: IMAP over TLS, SMTP submission with STARTTLS. */
export function mailstackServerEnv(stack: TestMailstack, mailcow: MailcowEmulator): Record<string, string> {
  return {
    MAILCOW_API_URL: mailcow.url,
    MAILCOW_API_KEY: mailcow.apiKey,
    MAILCOW_DOMAIN: mailcow.domain,
    MAIL_HOST: "127.0.0.1",
    MAIL_IMAP_PORT: String(stack.imapsPort),
    MAIL_IMAP_SECURITY: "ssl",
    MAIL_SMTP_PORT: String(stack.smtpPort),
    MAIL_SMTP_SECURITY: "starttls",
    MAIL_TLS_CA_FILE: stack.certFile,
    MAILBOX_INFO_CACHE_SECONDS: "0",
  };
}

export interface EmulatedPlatform {
  mailcow: MailcowEmulator;
  server: RunningServer;
  browser: Browser;
}

/** The Mailcow emulator, the server pointed at it (live figures uncached) and a browser. */
export async function startEmulatedPlatform(): Promise<EmulatedPlatform> {
  const mailcow = await startMailcowEmulator();
  const [server, browser] = await Promise.all([
    startServer({ MAILCOW_API_URL: mailcow.url, MAILCOW_API_KEY: mailcow.apiKey, MAILCOW_DOMAIN: mailcow.domain, MAILBOX_INFO_CACHE_SECONDS: "0" }),
    launchBrowser(),
  ]);
  return { mailcow, server, browser };
}

export async function stopEmulatedPlatform({ mailcow, server, browser }: Partial<EmulatedPlatform>): Promise<void> {
  await browser?.close();
  await server?.stop();
  await mailcow?.close();
}

/** One emulated platform for a test file: started before its tests (handed to `receive`), stopped after them. */
export function useEmulatedPlatform(receive: (platform: EmulatedPlatform) => void): void {
  let platform: EmulatedPlatform | undefined;
  beforeAll(async () => {
    platform = await startEmulatedPlatform();
    receive(platform);
  });
  afterAll(() => stopEmulatedPlatform(platform ?? {}));
}
