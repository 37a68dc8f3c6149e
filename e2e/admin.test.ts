// The admin console in real Chromium against the Mailcow emulator: an admin (granted with `npm run admin -- grant`
// before the browser starts) imports a CSV of 50 people as invitations (dry run, then run, then the result CSV), two
// of the invitations are used to sign up in other browsers, a `failed` mailbox (the domain was full) is found in the
// table and retried with the dry-run preview, a quota is changed on the person's page, and each action is in the
// audit log. Screenshots of every console screen in Russian and English, desktop and phone: e2e/artifacts/admin-*.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, expect, onTestFailed, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startMailcowEmulator, type MailcowEmulator } from "../tools/mailcow-emulator/index";
import { DESKTOP, launchBrowser, openPage, PHONE, ROOT, type RunningServer, screenshot, setLanguage, startServer } from "./harness";
import { trpcSession } from "./trpc-http";

const POLL = { timeout: 20_000, interval: 100 };
const PASSWORD = "лиловый-закат-2026";

let mailcow: MailcowEmulator;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  // Room for five mailboxes: the admin's, an employee's, two invited people's and one more (someone else's, made
  // behind the platform's back) — the next sign-up finds the domain full.
  mailcow = await startMailcowEmulator({ domainLimits: { mailboxes: 5, maxQuotaMiB: 10_240, quotaMiB: 1024 * 1000, defQuotaMiB: 1024 } });
  [server, browser] = await Promise.all([
    startServer({
      MAILCOW_API_URL: mailcow.url,
      MAILCOW_API_KEY: mailcow.apiKey,
      MAILCOW_DOMAIN: mailcow.domain,
      MAILBOX_INFO_CACHE_SECONDS: "0",
      REGISTRATION_MODE: "open",
      // The worker must not retry the full-domain mailbox by itself during the test: the admin does.
      PROVISIONING_ROOM_CHECK_MINUTES: "600",
      // A five-mailbox domain: sign-ups are not held back to keep free places.
      SIGNUP_MIN_FREE_MAILBOXES: "0",
    }),
    launchBrowser(),
  ]);
  // The first admin: an ordinary sign-up, then the role from the command line (the server is running).
  await trpcSession(server.url).mutate("auth.register", { username: "boss", displayName: "Главный Админ", password: PASSWORD });
  const grant = spawnSync(process.execPath, ["--import", "tsx", "tools/admin/cli.ts", "grant", "boss", "--database", path.join(server.dataDir, "platform.db")], {
    cwd: ROOT,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", DATA_DIR: server.dataDir },
  });
  expect(grant.status, grant.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await mailcow?.close();
});

