// The Mail page (ПОЧТА) in real Chromium against the real server and a Mailcow emulator in this process,
// so the tests can make Mailcow fail. Screenshots of every state, desktop and phone, go to e2e/artifacts/.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { MailboxInfo, MailboxState } from "../shared/schemas/mailbox";
import { startMailcowEmulator, type MailcowEmulator } from "../tools/mailcow-emulator/index";
import { DESKTOP, launchBrowser, openPage, PHONE, POLL, registerInBrowser, type RunningServer, screenshot, startServer, type WatchedPage } from "./harness";

const GIB = 1024 ** 3;

let mailcow: MailcowEmulator;
let server: RunningServer;
let demo: RunningServer;
let browser: Browser;

beforeAll(async () => {
  mailcow = await startMailcowEmulator();
  const fast = { PROVISIONING_RETRY_BASE_SECONDS: "1", PROVISIONING_POLL_MS: "200", MAILBOX_INFO_CACHE_SECONDS: "0" };
  [server, demo, browser] = await Promise.all([
    startServer({ MAILCOW_API_URL: mailcow.url, MAILCOW_API_KEY: mailcow.apiKey, MAILCOW_DOMAIN: mailcow.domain, ...fast }),
    startServer(fast),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), demo?.stop()]);
  await mailcow?.close();
});

/** The sidebar's «Почта» link (behind the menu button on a phone). */
async function openMail(page: Page): Promise<void> {
  const menu = page.getByRole("button", { name: "Открыть меню" });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole("link", { name: "Почта" }).click();
  await page.waitForURL(/\/mail$/);
  await page.getByTestId("mail-page").waitFor();
}

const mailState = (page: Page) => page.getByTestId("mail-page").getAttribute("data-state", { timeout: 1000 });
const quotaLevel = (page: Page) => page.getByTestId("mail-quota").getAttribute("data-level", { timeout: 1000 });

/** The same screen at both widths (full page), then back to the width the test runs at. */
async function screenshots(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? DESKTOP;
  for (const [suffix, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, `mail-${name}-${suffix}`);
  }
  await page.setViewportSize(size);
}

function expectNoErrors({ errors }: WatchedPage): void {
  expect(errors).toEqual([]);
}

