// The inbox in real Chromium against real Dovecot: a user signs up (the Mailcow emulator with its Dovecot backend,
// the mailstack's IMAP and SMTP submission), receives the corpus over LMTP (the hostile set included), reads it on
// the Mail page, marks read and unread, moves to Trash, searches, downloads an attachment with the right bytes and
// replies — the reply arrives in the recipient's INBOX. Hostile messages run ZERO scripts and make ZERO requests
// outside 127.0.0.1 (every request the browser makes is counted), with their readable content intact.
// Screenshots ru/en, desktop/phone, go to e2e/artifacts/. Needs Dovecot and Chromium: fails, never skips.
import { readFileSync } from "node:fs";
import { simpleParser } from "mailparser";
import type { Browser, Dialog, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { MailcowEmulator } from "../tools/mailcow-emulator/index";
import { deliverLmtp } from "../tools/mailstack/lmtp";
import { DOVECOT_VERSION, folderMessages, NO_DOVECOT_REASON, startTestMailstack, type TestMailstack } from "../tools/mailstack/test-support";
import { loadCorpus } from "./fixtures/mail/corpus";
import { DESKTOP, launchBrowser, mailstackServerEnv, openPage, PHONE, registerInBrowser, type RunningServer, screenshot, setLanguage, startEmulatorOnMailstack, startServer, type WatchedPage } from "./harness";
import { trpcSession } from "./trpc-http";

const POLL = { timeout: 15_000, interval: 100 };
const ADA_PASSWORD = "лиловый-закат-2026";
const BOB_PASSWORD = "синий-вечер-2026";
const FROM_BOB = "Обед в пятницу";
const corpus = loadCorpus();

let stack: TestMailstack;
let mailcow: MailcowEmulator;
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  if (!DOVECOT_VERSION) throw new Error(`The inbox suite needs Dovecot: ${NO_DOVECOT_REASON}`);
  stack = await startTestMailstack();
  mailcow = await startEmulatorOnMailstack(stack);
  [server, browser] = await Promise.all([
    startServer(mailstackServerEnv(stack, mailcow)),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await mailcow?.close();
  await stack?.cleanup();
});

async function screenshots(page: Page, name: string): Promise<void> {
  for (const lang of ["ru", "en"] as const) {
    if (lang === "en") await setLanguage(page, "EN");
    for (const [suffix, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
      await page.setViewportSize(viewport);
      await screenshot(page, `inbox-${name}-${lang}-${suffix}`);
    }
    await page.setViewportSize(DESKTOP);
  }
  await setLanguage(page, "RU");
}

describe(`the inbox in Chromium on Dovecot ${DOVECOT_VERSION}`, () => {
  let watched: WatchedPage;
  let page: Page;
  const requests: string[] = [];
  const dialogs: string[] = [];
  const frameConsole: string[] = [];
  const ada = () => `ada@${mailcow.domain}`;
  const bob = () => `bob@${mailcow.domain}`;

  beforeAll(async () => {
    watched = await openPage(browser, DESKTOP);
    page = watched.page;
    page.on("request", (request) => void requests.push(request.url()));
    page.on("dialog", (dialog: Dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("console", (message) => {
      if (message.type() !== "error") frameConsole.push(message.text());
    });
  });

  test("sign up, receive the corpus over LMTP, open the inbox from the Mail page", async () => {
    // Bob has a mailbox too: the reply goes to him.
    const bobSession = trpcSession(server.url);
    await bobSession.mutate("auth.register", { username: "bob", password: BOB_PASSWORD });

    await registerInBrowser(page, server.url, "ada", ADA_PASSWORD);

    for (const message of corpus) await deliverLmtp({ port: stack.lmtpPort }, { from: "sender@partner.example", to: ada(), raw: message.raw });
    await deliverLmtp(
      { port: stack.lmtpPort },
      { from: bob(), to: ada(), subject: FROM_BOB, text: "Ада, пойдём обедать в пятницу в час?\nБоб" },
    );

    await page.getByRole("link", { name: "Читать почту" }).click();
    await page.waitForURL(`${server.url}/mail/inbox`);
    await expect.poll(() => page.getByTestId("inbox-row").count(), POLL).toBe(corpus.length + 1);
    const subjects = await page.getByTestId("inbox-row-subject").allInnerTexts();
    // Newest first.
    expect(subjects).toEqual([FROM_BOB, ...[...corpus].reverse().map((m) => m.subject)]);
    expect(await page.locator("[data-testid=inbox-row][data-unread=true]").count()).toBe(corpus.length + 1);
    // Inbox first, then the other standard folders.
    const folders = await page.getByTestId("inbox-folders").locator("a").allInnerTexts();
    expect(folders[0]).toMatch(/^Входящие/);
    expect((await fetch(`${server.url}/mail/inbox/INBOX/1`)).status).toBe(200);

    // The platform's credential is an IMAP+SMTP app password the user can recognise.
    const apps = (await (await fetch(`${mailcow.url}/get/app-passwd/all/${ada()}`, { headers: { "X-API-Key": mailcow.apiKey } })).json()) as {
      app_name?: string;
      name?: string;
      imap_access: number | string;
      smtp_access: number | string;
      pop3_access: number | string;
    }[];
    expect(apps).toHaveLength(1);
    expect(apps[0]).toMatchObject({ imap_access: 1, smtp_access: 1, pop3_access: 0 });
    await screenshots(page, "list");

    // Back on the Mail page, the navigation shows the unread count.
    await page.goto(`${server.url}/mail`);
    await expect.poll(() => page.getByTestId("nav-unread").innerText(), POLL).toBe(String(corpus.length + 1));
  });

  test("every corpus message opens; hostile ones run no script and reach nothing outside 127.0.0.1", async () => {
    for (const message of corpus) {
      await page.goto(`${server.url}/mail/inbox`);
      await page.getByTestId("inbox-row").filter({ hasText: message.subject }).first().click();
      await expect.poll(() => page.getByTestId("inbox-message-subject").innerText(), POLL).toBe(message.subject);
      const frame = page.frameLocator("[data-testid=inbox-message-frame]");
      const hasFrame = (await page.getByTestId("inbox-message-frame").count()) > 0;
      for (const sentence of message.sentences) {
        const where = hasFrame ? frame.locator("body") : page.getByTestId("inbox-message-text");
        await expect.poll(() => where.innerText(), POLL).toContain(sentence);
      }
      if (message.file.startsWith("02-")) {
        // The cid: image is served by the platform (with the message's image token) and shows.
        await expect.poll(() => frame.locator("img").first().evaluate((img: HTMLImageElement) => img.naturalWidth), POLL).toBeGreaterThan(0);
      }
      if (message.hostile) {
        // Hover and click what a victim would (the handlers are gone; links open a new tab at most).
        await frame.locator("body").hover();
        expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
        if (message.file.startsWith("hostile-01")) await screenshots(page, "hostile");
      }
    }
    expect(dialogs).toEqual([]);
    expect(frameConsole.filter((text) => /pwned|alert|xss/i.test(text))).toEqual([]);
    const outside = requests.filter((url) => !url.startsWith(`${server.url}/`) && !url.startsWith("data:") && !url.startsWith("about:"));
    expect(outside).toEqual([]);
    expect(watched.errors.filter((e) => !/Content Security Policy|Refused to/.test(e))).toEqual([]);
  }, 240_000);

  test("mark read and unread, move to Trash, delete from Trash", async () => {
    // Opening marked the corpus read (checked on the server with the user's own password).
    const inbox = await folderMessages(stack, ada(), ADA_PASSWORD);
    expect(inbox.filter((m) => corpus.some((c) => c.subject === m.subject)).every((m) => m.seen)).toBe(true);
    expect(inbox.find((m) => m.subject === FROM_BOB)?.seen).toBe(false);

    await page.goto(`${server.url}/mail/inbox`);
    await page.getByTestId("inbox-row").filter({ hasText: "CSS tricks" }).click();
    await page.getByTestId("inbox-message").waitFor();
    await page.getByTestId("inbox-toggle-seen").click();
    await expect.poll(async () => (await folderMessages(stack, ada(), ADA_PASSWORD)).find((m) => m.subject === "CSS tricks")?.seen, POLL).toBe(false);

    await page.getByTestId("inbox-trash").click();
    await page.waitForURL(`${server.url}/mail/inbox`);
    await expect.poll(async () => (await folderMessages(stack, ada(), ADA_PASSWORD, "Trash")).map((m) => m.subject), POLL).toEqual(["CSS tricks"]);
    await expect.poll(() => page.getByTestId("inbox-row").count(), POLL).toBe(corpus.length);

    await page.getByTestId("inbox-folders").locator("a[data-folder=Trash]").click();
    await page.getByTestId("inbox-row").filter({ hasText: "CSS tricks" }).click();
    await page.getByTestId("inbox-delete").click();
    await expect.poll(async () => (await folderMessages(stack, ada(), ADA_PASSWORD, "Trash")).length, POLL).toBe(0);
  });

  test("search finds by subject and by body text", async () => {
    await page.goto(`${server.url}/mail/inbox`);
    await page.getByTestId("inbox-row").first().waitFor();
    await page.getByTestId("inbox-search").fill("квартал");
    await page.getByTestId("inbox-search").press("Enter");
    // The subject of one, the body ("бюджет на первый квартал") of the other; newest first.
    await expect.poll(() => page.getByTestId("inbox-row-subject").allInnerTexts(), POLL).toEqual(["Документы за квартал", "Встреча в четверг"]);
    await page.getByTestId("inbox-search").fill("freeze");
    await page.getByTestId("inbox-search").press("Enter");
    await expect.poll(() => page.getByTestId("inbox-row-subject").allInnerTexts(), POLL).toEqual(["[dev] Re: Release 4.2 freeze"]);
  });

  test("an attachment downloads with its non-ASCII name and the right bytes", async () => {
    const message = corpus.find((m) => m.file.startsWith("03-"))!;
    const parsed = await simpleParser(message.raw);
    await page.goto(`${server.url}/mail/inbox`);
    await page.getByTestId("inbox-row").filter({ hasText: message.subject }).click();
    const links = page.getByTestId("inbox-attachment");
    await expect.poll(() => links.count(), POLL).toBe(parsed.attachments.length);
    for (const [index, attachment] of parsed.attachments.entries()) {
      const [download] = await Promise.all([page.waitForEvent("download"), links.nth(index).click()]);
      expect(download.suggestedFilename()).toBe(attachment.filename);
      const saved = readFileSync((await download.path())!);
      expect(saved.equals(attachment.content)).toBe(true);
    }
    // Straight over HTTP: the headers, and nothing without a session.
    const href = (await links.first().getAttribute("href"))!;
    expect((await fetch(`${server.url}${href}`)).status).toBe(401);
    const cookies = await watched.context.cookies();
    const answer = await fetch(`${server.url}${href}`, { headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-disposition")).toMatch(/^attachment; filename="[^"]*"; filename\*=UTF-8''/);
    expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("reply: quoted, sent through SMTP submission, arrives in Bob's INBOX; a copy in Sent", async () => {
    await page.goto(`${server.url}/mail/inbox`);
    await page.getByTestId("inbox-row").filter({ hasText: FROM_BOB }).click();
    await page.getByTestId("inbox-reply").click();
    expect(await page.getByTestId("compose-to").inputValue()).toBe(bob());
    expect(await page.getByTestId("compose-subject").inputValue()).toBe(`Re: ${FROM_BOB}`);
    await page.getByTestId("compose-text").fill("Да, в час у входа.");
    await screenshots(page, "reply");
    await page.getByTestId("compose-send").click();
    await page.getByTestId("inbox-sent").waitFor();

    const arrived = await expect
      .poll(async () => (await folderMessages(stack, bob(), BOB_PASSWORD)).find((m) => m.subject === `Re: ${FROM_BOB}`), POLL)
      .toBeTruthy()
      .then(async () => (await folderMessages(stack, bob(), BOB_PASSWORD)).find((m) => m.subject === `Re: ${FROM_BOB}`)!);
    const reply = await simpleParser(arrived.source);
    expect(reply.from?.value[0]?.address).toBe(ada());
    expect(reply.text).toContain("Да, в час у входа.");
    expect(reply.text).toContain("> Ада, пойдём обедать в пятницу в час?");
    expect(reply.inReplyTo).toBeTruthy();
    expect((await folderMessages(stack, ada(), ADA_PASSWORD, "Sent")).map((m) => m.subject)).toContain(`Re: ${FROM_BOB}`);
    // The unread count in the navigation: Bob's message was read by opening it; nothing else unread but "CSS tricks"
    // (marked unread above, then deleted), so the count is gone.
    await page.goto(`${server.url}/mail`);
    expect(await page.getByTestId("nav-unread").count()).toBe(0);
    expect(requests.filter((url) => !url.startsWith(`${server.url}/`) && !url.startsWith("data:") && !url.startsWith("about:"))).toEqual([]);
  });
});
