// Mail settings in real Chromium against the Mailcow emulator: forwarding with keep-a-copy (and the operator's
// refusal of an outside address), out-of-office with an end date shown as "until …" on the Mail page and turned
// off there with one click, the user's own filter rule confirmed before it is replaced, the spam level; in Russian
// and English. Phone-width screenshots of each section go to e2e/artifacts/.
import path from "node:path";
import { expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { MailcowEmulator } from "../tools/mailcow-emulator/index";
import { ARTIFACTS, DESKTOP, openPage, PHONE, POLL, registerInBrowser, type RunningServer, setLanguage, useEmulatedPlatform } from "./harness";

const PASSWORD = "лиловый-закат-2026";

let mailcow: MailcowEmulator;
let server: RunningServer;
let browser: Browser;

useEmulatedPlatform((platform) => ({ mailcow, server, browser } = platform));

/** Each section at phone width, in the page's current language. */
async function sectionShots(page: Page, lang: "ru" | "en") {
  await page.setViewportSize(PHONE);
  for (const id of ["forwarding", "vacation", "spam"]) {
    await page.getByTestId(`section-${id}`).screenshot({ path: path.join(ARTIFACTS, `mail-settings-${id}-${lang}-phone.png`) });
  }
  await page.setViewportSize(DESKTOP);
}

/** The platform's date words for a YYYY-MM-DD day, as the page shows them. */
function dayWords(day: string, locale: "ru-RU" | "en-GB") {
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}

async function mailcowApi<T>(method: "GET" | "POST", route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${mailcow.url}/${route}`, {
    method,
    headers: { "x-api-key": mailcow.apiKey, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return (await response.json()) as T;
}

test("forwarding, out-of-office with an end date and one-click off on the Mail page, the user's own rule, spam level", async () => {
  const { page, errors } = await openPage(browser, DESKTOP);
  const address = `vera@${mailcow.domain}`;
  const bob = `bob@${mailcow.domain}`;
  const carol = `carol@${mailcow.domain}`;
  expect((await fetch(`${server.url}/mail/settings`)).status).toBe(200);

  await registerInBrowser(page, server.url, "vera", PASSWORD);

  // From the Mail page to the settings.
  await page.getByRole("link", { name: "Пересылка, автоответ, защита от спама" }).click();
  await page.waitForURL(`${server.url}/mail/settings`);
  await page.getByTestId("forwarding-status").waitFor();
  expect(await page.getByTestId("forwarding-status").textContent()).toBe("Выключено");

  // Forwarding: an outside address is refused by the operator's policy (on its field), then two colleagues with a copy kept.
  await page.getByTestId("forwarding-to-0").fill("someone@gmail.com");
  await page.getByTestId("forwarding-save").click();
  await expect.poll(() => page.locator("#forwarding-to-0-error").textContent(), POLL).toBe("Пересылка на адреса вне компании запрещена администратором");
  expect(await page.getByTestId("forwarding-to-0").getAttribute("aria-invalid")).toBe("true");
  await page.getByTestId("forwarding-to-0").fill(bob);
  await page.getByTestId("forwarding-add").click();
  await page.getByTestId("forwarding-to-1").fill(carol);
  expect(await page.getByTestId("forwarding-keep-copy").isChecked()).toBe(true);
  await page.getByTestId("forwarding-save").click();
  await expect.poll(() => page.getByTestId("forwarding-done").textContent(), POLL).toBe("Пересылка включена");
  expect(await page.getByTestId("forwarding-status").textContent()).toBe("Включено");
  const script = () => mailcow.activeFilters(address).find((f) => f.filterType === "prefilter")?.script ?? "";
  expect(script()).toContain(`redirect :copy "${bob}";`);
  expect(script()).toContain(`redirect :copy "${carol}";`);

  // Out-of-office until a day ten days from now.
  const until = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  await page.getByTestId("vacation-subject").fill("В отпуске");
  await page.getByTestId("vacation-message").fill("Здравствуйте!\nЯ в отпуске, отвечу после возвращения.");
  await page.getByTestId("vacation-until").fill(until);
  await page.getByTestId("vacation-save").click();
  await expect.poll(() => page.getByTestId("vacation-done").textContent(), POLL).toBe("Автоответ включён");
  expect(script()).toContain(`currentdate :value "le" "date" "${until}"`);
  expect(script()).toContain(`redirect :copy "${bob}";`);

  // Spam level: strict.
  await page.getByTestId("spam-level-strict").check();
  await page.getByTestId("spam-save").click();
  await expect.poll(() => page.getByTestId("spam-done").textContent(), POLL).toBe("Уровень защиты от спама сохранён");
  expect(await page.getByTestId("spam-current").textContent()).toBe("Строгий · «Спам» от 3, отклонить от 10");
  expect(await mailcowApi<{ score: string }>("GET", `get/spam-score/${address}`)).toEqual({ score: "3,10" });
  // Custom numbers are checked in the form first.
  await page.getByTestId("spam-level-custom").check();
  await page.getByTestId("spam-low").fill("12");
  await page.getByTestId("spam-high").fill("8");
  await page.getByTestId("spam-save").click();
  await expect.poll(() => page.locator("#spam-high-error").textContent(), POLL).toBe("Порог отклонения должен быть выше порога «спам»");
  await page.getByTestId("spam-high").fill("20");
  await page.getByTestId("spam-save").click();
  await expect.poll(() => page.getByTestId("spam-current").textContent(), POLL).toBe("Свой · «Спам» от 12, отклонить от 20");
  await sectionShots(page, "ru");

  // The Mail page says the out-of-office is on until that day; one click turns it off.
  await page.getByRole("link", { name: "Назад к почте" }).click();
  await page.waitForURL(`${server.url}/mail`);
  await expect.poll(() => page.getByTestId("vacation-notice").textContent(), POLL).toContain(`Автоответ включён до ${dayWords(until, "ru-RU")}`);
  await page.setViewportSize(PHONE);
  await page.getByTestId("vacation-notice").screenshot({ path: path.join(ARTIFACTS, "mail-settings-vacation-notice-ru-phone.png") });
  await page.setViewportSize(DESKTOP);
  await page.getByTestId("vacation-notice-off").click();
  await expect.poll(() => page.getByTestId("vacation-notice").count(), POLL).toBe(0);
  expect(script()).not.toContain("vacation");
  expect(script()).toContain(`redirect :copy "${bob}";`);

  // A rule the user made in Mailcow's own UI: shown, and replaced only after the user confirms.
  await mailcowApi("POST", "add/filter", { username: address, filter_type: "prefilter", script_desc: "Мои правила", script_data: "keep;", active: 1 });
  expect(mailcow.activeFilters(address).map((f) => f.description)).toEqual(["Мои правила"]);
  await page.getByRole("link", { name: "Пересылка, автоответ, защита от спама" }).click();
  await page.getByTestId("vacation-status").waitFor();
  expect(await page.getByTestId("vacation-status").textContent()).toBe("Выключено");
  await expect.poll(() => page.getByTestId("foreign-notice").count(), POLL).toBe(2);
  await page.getByTestId("vacation-subject").fill("Нет на месте");
  await page.getByTestId("vacation-message").fill("Вернусь скоро.");
  await page.getByTestId("vacation-save").click();
  const dialog = page.getByRole("dialog", { name: "Заменить ваше правило фильтрации?" });
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain("«Мои правила»");
  // Cancel leaves everything as it was.
  await dialog.getByRole("button", { name: "Отмена" }).click();
  await expect.poll(() => dialog.count(), POLL).toBe(0);
  expect(mailcow.activeFilters(address).map((f) => f.description)).toEqual(["Мои правила"]);
  await page.getByTestId("vacation-save").click();
  await dialog.waitFor();
  await page.getByTestId("foreign-confirm").click();
  await expect.poll(() => page.getByTestId("vacation-done").textContent(), POLL).toBe("Автоответ включён");
  expect(mailcow.activeFilters(address).map((f) => f.description)[0]).toMatch(/^platform-mail:/);
  expect(await page.getByTestId("vacation-status").textContent()).toBe("Включено");
  await expect.poll(() => page.getByTestId("foreign-notice").count(), POLL).toBe(0);

  // English: the same page and the server's refusals in English.
  await setLanguage(page, "EN");
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent(), POLL).toBe("Mail settings");
  expect(await page.getByTestId("vacation-status").textContent()).toBe("On");
  await page.getByTestId("forwarding-to-1").fill("me@outside.example");
  await page.getByTestId("forwarding-save").click();
  await expect.poll(() => page.locator("#forwarding-to-1-error").textContent(), POLL).toBe("Forwarding outside the company is not allowed by the administrator");
  await page.getByTestId("forwarding-to-1").fill(bob);
  await page.getByTestId("forwarding-save").click();
  await expect.poll(() => page.locator("#forwarding-to-1-error").textContent(), POLL).toBe("This address is already in the list");
  await page.getByRole("button", { name: "Remove address 2" }).click();
  await page.getByTestId("forwarding-keep-copy").uncheck();
  await page.getByTestId("forwarding-save").click();
  await expect.poll(() => page.getByTestId("forwarding-done").textContent(), POLL).toBe("Forwarding is on");
  expect(script()).toContain(`redirect "${bob}";\nstop;`);
  await page.getByTestId("spam-level-default").check();
  await page.getByTestId("spam-save").click();
  await expect.poll(() => page.getByTestId("spam-current").textContent(), POLL).toBe("Default · Spam from 5, reject from 15");
  await sectionShots(page, "en");

  // Out-of-office without an end date in English on the Mail page, then off.
  await page.getByRole("link", { name: "Back to mail" }).click();
  await expect.poll(() => page.getByTestId("vacation-notice").textContent(), POLL).toContain("Out-of-office is on");
  await page.getByTestId("vacation-notice-off").click();
  await expect.poll(() => page.getByTestId("vacation-notice").count(), POLL).toBe(0);
  await setLanguage(page, "RU");

  expect(errors).toEqual([]);
});