describe("with Mailcow", () => {
  test("a new user: active mailbox, copy a setting, set the mailbox password, English and back, quota levels, downloads", async () => {
    const watched = await openPage(browser, DESKTOP);
    const { page, context } = watched;
    await registerInBrowser(page, server.url, "anna", "зелёный-слон-2026");
    await openMail(page);
    const address = `anna@${mailcow.domain}`;

    expect(await mailState(page)).toBe("active");
    expect(await page.getByTestId("mail-address").innerText()).toBe(address);
    expect(await page.getByTestId("mail-status").innerText()).toContain("Работает");
    expect(await page.getByRole("meter", { name: "Место в ящике" }).getAttribute("aria-valuenow")).toBe("0");
    expect(await page.getByTestId("mail-quota").innerText()).toContain("из 1 ГБ");
    expect(await page.getByTestId("mail-messages").innerText()).toBe("0");
    expect(await page.getByText("никогда").count()).toBe(3);
    expect(await page.getByTestId("demo-banner").count()).toBe(0);
    const imap = page.getByTestId("settings-imap");
    expect(await imap.locator("[data-setting=port]").innerText()).toBe("993");
    expect(await imap.locator("[data-setting=security]").innerText()).toBe("SSL/TLS");
    expect(await imap.locator("[data-setting=username]").innerText()).toBe(address);
    expect(await page.getByTestId("settings-smtp").locator("[data-setting=port]").innerText()).toBe("587");
    expect(await page.getByTestId("settings-smtp").locator("[data-setting=security]").innerText()).toBe("STARTTLS");
    const webmail = page.getByRole("link", { name: /Открыть веб-почту/ });
    expect(await webmail.getAttribute("target")).toBe("_blank");
    expect(await webmail.getAttribute("rel")).toBe("noopener noreferrer");

    // New mailboxes carry Mailcow's forced password change: mail apps work, webmail will ask (the card says so).
    const firstStep = page.getByTestId("first-step");
    expect(await firstStep.innerText()).toContain("Почтовые программы уже работают, веб-почта попросит новый пароль");
    expect(await firstStep.innerText()).toContain("Можно ввести тот же пароль ещё раз");
    expect(await firstStep.innerText()).not.toContain("Шаг 1");
    await page.locator("[data-guide=apple] summary").click();
    await screenshots(page, "active-first-step");

    // Copy the IMAP server: the clipboard has it, and "copied" is announced.
    const host = await imap.locator("[data-setting=server]").innerText();
    await page.getByRole("button", { name: "Копировать: Входящая почта (IMAP): Сервер" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(host);
    await expect.poll(() => imap.getByRole("status").first().innerText()).toContain("Входящая почта (IMAP): сервер скопирован");

    // The password dialog: focus moves in, Escape closes it and focus returns to the opener.
    const opener = firstStep.getByRole("button", { name: "Задать пароль ящика" });
    await opener.click();
    const dialog = page.getByRole("dialog", { name: "Новый пароль почтового ящика" });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("newPassword");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain("Задать пароль ящика");

    // Client-side checks, then the server's (the username inside the password), then success.
    await opener.click();
    await dialog.waitFor();
    await page.fill("input[name=newPassword]", "short");
    expect(await dialog.locator("[data-rule=length]").getAttribute("data-ok")).toBe("false");
    await dialog.getByRole("button", { name: "Сохранить пароль" }).click();
    const newPasswordError = dialog.locator("#field-newPassword-error");
    await expect.poll(() => newPasswordError.innerText({ timeout: 1000 }), POLL).toBe("Не короче 10 символов");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("newPassword");
    await page.fill("input[name=newPassword]", "my-name-is-anna-2026");
    await page.fill("input[name=passwordConfirm]", "my-name-is-anna-2026");
    expect(await dialog.locator("[data-rule=notUsername]").getAttribute("data-ok")).toBe("false");
    await dialog.getByRole("button", { name: "Сохранить пароль" }).click();
    await expect.poll(() => newPasswordError.innerText({ timeout: 1000 }), POLL).toBe("Пароль не должен содержать имя пользователя");
    await page.fill("input[name=newPassword]", "новый-пароль-для-почты");
    await page.fill("input[name=passwordConfirm]", "другой-пароль-для-почты");
    await dialog.getByRole("button", { name: "Сохранить пароль" }).click();
    await expect.poll(() => dialog.locator("#field-passwordConfirm-error").innerText({ timeout: 1000 }), POLL).toBe("Пароли не совпадают");
    await page.fill("input[name=passwordConfirm]", "новый-пароль-для-почты");
    await page.setViewportSize(PHONE);
    await screenshot(page, "mail-password-dialog-phone");
    await page.setViewportSize(DESKTOP);
    await screenshot(page, "mail-password-dialog-desktop");
    await dialog.getByRole("button", { name: "Сохранить пароль" }).click();
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => page.getByTestId("password-changed").innerText({ timeout: 1000 }), POLL).toContain("Пароль почтового ящика изменён");
    expect(await firstStep.count()).toBe(0);
    // Its opener is gone with the first step: focus lands on the other password button.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Сменить пароль ящика");
    expect(mailcow.checkPassword(address, "новый-пароль-для-почты")).toBe(true);
    expect(mailcow.mailbox(address)?.attributes.force_pw_update).toBe("0");
    expect(await webmail.getAttribute("class")).toContain("bg-pink-600"); // the main action again
    await screenshots(page, "active");

    // English at once, and back.
    await page.getByRole("button", { name: "EN", exact: true }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Mail");
    expect(await page.getByTestId("mail-status").innerText()).toContain("Working");
    expect(await page.getByTestId("mail-quota").innerText()).toContain("of 1 GB used");
    expect(await page.getByTestId("settings-imap").getByRole("rowheader", { name: "Server" }).count()).toBe(1);
    expect(await page.title()).toBe("Mail · Platform Mail");
    await screenshots(page, "active-en");
    await page.getByRole("button", { name: "RU", exact: true }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Почта");

    // Quota levels from Mailcow's figures (no live cache in this server).
    mailcow.setMailboxUsage(address, { bytes: Math.round(0.8 * GIB), messages: 1234 });
    await page.reload();
    await expect.poll(() => quotaLevel(page), POLL).toBe("warning");
    expect(await page.getByTestId("mail-messages").innerText()).toMatch(/^1\s234$/); // a no-break space
    await screenshots(page, "quota-warning");
    mailcow.setMailboxUsage(address, { bytes: Math.round(0.95 * GIB), messages: 1300 });
    await page.reload();
    await expect.poll(() => quotaLevel(page), POLL).toBe("danger");
    expect(await page.getByRole("meter").getAttribute("aria-valuenow")).toBe("95");
    await screenshots(page, "quota-danger");

    // Mailcow unreachable: the stored state, and a notice instead of live figures.
    mailcow.fault("down");
    try {
      await page.reload();
      await page.getByTestId("live-unavailable").waitFor();
      expect(await mailState(page)).toBe("active");
      expect(await page.getByTestId("mail-quota").count()).toBe(0);
      await screenshots(page, "live-unavailable");
    } finally {
      mailcow.fault(null);
    }

    // Zero-typing set-up, fetched with this page's cookies and parsed here.
    const downloads = await page.evaluate(async (email) => {
      const text = async (url: string) => {
        const response = await fetch(url);
        return { status: response.status, type: response.headers.get("content-type"), disposition: response.headers.get("content-disposition"), body: await response.text() };
      };
      const profile = await text("/api/mailbox/profile.mobileconfig");
      const plist = new DOMParser().parseFromString(profile.body, "application/xml");
      const account: Record<string, string> = {};
      const dict = plist.querySelector("array > dict");
      const children = dict ? [...dict.children] : [];
      for (let i = 0; i < children.length; i += 2) {
        const value = children[i + 1];
        account[children[i]?.textContent ?? ""] = value ? (value.tagName === "true" || value.tagName === "false" ? value.tagName : (value.textContent ?? "")) : "";
      }
      const autoconfig = async (url: string) => {
        const answer = await text(url);
        const doc = new DOMParser().parseFromString(answer.body, "application/xml");
        const server = (selector: string) => {
          const node = doc.querySelector(selector);
          return { port: node?.querySelector("port")?.textContent, socketType: node?.querySelector("socketType")?.textContent, username: node?.querySelector("username")?.textContent };
        };
        return { status: answer.status, type: answer.type, imap: server("incomingServer[type=imap]"), smtp: server("outgoingServer[type=smtp]") };
      };
      return {
        profile: { status: profile.status, type: profile.type, disposition: profile.disposition, account, body: profile.body },
        wellKnown: await autoconfig(`/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(email)}`),
        short: await autoconfig(`/mail/config-v1.1.xml?emailaddress=${encodeURIComponent(email)}`),
      };
    }, address);
    expect(downloads.profile).toMatchObject({ status: 200, type: expect.stringContaining("application/x-apple-aspen-config"), disposition: `attachment; filename="${address}.mobileconfig"` });
    expect(downloads.profile.account).toMatchObject({
      EmailAddress: address,
      IncomingMailServerPortNumber: "993",
      IncomingMailServerUseSSL: "true",
      IncomingMailServerUsername: address,
      OutgoingMailServerPortNumber: "587",
      OutgoingMailServerUseSSL: "true", // Apple's flag for TLS; with port 587 that is STARTTLS
      OutgoingMailServerUsername: address,
    });
    expect(downloads.profile.body).not.toMatch(/Password<\/key>\s*<string>|новый-пароль|зелёный-слон/);
    for (const config of [downloads.wellKnown, downloads.short]) {
      expect(config).toMatchObject({
        status: 200,
        type: expect.stringContaining("xml"),
        imap: { port: "993", socketType: "SSL", username: "%EMAILADDRESS%" },
        smtp: { port: "587", socketType: "STARTTLS", username: "%EMAILADDRESS%" },
      });
    }
    // The page links the profile as a plain download, its texts in the page's language.
    expect(await page.getByTestId("profile-download").getAttribute("href")).toBe("/api/mailbox/profile.mobileconfig?lang=ru");

    expectNoErrors(watched);
    await context.close();
  });

  test("on a phone, with Mailcow down: signed up, the mailbox waits (pending), then turns active by itself", async () => {
    const watched = await openPage(browser, PHONE);
    const { page, context } = watched;
    mailcow.fault("down");
    try {
      await registerInBrowser(page, server.url, "boris", "синий-кит-плывёт-2026");
      await openMail(page);
      expect(await mailState(page)).toBe("pending");
      expect(await page.getByRole("progressbar", { name: "Ящик создаётся" }).count()).toBe(1);
      expect(await page.getByText("Почтовый сервер сейчас недоступен").count()).toBe(1);
      const retry = page.getByRole("button", { name: "Повторить сейчас" });
      await retry.click(); // still down: still pending, and no error
      await expect.poll(() => retry.isEnabled()).toBe(true);
      expect(await mailState(page)).toBe("pending");
      await screenshots(page, "pending");
    } finally {
      mailcow.fault(null);
    }
    // No reload: the page polls while the mailbox is being created.
    await expect.poll(() => mailState(page), { timeout: 20_000, interval: 250 }).toBe("active");
    expect(await page.getByTestId("mail-address").innerText()).toBe(`boris@${mailcow.domain}`);
    expect(await page.locator("p[role=status].sr-only").innerText()).toBe("Почтовый ящик создан и работает");
    await screenshot(page, "mail-after-recovery-phone");
    expectNoErrors(watched);
    await context.close();
  });
});

test("demo mode: the banner says mailboxes are simulated", async () => {
  const watched = await openPage(browser, DESKTOP);
  const { page, context } = watched;
  await registerInBrowser(page, demo.url, "vera", "красный-мак-цветёт-2026");
  await openMail(page);
  expect(await page.getByTestId("demo-banner").innerText()).toContain("Почтовые ящики здесь имитируются");
  await screenshots(page, "demo");
  expectNoErrors(watched);
  await context.close();
});

// States a test cannot easily bring about in Mailcow (a retry window that passed, a deleted account…): the
// page is shown each mailbox.info answer the router can give, so each looks finished in both languages.
test("every other state has its explanation and its one action, in Russian and English", async () => {
  const watched = await openPage(browser, DESKTOP);
  const { page, context } = watched;
  await registerInBrowser(page, demo.url, "gleb", "жёлтый-лист-падает-2026");
  const base: MailboxInfo = {
    state: "active",
    reason: null,
    reasonText: null,
    address: "gleb@example.test",
    live: null,
    liveUnavailable: false,
    quotaAlert: null,
    nextAttemptAt: null,
    attempts: 0,
    deleteAfter: null,
    settings: {
      webmailUrl: "https://mail.example.test/SOGo/",
      imap: { host: "mail.example.test", port: 993, security: "ssl", username: "gleb@example.test" },
      smtp: { host: "mail.example.test", port: 587, security: "starttls", username: "gleb@example.test" },
    },
    demo: false,
    demoMailstack: null,
  };
  const soon = new Date(Date.now() + 60_000).toISOString();
  const cases: { state: MailboxState; info: Partial<MailboxInfo>; ru: string; en: string; action?: string; name?: string }[] = [
    {
      state: "active",
      name: "active-unlimited",
      info: {
        live: {
          active: true,
          quotaBytes: 0,
          usedBytes: 3.5 * GIB,
          percentUsed: null,
          messages: 48_213,
          forcePasswordChange: false,
          lastImapLogin: "2026-11-27T08:15:00.000Z",
          lastSmtpLogin: "2026-11-26T17:42:00.000Z",
          lastWebmailLogin: null,
          name: "Gleb",
        },
      },
      ru: "Адрес",
      en: "Address",
      action: "Сменить пароль ящика",
    },
    { state: "provisioning", info: { reason: "creating", nextAttemptAt: soon }, ru: "Создаём ваш почтовый ящик", en: "Your mailbox is being created", action: "Повторить сейчас" },
    { state: "failed", info: { reason: "domain_full", attempts: 1 }, ru: "Создать почтовый ящик не удалось", en: "The mailbox could not be created", action: "Создать почтовый ящик" },
    { state: "needs_password", info: { reason: "retry_window_passed", attempts: 9 }, ru: "Задайте пароль почтового ящика", en: "Set your mailbox password", action: "Создать почтовый ящик" },
    { state: "none", info: { reason: "password_missing" }, ru: "Задайте пароль почтового ящика", en: "Set your mailbox password", action: "Создать почтовый ящик" },
    { state: "conflict", info: { reason: "address_taken" }, ru: "Этот адрес уже занят", en: "This address is already taken" },
    { state: "disabled", info: { reason: "disabled_in_mailcow" }, ru: "Почтовый ящик отключён", en: "Your mailbox is disabled" },
    { state: "deleting", info: { reason: "account_deleted", deleteAfter: "2026-12-04T10:00:00.000Z" }, ru: "Почтовый ящик удаляется", en: "Your mailbox is being deleted" },
  ];
  let answer: MailboxInfo = base;
  // tRPC batches calls made together (/trpc/auth.me,mailbox.info?batch=1): only mailbox.info's answer is replaced.
  await page.route(/\/trpc\/[^?]*mailbox\.info/, async (route) => {
    const url = new URL(route.request().url());
    if (!url.searchParams.has("batch")) return route.fulfill({ json: { result: { data: answer } } });
    const procedures = decodeURIComponent(url.pathname.slice("/trpc/".length)).split(",");
    const real = (await (await route.fetch()).json()) as unknown[];
    return route.fulfill({ json: procedures.map((name, i) => (name === "mailbox.info" ? { result: { data: answer } } : real[i])) });
  });

  for (const { state, info, ru, en, action, name = state } of cases) {
    answer = { ...base, ...info, state };
    await page.goto(`${demo.url}/mail`);
    await expect.poll(() => mailState(page), POLL).toBe(state);
    expect(await page.getByRole("heading", { level: 2, name: ru }).count(), state).toBe(1);
    if (action) expect(await page.getByRole("button", { name: action }).count(), state).toBe(1);
    else expect(await page.getByRole("link", { name: "postmaster@example.test" }).count(), state).toBe(1);
    if (name === "active-unlimited") {
      expect(await page.getByTestId("mail-quota").innerText()).toContain("Занято 3,5 ГБ — без ограничения");
      expect(await page.getByRole("meter").count()).toBe(0);
      expect(await page.getByTestId("mail-messages").innerText()).toMatch(/^48\s213$/);
      expect(await page.getByText(/27 нояб\. 2026 г\., \d\d:15/).count()).toBe(1);
      expect(await page.getByText("никогда").count()).toBe(1);
    }
    if (state === "none") {
      // The create form checks before it sends (zod arrives with the first submit).
      await page.getByRole("button", { name: "Создать почтовый ящик" }).click();
      await expect.poll(() => page.locator("#field-password-error").innerText({ timeout: 1000 }), POLL).toBe("Введите пароль");
      expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("password");
    }
    await screenshots(page, name);
    await page.getByRole("button", { name: "EN", exact: true }).click();
    await expect.poll(() => page.getByRole("heading", { level: 2, name: en }).count(), POLL).toBe(1);
    await screenshot(page, `mail-${name}-desktop-en`);
    await page.getByRole("button", { name: "RU", exact: true }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("Почта");
  }
  expectNoErrors(watched);
  await context.close();
});