/** The screen in both languages at both widths (the page is left in Russian at desktop width). */
async function screenshots(page: Page, name: string): Promise<void> {
  for (const lang of ["ru", "en"] as const) {
    if (lang === "en") await setLanguage(page, "EN");
    for (const [suffix, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
      await page.setViewportSize(viewport);
      await screenshot(page, `admin-${name}-${lang}-${suffix}`);
    }
    await page.setViewportSize(DESKTOP);
  }
  await setLanguage(page, "RU");
}

/** A dialog cannot be left for the language switch: one language, both widths. */
async function dialogScreenshots(page: Page, name: string, lang: "ru" | "en"): Promise<void> {
  for (const [suffix, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    await page.setViewportSize(viewport);
    await screenshot(page, `admin-${name}-${lang}-${suffix}`);
  }
  await page.setViewportSize(DESKTOP);
}

function csvOfPeople(): string {
  const lines = ["username,displayName,quotaMiB"];
  for (let i = 1; i <= 50; i++) lines.push(`emp${String(i).padStart(2, "0")},Сотрудник ${i},${i % 5 === 0 ? 2048 : ""}`);
  lines.push("emp07,Повтор в файле,"); // a duplicate
  lines.push("не-латиница,Недопустимое имя,"); // an invalid name
  return lines.join("\n");
}

test("an admin imports 50 people, two sign up with invitations, a failed mailbox is retried, a quota changed, all in the audit log", async () => {
  const watched = await openPage(browser, DESKTOP);
  const { page } = watched;
  onTestFailed(async () => {
    await screenshot(page, "admin-failure");
    console.error(watched.errors.join("\n"), server.logs.join("").slice(-4000));
  });

  // An employee without the role sees no console (the server refuses admin.* as well).
  const plain = trpcSession(server.url);
  await plain.mutate("auth.register", { username: "plain", password: PASSWORD });
  await expect(plain.query("admin.mailboxes.list", {})).rejects.toThrow(/FORBIDDEN/);

  // Unknown console paths are a real 404; the console's pages are the app.
  expect((await fetch(`${server.url}/admin/people/some-id`)).status).toBe(200);
  expect((await fetch(`${server.url}/admin/nothing-here`)).status).toBe(404);

  // Sign in: the Admin link is in the menu for an admin.
  await page.goto(`${server.url}/login`);
  await page.fill("input[name=login]", "boss");
  await page.fill("input[name=password]", PASSWORD);
  await page.getByRole("button", { name: "Войти" }).click();
  await page.waitForURL(`${server.url}/`);
  await page.getByRole("link", { name: "Администрирование" }).click();
  await page.getByTestId("admin-mailboxes").waitFor();
  await expect.poll(() => page.getByTestId("mailboxes-table").locator("tbody tr[data-username]").count(), POLL).toBe(2);
  await screenshots(page, "mailboxes");

  // ---- Import: dry run with per-row reasons, then invitations, progress and the result CSV.
  await page.getByRole("link", { name: "Импорт" }).click();
  await page.getByLabel("CSV", { exact: true }).fill(csvOfPeople());
  await page.getByRole("button", { name: "Проверить (без изменений)" }).click();
  await expect.poll(() => page.getByTestId("import-summary").textContent(), POLL).toBe("Строк: 52. Можно создать: 50. С ошибками: 2");
  expect(await page.getByTestId("import-preview").getByText("Повтор в файле", { exact: false }).count()).toBeGreaterThan(0);
  await screenshots(page, "import-preview");
  await page.getByRole("button", { name: "Запустить импорт (50)" }).click();
  await page.locator("[data-testid=import-progress][data-state=finished]").waitFor({ timeout: POLL.timeout });
  const bar = page.getByTestId("import-progress").getByRole("progressbar");
  expect(await bar.getAttribute("aria-valuenow")).toBe(await bar.getAttribute("aria-valuemax"));
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Скачать результат CSV" }).click()]);
  const resultCsv = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
  const result = Papa.parse<Record<string, string>>(resultCsv.trim(), { header: true }).data;
  const invited = result.filter((row) => row.status === "created");
  expect(invited).toHaveLength(50);
  expect(invited.every((row) => /^(https?:\/\/[^/]+)?\/register\?invitation=[\w-]{22,}$/.test(row.invitationLink ?? ""))).toBe(true);
  await screenshots(page, "import-done");

  // ---- Two invitations are used in other browsers (one on a phone); the preset username cannot be changed.
  for (const [row, viewport] of [[invited[0]!, DESKTOP], [invited[1]!, PHONE]] as const) {
    const other = await openPage(browser, viewport);
    const link = row.invitationLink!;
    await other.page.goto(link.startsWith("http") ? link : `${server.url}${link}`);
    expect(await other.page.locator("input[name=username]").inputValue()).toBe(row.username);
    await other.page.fill("input[name=password]", PASSWORD);
    await other.page.fill("input[name=passwordConfirm]", PASSWORD);
    await other.page.getByRole("button", { name: "Зарегистрироваться" }).click();
    await other.page.waitForURL(`${server.url}/mail`);
    await expect.poll(() => mailcow.mailbox(`${row.username}@${mailcow.domain}`)?.active ?? null, POLL).toBe(1);
    expect(other.errors).toEqual([]);
    await other.context.close();
  }
  await page.getByRole("link", { name: "Приглашения" }).click();
  await page.getByLabel("Статус").selectOption("used");
  await expect.poll(() => page.locator("[data-testid=invitations-table] tbody tr[data-status=used]").count(), POLL).toBe(2);
  await screenshots(page, "invitations");

  // ---- A failed mailbox: the domain is full (someone else's mailbox took the last place) when "zoya" signs up.
  mailcow.seedMailbox({ localPart: "filler", name: "Не платформы" });
  const zoya = trpcSession(server.url);
  const signedUp = await zoya.mutate<{ mailbox: { state: string; reason: string | null } }>("auth.register", { username: "zoya", displayName: "Зоя Космодемьянская", password: PASSWORD });
  expect(signedUp.mailbox).toEqual({ state: "failed", reason: "domain_full" });
  // Room again (the other mailbox is gone): only a retry creates the mailbox now.
  const freed = await fetch(`${mailcow.url}/delete/mailbox`, { method: "POST", headers: { "X-API-Key": mailcow.apiKey, "content-type": "application/json" }, body: JSON.stringify([`filler@${mailcow.domain}`]) });
  expect(freed.ok).toBe(true);

  await page.getByRole("link", { name: "Ящики" }).click();
  await page.getByTestId("count-failed").click();
  await expect.poll(() => page.locator("[data-testid=mailboxes-table] tbody tr[data-username]").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-username"))), POLL).toEqual(["zoya"]);
  await screenshots(page, "mailboxes-failed");
  await page.getByRole("checkbox", { name: "Выбрать Зоя Космодемьянская" }).check();
  await page.getByTestId("selection-bar").getByRole("button", { name: "Повторить создание" }).click();
  const dialog = page.getByTestId("action-dialog");
  await dialog.getByRole("button", { name: "Проверить (без изменений)" }).click();
  await expect.poll(() => dialog.getByTestId("action-preview").textContent(), POLL).toContain("Будет выполнено: 1");
  expect(mailcow.mailbox(`zoya@${mailcow.domain}`)).toBeNull(); // nothing changed by the dry run
  await dialogScreenshots(page, "retry-preview", "ru");
  await dialog.getByRole("button", { name: "Выполнить для 1" }).click();
  await page.locator("[data-testid=action-result][data-state=done]").waitFor({ timeout: POLL.timeout });
  expect(await dialog.getByTestId("action-result").textContent()).toContain("Успешно: 1");
  await dialogScreenshots(page, "retry-result", "ru");
  await dialog.getByRole("button", { name: "Готово" }).click();
  await expect.poll(() => mailcow.mailbox(`zoya@${mailcow.domain}`)?.active ?? null, POLL).toBe(1);

  // ---- The person's page: state history, live figures; the quota changed (in English this time).
  await page.getByTestId("count-failed").click(); // back to everyone
  await page.getByRole("link", { name: "Зоя Космодемьянская" }).click();
  await page.getByTestId("admin-person").waitFor();
  await expect.poll(() => page.getByTestId("state-history").locator("tbody tr").count(), POLL).toBeGreaterThanOrEqual(2);
  await screenshots(page, "person");
  await setLanguage(page, "EN");
  await page.getByTestId("person-actions").getByRole("button", { name: "Change quota" }).click();
  await page.getByLabel("New quota, MiB").fill("2048");
  await page.getByTestId("action-dialog").getByRole("button", { name: "Check (dry run)" }).click();
  await expect.poll(() => page.getByTestId("action-preview").textContent(), POLL).toContain("Will be done: 1");
  await dialogScreenshots(page, "quota-preview", "en");
  await page.getByTestId("action-dialog").getByRole("button", { name: "Do it for 1" }).click();
  await page.locator("[data-testid=action-result][data-state=done]").waitFor({ timeout: POLL.timeout });
  await dialogScreenshots(page, "quota-result", "en");
  await page.getByTestId("action-dialog").getByRole("button", { name: "Done" }).click();
  await expect.poll(() => mailcow.mailbox(`zoya@${mailcow.domain}`)?.quotaMiB ?? null, POLL).toBe(2048);
  await setLanguage(page, "RU");

  // ---- The audit log has each action; the reconcile and statistics tabs open.
  await page.getByRole("link", { name: "Журнал" }).click();
  const audit = page.getByTestId("audit-table");
  const actions = () => audit.locator("tbody tr[data-action]").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-action")));
  await expect.poll(actions, POLL).toContain("admin.mailboxes.setQuota");
  // Filtered by action: the import's start (each invitation it made has an entry too), then by a prefix the two
  // mailbox actions, newest first.
  await page.getByLabel("Действие").fill("admin.import.start");
  await page.getByRole("button", { name: "Применить" }).click();
  await expect.poll(actions, POLL).toEqual(["admin.import.start"]);
  await page.getByLabel("Действие").fill("admin.mailboxes.");
  await page.getByRole("button", { name: "Применить" }).click();
  await expect.poll(actions, POLL).toEqual(["admin.mailboxes.setQuota", "admin.mailboxes.retry"]);
  await screenshots(page, "audit");
  const [auditCsv] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Экспорт CSV" }).click()]);
  expect(readFileSync((await auditCsv.path())!, "utf8")).toContain("admin.mailboxes.setQuota");

  // ---- Reconcile: a quota changed in Mailcow behind the platform's back is reported and fixed after a confirmation.
  const edited = await fetch(`${mailcow.url}/edit/mailbox`, {
    method: "POST",
    headers: { "X-API-Key": mailcow.apiKey, "content-type": "application/json" },
    body: JSON.stringify({ items: [`${invited[0]!.username}@${mailcow.domain}`], attr: { quota: "3072" } }),
  });
  expect(edited.ok).toBe(true);
  await page.getByRole("link", { name: "Сверка" }).click();
  await page.getByRole("button", { name: "Сверить сейчас" }).click();
  const drift = page.getByTestId("drift-quota_changed");
  await drift.waitFor({ timeout: POLL.timeout });
  await drift.getByRole("checkbox", { name: `Выбрать ${invited[0]!.username}@${mailcow.domain}` }).check();
  await drift.getByRole("combobox").selectOption("restore_quota");
  await screenshots(page, "reconcile");
  await page.getByRole("button", { name: "Применить исправления (1)" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Применить" }).click();
  await expect.poll(() => page.getByTestId("admin-reconcile").textContent(), POLL).toContain("Исправлений применено: 1");
  await expect.poll(() => mailcow.mailbox(`${invited[0]!.username}@${mailcow.domain}`)?.quotaMiB ?? null, POLL).not.toBe(3072);
  await screenshots(page, "reconcile-fixed");
  await page.getByRole("link", { name: "Статистика" }).click();
  await page.getByTestId("admin-statistics").waitFor();
  await screenshots(page, "statistics");

  expect(watched.errors).toEqual([]);
}, 240_000);
