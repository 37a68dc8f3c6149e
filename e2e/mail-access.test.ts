// The mail settings page's access sections in real Chromium: add a personal alias and a temporary address, create
// an app password (shown once, then only its name is listed), start phone set-up and see the QR code with its
// countdown; the phone's link opened once gives the settings page, a second time 410. Screenshots in Russian and
// English, desktop and phone, go to e2e/artifacts/.
import { expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { MailcowEmulator } from "../tools/mailcow-emulator/index";
import { DESKTOP, openPage, PHONE, POLL, registerInBrowser, type RunningServer, screenshot, setLanguage, useEmulatedPlatform } from "./harness";

const PASSWORD = "лиловый-закат-2026";
const ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36";

let mailcow: MailcowEmulator;
let server: RunningServer;
let browser: Browser;

useEmulatedPlatform((platform) => ({ mailcow, server, browser } = platform));

async function screenshots(page: Page, name: string): Promise<void> {
  for (const lang of ["ru", "en"] as const) {
    if (lang === "en") await setLanguage(page, "EN");
    for (const [suffix, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
      await page.setViewportSize(viewport);
      await screenshot(page, `mail-access-${name}-${lang}-${suffix}`);
    }
    await page.setViewportSize(DESKTOP);
  }
  await setLanguage(page, "RU");
}

test("aliases, an app password shown once, and phone set-up with a QR code", async () => {
  const { page, errors } = await openPage(browser, DESKTOP);
  const domain = mailcow.domain;

  await registerInBrowser(page, server.url, "vera", PASSWORD);
  expect((await fetch(`${server.url}/mail/settings`)).status).toBe(200);
  await page.goto(`${server.url}/mail/settings`);

  // Aliases: a reserved name is refused in words, a good one is added and listed.
  const aliases = page.getByTestId("section-aliases");
  await aliases.getByLabel("Новый адрес").fill("postmaster");
  await aliases.getByRole("button", { name: "Добавить адрес" }).click();
  await expect.poll(() => aliases.getByText("Это служебное имя, выберите другое").isVisible(), POLL).toBe(true);
  await aliases.getByLabel("Новый адрес").fill("vera.lang");
  await aliases.getByRole("button", { name: "Добавить адрес" }).click();
  await expect.poll(() => aliases.getByTestId("aliases").getByText(`vera.lang@${domain}`).isVisible(), POLL).toBe(true);
  await expect.poll(() => aliases.getByTestId("aliases-count").textContent(), POLL).toBe("Добавлено 1 из 3");
  expect((await mailcow.mailbox(`vera@${domain}`)) !== null).toBe(true);
  // A temporary address for a week.
  await aliases.getByRole("button", { name: "Создать временный адрес" }).click();
  await expect.poll(() => aliases.getByTestId("temporary-aliases").locator("li").count(), POLL).toBe(1);

  // App password: shown once in a dialog with a copy button; afterwards only its name is listed.
  const apps = page.getByTestId("section-app-passwords");
  await apps.getByLabel(/Название/).fill("Thunderbird");
  await apps.getByRole("button", { name: "Создать пароль" }).click();
  const dialog = page.getByRole("dialog", { name: "Пароль приложения создан" });
  await dialog.waitFor();
  const password = (await dialog.getByTestId("app-password-value").textContent()) ?? "";
  expect(password).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/);
  expect(mailcow.checkLogin(`vera@${domain}`, password, "imap")).toBe(true);
  expect(mailcow.checkLogin(`vera@${domain}`, password, "smtp")).toBe(true);
  await dialog.getByRole("button", { name: /Копировать/ }).click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), POLL).toBe(password);
  // A modal dialog keeps the language switch out of reach: this one in Russian, at both widths.
  for (const [suffix, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    await page.setViewportSize(viewport);
    await screenshot(page, `mail-access-app-password-shown-ru-${suffix}`);
  }
  await page.setViewportSize(DESKTOP);
  await dialog.getByRole("button", { name: "Готово, я скопировал(а)" }).click();
  await expect.poll(() => dialog.isVisible(), POLL).toBe(false);
  await expect.poll(() => apps.getByTestId("app-passwords").getByText("Thunderbird").isVisible(), POLL).toBe(true);
  expect(await page.content()).not.toContain(password);

  // Phone set-up: a QR code with its countdown, and a link that works once.
  const device = page.getByTestId("section-device-setup");
  await device.getByRole("button", { name: "Показать QR-код" }).click();
  await device.getByRole("img", { name: "QR-код для настройки почты на телефоне" }).waitFor();
  expect(await device.getByTestId("device-expires").textContent()).toMatch(/^Код действует ещё (10:00|9:\d\d) и только один раз$/);
  const link = (await device.locator("code").textContent()) ?? "";
  expect(link).toMatch(new RegExp(`^${server.url}/mail/device/[A-Za-z0-9_-]{43}$`));
  await screenshots(page, "settings");

  const phone = await fetch(link, { headers: { "user-agent": ANDROID, "accept-language": "ru" } });
  expect(phone.status).toBe(200);
  expect(phone.headers.get("cache-control")).toBe("no-store");
  expect(await phone.text()).toContain("Пароль приложения");
  expect((await fetch(link, { headers: { "user-agent": ANDROID } })).status).toBe(410);
  // The phone's app password is listed and can be revoked.
  await page.reload();
  const phoneEntry = apps.getByTestId("app-passwords").getByText(/Android phone · \d{4}-\d\d-\d\d/);
  await expect.poll(() => phoneEntry.isVisible(), POLL).toBe(true);
  await apps.getByRole("button", { name: /Отозвать пароль Android phone/ }).click();
  await expect.poll(() => phoneEntry.isVisible(), POLL).toBe(false);

  expect(errors).toEqual([]);
});
