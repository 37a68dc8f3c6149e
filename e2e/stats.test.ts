// Quota banner and the admin statistics page in real Chromium: a user's mailbox crosses the warning threshold (usage
// set in the Mailcow emulator) and the Mail page says what to do; an admin opens /admin/stats and sees the charts
// (uPlot canvases), their text summaries and tables, downloads a CSV, and finds the user in the "nearly full" list.
// 60 days of history are written into the snapshot tables beforehand (the server takes one snapshot a day).
import { readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "vitest";
import type { Browser } from "playwright-core";
import type { MailcowEmulator } from "../tools/mailcow-emulator/index";
import { openPage, registerInBrowser, type RunningServer, screenshot, setLanguage, useEmulatedPlatform } from "./harness";

const DESKTOP = { width: 1280, height: 900 };
const POLL = { timeout: 15_000, interval: 100 };
const PASSWORD = "лиловый-закат-2026";
const MIB = 1_048_576;
const QUOTA = 1024 * MIB;
const DAY_MS = 86_400_000;

let mailcow: MailcowEmulator;
let server: RunningServer;
let browser: Browser;

useEmulatedPlatform((platform) => ({ mailcow, server, browser } = platform));

/** The server's database, opened beside it (WAL): for the admin role and the history of earlier days. */
function database() {
  return new Database(path.join(server.dataDir, "platform.db"));
}

test("a nearly full mailbox shows the banner; an admin sees the statistics charts and the nearly full list", async () => {
  const { page, context, errors } = await openPage(browser, DESKTOP);
  await registerInBrowser(page, server.url, "rita", PASSWORD);
  expect(await page.getByTestId("quota-banner").count()).toBe(0);

  mailcow.setMailboxUsage(`rita@${mailcow.domain}`, { bytes: Math.round(QUOTA * 0.9), messages: 4200 });
  await page.reload();
  const banner = page.getByTestId("quota-banner");
  await banner.waitFor();
  expect(await banner.getAttribute("data-level")).toBe("warning");
  expect(await banner.innerText()).toContain("заполнен на 90%");
  expect(await banner.innerText()).toContain("Корзину");
  await screenshot(page, "stats-quota-banner-ru");
  await setLanguage(page, "EN");
  await expect.poll(() => banner.innerText(), POLL).toContain("ask an administrator for more space");
  await setLanguage(page, "RU");

  // Not an admin yet: the page says so.
  await page.goto(`${server.url}/admin/stats`);
  await page.getByTestId("admin-forbidden").waitFor();

  const db = database();
  db.prepare("UPDATE user SET role = 'admin' WHERE username = 'rita'").run();
  const userId = (db.prepare("SELECT id FROM user WHERE username = 'rita'").get() as { id: string }).id;
  const insertDomain = db.prepare("INSERT INTO stats_domain_day (day, domain, taken_at, mailboxes, allocated_bytes, used_bytes) VALUES (?, ?, ?, ?, ?, ?)");
  const insertMailbox = db.prepare(
    `INSERT INTO stats_mailbox_day (day, user_id, address, domain, used_bytes, quota_bytes, messages, last_imap_login, last_smtp_login, last_webmail_login)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const today = Date.now();
  for (let daysAgo = 59; daysAgo >= 0; daysAgo--) {
    const at = today - daysAgo * DAY_MS;
    const day = new Date(at).toISOString().slice(0, 10);
    const mailboxes = 40 + Math.floor((60 - daysAgo) / 3);
    const used = Math.round(QUOTA * (5 + (60 - daysAgo) * 0.4));
    insertDomain.run(day, mailcow.domain, at, mailboxes, mailboxes * QUOTA, used);
    for (let i = 0; i < 5; i++) {
      const percent = [10, 40, 70, 85, 97][i]!;
      insertMailbox.run(day, `${userId}-${i}`, `u${i}@${mailcow.domain}`, mailcow.domain, Math.round((QUOTA * percent) / 100), QUOTA, 100 * i, Math.floor(at / 1000) - i * 10 * 86_400, null, null);
    }
  }
  db.close();

  await page.goto(`${server.url}/admin/stats`);
  await page.getByTestId("admin-statistics").waitFor();
  // Inside the admin console's layout, its tab marked as the current page.
  expect(await page.getByRole("link", { name: "Статистика" }).getAttribute("aria-current")).toBe("page");
  for (const id of ["used_bytes", "mailboxes", "active_users", "near_full", "quota_distribution"]) {
    const chart = page.getByTestId(`chart-${id}`);
    await chart.locator("canvas").first().waitFor();
    // The text alternative is there, and the table behind "show as a table".
    expect((await chart.locator("figcaption").innerText()).length).toBeGreaterThan(10);
    expect(await chart.locator("table tbody tr").count()).toBeGreaterThan(0);
  }
  expect(await page.getByTestId("chart-mailboxes").locator("table tbody tr").count()).toBe(60);
  // 5 mailboxes per day with logins 0, 10, 20, 30, 40 days before it: 3 within 30 days.
  expect(await page.getByTestId("active-users").innerText()).toContain("3");
  const near = page.getByTestId("near-full-row");
  await near.first().waitFor();
  expect(await near.count()).toBe(1);
  expect(await near.first().innerText()).toContain("rita");
  expect(await near.first().innerText()).toContain("90%");
  await screenshot(page, "stats-admin-ru");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("chart-mailboxes").getByRole("button", { name: /CSV/ }).click()]);
  const csv = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toBe("День,Почтовые ящики");
  expect(lines).toHaveLength(61);
  expect(lines.at(-1)).toMatch(/^\d{4}-\d{2}-\d{2},60$/);

  await setLanguage(page, "EN");
  await expect.poll(() => page.getByRole("heading", { level: 2, name: "Usage statistics" }).count(), POLL).toBe(1);
  await page.locator("label", { hasText: "30 days" }).click();
  expect(await page.getByRole("radio", { name: "30 days" }).isChecked()).toBe(true);
  await expect.poll(() => page.getByTestId("chart-mailboxes").locator("table tbody tr").count(), POLL).toBe(30);
  await screenshot(page, "stats-admin-en");
  expect(errors).toEqual([]);
  await context.close();
});
