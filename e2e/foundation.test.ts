// A newcomer's first minutes, in real Chromium against the real server (demo mode).
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Browser } from "playwright-core";
import { launchBrowser, openPage, screenshot, startServer, type RunningServer } from "./harness";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test("the Russian login page greets a new visitor; registering through the UI lands on the Mail page; the menu says «Почта»", async () => {
  const { page, errors, context } = await openPage(browser);
  await page.goto(server.url);
  await page.waitForURL(/\/login/);
  expect(await page.getAttribute("html", "lang")).toBe("ru");
  await expect.poll(() => page.getByRole("button", { name: "Войти" }).isVisible()).toBe(true);
  await screenshot(page, "foundation-login-desktop");

  await page.getByRole("link", { name: /Зарегистр/ }).first().click();
  await page.waitForURL(/\/register/);
  await page.fill("input[name=username]", "anna.petrova");
  await page.fill("input[name=displayName]", "Анна Петрова");
  await page.fill("input[name=password]", "short");
  expect(await page.locator("[data-rule=length]").getAttribute("data-ok")).toBe("false");
  await page.fill("input[name=password]", "зелёный-слон-2026");
  await page.fill("input[name=passwordConfirm]", "зелёный-слон-2026");
  expect(await page.locator("[data-rule=length]").getAttribute("data-ok")).toBe("true");
  await screenshot(page, "foundation-register-filled");
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();

  // A new user lands on their mailbox.
  await page.waitForURL(`${server.url}/mail`);
  const mail = page.getByRole("link", { name: "Почта" });
  await expect.poll(() => mail.isVisible()).toBe(true);
  await screenshot(page, "foundation-home-desktop");

  // The session survives a reload (httpOnly cookie), and sign-out/sign-in works.
  await page.reload();
  await expect.poll(() => page.getByRole("link", { name: "Почта" }).isVisible()).toBe(true);
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === "pm_session")).toMatchObject({ httpOnly: true, sameSite: "Lax" });

  await page.getByRole("button", { name: "Выйти" }).click();
  await page.waitForURL(/\/login/);
  await page.fill("input[name=login]", "anna.petrova@example.test");
  await page.fill("input[name=password]", "зелёный-слон-2026");
  await page.getByRole("button", { name: "Войти" }).click();
  await page.waitForURL(`${server.url}/`);
  await expect.poll(() => page.getByRole("link", { name: "Почта" }).isVisible()).toBe(true);

  expect(errors).toEqual([]);
  await context.close();
});

test("at phone width the sidebar collapses behind a menu button", async () => {
  const { page, errors, context } = await openPage(browser, { width: 390, height: 844 });
  await page.goto(`${server.url}/register`);
  await page.fill("input[name=username]", "ivan");
  await page.fill("input[name=password]", "синий-кит-плывёт-2026");
  await page.fill("input[name=passwordConfirm]", "синий-кит-плывёт-2026");
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await page.waitForURL(`${server.url}/mail`);
  await page.getByRole("button", { name: "Открыть меню" }).click();
  await expect.poll(() => page.getByRole("link", { name: "Почта" }).isVisible()).toBe(true);
  await screenshot(page, "foundation-home-phone-menu");
  expect(errors).toEqual([]);
  await context.close();
});
