// The first five minutes and the account page in real Chromium: a new user signs up and lands on the Mail page,
// reads the forced-password card, sets the mailbox password, turns on two-factor sign-in (the test computes the
// codes with @oslojs/otp), signs out, signs in with a code, signs out another session and deletes the account.
// Screenshots of every new screen in Russian and English, desktop and phone, go to e2e/artifacts/.
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP } from "@oslojs/otp";
import { expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { MailcowEmulator } from "../tools/mailcow-emulator/index";
import { DESKTOP, openPage, PHONE, POLL, type RunningServer, screenshot, setLanguage, useEmulatedPlatform } from "./harness";

const PASSWORD = "лиловый-закат-2026";
const MAILBOX_PASSWORD = "почтовый-пароль-2026";

let mailcow: MailcowEmulator;
let server: RunningServer;
let browser: Browser;

useEmulatedPlatform((platform) => ({ mailcow, server, browser } = platform));

/** The code an authenticator app shows `stepsAhead` 30-second steps from now (RFC 6238, 6 digits). */
function totp(secret: string, stepsAhead = 0): string {
  return generateHOTP(decodeBase32IgnorePadding(secret), BigInt(Math.floor(Date.now() / 30_000) + stepsAhead), 6);
}

/** The screen in both languages at both widths (the page is left in Russian at desktop width). */
async function screenshots(page: Page, name: string): Promise<void> {
  for (const lang of ["ru", "en"] as const) {
    if (lang === "en") await setLanguage(page, "EN");
    for (const [suffix, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
      await page.setViewportSize(viewport);
      await screenshot(page, `account-${name}-${lang}-${suffix}`);
    }
    await page.setViewportSize(DESKTOP);
  }
  await setLanguage(page, "RU");
}

test("a new user from sign-up to deleting the account, with two-factor sign-in", async () => {
  const watched = await openPage(browser, DESKTOP);
  const { page, context } = watched;
  const address = `lena@${mailcow.domain}`;

  // An unknown address is a real 404 (the app still explains it).
  expect((await fetch(`${server.url}/no/such/page`)).status).toBe(404);
  expect((await fetch(`${server.url}/account`)).status).toBe(200);

  // Sign-up shows the address with its domain, then lands on the Mail page.
  await page.goto(`${server.url}/register`);
  await page.fill("input[name=username]", "Lena");
  await expect.poll(() => page.getByText(`Адрес почты: lena@${mailcow.domain}`).isVisible(), POLL).toBe(true);
  await page.fill("input[name=password]", "short");
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  // One error shown once: the red rule in the checklist, not a second line under the field.
  await expect.poll(() => page.locator("#field-password-error").getAttribute("class"), POLL).toBe("sr-only");
  await page.fill("input[name=password]", PASSWORD);
  await page.fill("input[name=passwordConfirm]", PASSWORD);
  await page.getByRole("button", { name: "Зарегистрироваться" }).click();
  await page.waitForURL(`${server.url}/mail`);
  await page.getByTestId("mail-page").waitFor();
  expect(await page.getByRole("link", { name: "Почта" }).getAttribute("aria-current")).toBe("page");

  // The card tells the truth about Mailcow's forced password change.
  const card = page.getByTestId("first-step");
  const text = await card.innerText();
  expect(text).toContain("Почтовые программы уже работают");
  expect(text).toContain("Веб-почта при первом входе попросит задать новый пароль ящика");
  expect(text).toContain("Можно ввести тот же пароль ещё раз");
  expect(text).not.toMatch(/шаг 1/i);
  expect(text).not.toContain("могут не подключиться");
  await screenshots(page, "mail-first-run");

  // Copy announcements agree with their nouns.
  await page.getByRole("button", { name: "Копировать: Адрес" }).click();
  await expect.poll(() => page.getByText("Адрес скопирован").count(), POLL).toBe(1);

  // The mailbox password; the dialog carries the address as a hidden username for password managers.
  await card.getByRole("button", { name: "Задать пароль ящика" }).click();
  const dialog = page.getByRole("dialog", { name: "Новый пароль почтового ящика" });
  await dialog.waitFor();
  expect(await dialog.locator("input[autocomplete=username]").inputValue()).toBe(address);
  await page.fill("input[name=newPassword]", MAILBOX_PASSWORD);
  await page.fill("input[name=passwordConfirm]", MAILBOX_PASSWORD);
  await dialog.getByRole("button", { name: "Сохранить пароль" }).click();
  await dialog.waitFor({ state: "hidden" });
  const changed = page.getByTestId("password-changed");
  await expect.poll(() => changed.isVisible(), POLL).toBe(true);
  // The success message stays in view after the dialog has closed.
  await expect.poll(() => changed.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }), POLL).toBe(true);
  expect(mailcow.checkPassword(address, MAILBOX_PASSWORD)).toBe(true);

  // The account page (its own chunk).
  await page.getByRole("link", { name: "Аккаунт" }).click();
  await page.waitForURL(`${server.url}/account`);
  await page.getByTestId("account-page").waitFor();
  await expect.poll(() => page.getByTestId("sessions").locator("li").count(), POLL).toBe(1);
  expect(await page.getByTestId("sessions").innerText()).toContain("Этот сеанс");
  await screenshots(page, "page");

  // Two-factor sign-in: QR code drawn here, the secret, a computed code and the password.
  await page.getByRole("button", { name: "Включить двухфакторный вход" }).click();
  await page.getByTestId("totp-qr").waitFor();
  const secret = await page.getByTestId("totp-secret").innerText();
  await screenshots(page, "totp-setup");
  const totpSection = page.getByTestId("section-totp");
  await totpSection.locator("input[name=code]").fill(totp(secret));
  await totpSection.locator("input[name=password]").fill(PASSWORD);
  await totpSection.getByRole("button", { name: "Включить", exact: true }).click();
  const codesList = page.getByTestId("recovery-codes");
  await codesList.waitFor();
  const recoveryCodes = (await codesList.locator("li").allInnerTexts()).map((c) => c.trim());
  expect(recoveryCodes).toHaveLength(10);
  await screenshots(page, "totp-recovery-codes");
  await page.getByRole("button", { name: "Я сохранил(а) коды" }).click();
  await expect.poll(() => totpSection.innerText(), POLL).toContain("Включён. Неиспользованных резервных кодов: 10");

  // Sign out, sign in: the password, then the code (the next step's: the one used to enable is spent).
  await page.getByRole("button", { name: "Выйти" }).click();
  await page.waitForURL(/\/login/);
  await page.fill("input[name=login]", "lena");
  await page.fill("input[name=password]", PASSWORD);
  await page.getByRole("button", { name: "Войти" }).click();
  const codeField = page.locator("input[name=totp]");
  await codeField.waitFor();
  expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Код двухфакторного входа");
  expect(await context.cookies().then((cookies) => cookies.some((c) => c.name === "pm_session" && c.value))).toBe(false);
  await screenshots(page, "login-code");
  await codeField.fill(totp(secret, 1));
  await page.getByRole("button", { name: "Войти" }).click();
  // Signed in: the sign-in page is left (for the home page, or for /account when the page noticed the sign-out
  // before the redirect did and asked to come back there), then back to the account page.
  await page.waitForURL((url) => url.pathname !== "/login");
  expect(await context.cookies().then((cookies) => cookies.some((c) => c.name === "pm_session" && c.value))).toBe(true);
  await page.goto(`${server.url}/account`);
  await page.getByRole("heading", { level: 1 }).waitFor();

  // A second browser signs in with a recovery code; the first signs it out from the account page.
  const other = await openPage(browser, PHONE);
  await other.page.goto(`${server.url}/login`);
  await other.page.fill("input[name=login]", address);
  await other.page.fill("input[name=password]", PASSWORD);
  await other.page.getByRole("button", { name: "Войти" }).click();
  await other.page.getByRole("button", { name: "Нет телефона? Ввести резервный код" }).click();
  await other.page.fill("input[name=recoveryCode]", recoveryCodes[0]!);
  await other.page.getByRole("button", { name: "Войти" }).click();
  await other.page.waitForURL(`${server.url}/`);

  await page.goto(`${server.url}/account`);
  const sessions = page.getByTestId("sessions");
  await expect.poll(() => sessions.locator("li").count(), POLL).toBe(2);
  await sessions.locator("li[data-current=false]").getByRole("button").click();
  await expect.poll(() => page.getByTestId("sessions-done").innerText(), POLL).toBe("Сеанс завершён");
  // The list is fetched again after the sign-out: it settles on this session alone.
  await expect.poll(() => sessions.locator("li").count(), POLL).toBe(1);
  await other.page.reload();
  await other.page.waitForURL(/\/login/);
  await other.context.close();

  // Delete the account: the password and a second factor; the mailbox is disabled at once.
  const remove = page.getByTestId("section-delete");
  expect(await remove.innerText()).toContain("через 168 ч");
  await remove.locator("input[name=password]").fill(PASSWORD);
  await remove.locator("input[name=totp]").fill(recoveryCodes[1]!);
  await remove.getByLabel("Я понимаю, что почта будет удалена").check();
  await remove.getByRole("button", { name: "Удалить аккаунт" }).click();
  await page.waitForURL(/\/login/);
  await expect.poll(() => mailcow.mailbox(address)?.active, POLL).toBe(0);

  expect(watched.errors).toEqual([]);
  await context.close();
});
