// The inbox core against a real Dovecot (the mailstack): the corpus delivered over LMTP, then listed, opened
// (rendered), flagged, moved, deleted, searched and downloaded through the pool, a reply sent through SMTP submission
// (port 1587 in the demo) that arrives in the recipient's INBOX, and the pool's reuse, idle close, cap and its handling
// of a refused credential. The platform's credential is an app password allowed for IMAP and SMTP, as planned.
// Part of `npm run test:e2e` (needs Debian's dovecot-imapd and dovecot-lmtpd): fails, never skips.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { buffer } from "node:stream/consumers";
import bcrypt from "bcryptjs";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { largeNewsletter, loadCorpus, NEWSLETTER_SUBJECT } from "../../e2e/fixtures/mail/corpus";
import { deliverLmtp } from "../../tools/mailstack/lmtp";
import { DOVECOT_VERSION, folderMessages, NO_DOVECOT_REASON, startTestMailstack, type TestMailstack } from "../../tools/mailstack/test-support";
import { ImapPool, InboxError, type MailCredentials } from "./imap-pool";
import { createInbox, defaultAttachmentUrl, type Inbox, type MessageSummary } from "./inbox";
import { renderMessage } from "./render";
import { createSender } from "./send";

if (!DOVECOT_VERSION) throw new Error(`inbox: ${NO_DOVECOT_REASON}`);

const D = "example.test";
const ADA = `ada@${D}`;
const BOB = `bob@${D}`;
const ADA_MAIN = "ada main password 1";
const BOB_MAIN = "bob main password 1";
/** Her own mailbox: every message opened part by part and compared with the whole-source rendering. */
const CAROL = `carol@${D}`;
const CAROL_PASS = "carol main password 1";
const ADA_APP = "platformimapsmtp01";
const ADA_IMAP_ONLY = "platformimaponly01";
// Mailcow stores PHP's password_hash() output: {BLF-CRYPT}$2y$…; bcryptjs writes $2b$ (same algorithm).
const blf = (password: string) => `{BLF-CRYPT}${bcrypt.hashSync(password, 4).replace(/^\$2b\$/, "$2y$")}`;
const corpus = loadCorpus();

let stack: TestMailstack;
let ca: string;

function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** A test clock: the pool's idle decisions depend on it only. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const credentialsOf: Record<string, MailCredentials> = {
  ada: { user: ADA, pass: ADA_APP },
  bob: { user: BOB, pass: BOB_MAIN },
  adaImapOnly: { user: ADA, pass: ADA_IMAP_ONLY },
  mallory: { user: ADA, pass: "not the password" },
  carol: { user: CAROL, pass: CAROL_PASS },
};

function makePool(overrides: { maxConnections?: number; idleMs?: number; now?: () => number; failures?: string[] } = {}) {
  const failures = overrides.failures ?? [];
  return new ImapPool({
    server: { host: "127.0.0.1", port: stack.imapsPort, security: "ssl", ca },
    credentials: async (userId) => {
      const found = credentialsOf[userId];
      if (!found) throw new Error(`no credential for ${userId}`);
      return found;
    },
    onLoginFailure: (userId) => void failures.push(userId),
    idleMs: overrides.idleMs ?? 120_000,
    maxConnections: overrides.maxConnections ?? 50,
    now: overrides.now,
    sweepEveryMs: 0,
  });
}

beforeAll(async () => {
  stack = await startTestMailstack();
  ca = readFileSync(stack.certFile, "utf8");
  writeAtomically(stack.passwdFile, `${ADA}:${blf(ADA_MAIN)}::::::\n${BOB}:${blf(BOB_MAIN)}::::::\n${CAROL}:${blf(CAROL_PASS)}::::::\n`);
  // The platform's own credential: an app password for IMAP and SMTP (the line the Mailcow emulator writes).
  writeAtomically(stack.appPasswordsFile, `${ADA}:${blf(ADA_APP)}:imap,smtp\n${ADA}:${blf(ADA_IMAP_ONLY)}:imap\n`);
  for (const message of corpus) await deliverLmtp({ port: stack.lmtpPort }, { from: "sender@partner.example", to: ADA, raw: message.raw });
  await deliverLmtp({ port: stack.lmtpPort }, { from: "weekly@news.example", to: ADA, raw: largeNewsletter(300_000).raw });
});
afterAll(async () => {
  await stack?.cleanup();
});

describe(`the inbox on Dovecot ${DOVECOT_VERSION}`, () => {
  let pool: ImapPool;
  let inbox: Inbox;
  let failures: string[];
  const uidOf = new Map<string, number>();

  beforeAll(async () => {
    failures = [];
    pool = makePool({ failures });
    inbox = createInbox({ pool, attachmentMaxBytes: 1_048_576, attachmentUrl: defaultAttachmentUrl });
  });
  afterAll(async () => {
    await pool?.close();
  });

  test("list: newest first by UID, 50 at most, paged by cursor without gaps or repeats", async () => {
    const first = await inbox.list("ada", "INBOX");
    expect(first.total).toBe(corpus.length + 1);
    expect(first.nextCursor).toBeNull();
    expect(first.messages.map((m) => m.subject)).toEqual([NEWSLETTER_SUBJECT, ...[...corpus].reverse().map((m) => m.subject)]);
    const uids = first.messages.map((m) => m.uid);
    expect(uids).toEqual([...uids].sort((a, b) => b - a));
    for (const [index, message] of [...corpus].reverse().entries()) uidOf.set(message.file, first.messages[index + 1]!.uid);

    const seen: number[] = [];
    let cursor: number | null | undefined;
    do {
      const page = await inbox.list("ada", "INBOX", { cursor, limit: 3 });
      expect(page.messages.length).toBeLessThanOrEqual(3);
      seen.push(...page.messages.map((m) => m.uid));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(uids);
    expect((await inbox.list("ada", "INBOX", { limit: 500 })).messages.length).toBe(corpus.length + 1);

    const bySubject = (subject: string) => first.messages.find((m) => m.subject === subject) as MessageSummary;
    expect(bySubject("Документы за квартал")).toMatchObject({ hasAttachment: true, seen: false, from: { name: "Бухгалтерия", address: "buh@partner.example" } });
    expect(bySubject("Встреча в четверг")).toMatchObject({ hasAttachment: false, from: { name: "Ольга Смирнова" }, date: "2026-12-01T06:15:00.000Z" });
    expect(bySubject("New logo, inline").hasAttachment).toBe(false);
    expect(bySubject("Invitation: Quarterly planning @ Fri 4 Dec 2026 15:00 - 16:00 (MSK)").hasAttachment).toBe(true);
    expect(bySubject(NEWSLETTER_SUBJECT).size).toBeGreaterThan(300_000);
  });

  test("message: every corpus message opens rendered, hostile ones harmless, readable content intact", async () => {
    for (const message of corpus) {
      const view = await inbox.message("ada", "INBOX", uidOf.get(message.file)!);
      expect(view.subject).toBe(message.subject);
      const html = view.html ?? "";
      expect(html).not.toMatch(/<script|\son[a-z]+\s*=|javascript:|<iframe|<object|<embed|<form|<base|<meta/i);
      expect(html).not.toMatch(/(?:src|srcset|background)="(?:https?:)?\/\//i);
      for (const sentence of message.sentences) expect(`${html} ${view.text}`).toContain(sentence);
    }
    const inline = await inbox.message("ada", "INBOX", uidOf.get("02-inline-image.eml")!);
    expect(inline.html).toContain(`<img src="/mail/attachment/INBOX/${inline.uid}/2"`);
    const trackers = await inbox.message("ada", "INBOX", uidOf.get("hostile-04-embeds-and-trackers.eml")!);
    expect(trackers.remote).toMatchObject({ count: 9, allowed: false });
    const shown = await inbox.message("ada", "INBOX", trackers.uid, { allowRemoteImages: true });
    expect(shown.html).toContain('src="https://tracker.example/open.gif?u=ada"');
    await expect(inbox.message("ada", "INBOX", 999_999)).rejects.toMatchObject({ kind: "not_found" });
    await expect(inbox.message("ada", "No such folder", 1)).rejects.toMatchObject({ kind: "not_found" });
  });

  test("attachment: the right bytes and the non-ASCII names (RFC 2231, encoded-word); the size cap; unknown parts", async () => {
    const file = corpus.find((m) => m.file === "03-attachments-non-ascii.eml")!;
    const expected = (await simpleParser(file.raw)).attachments;
    const uid = uidOf.get(file.file)!;
    const pdf = await inbox.attachment("ada", "INBOX", uid, "2");
    expect(pdf).toMatchObject({ filename: "Отчёт за квартал.pdf", contentType: "application/pdf" });
    expect((await buffer(pdf.stream)).equals(expected[0]!.content)).toBe(true);
    const bill = await inbox.attachment("ada", "INBOX", uid, "3");
    expect(bill.filename).toBe("Счёт №5.txt");
    expect((await buffer(bill.stream)).toString("utf8")).toBe("Счёт №5\nСумма: 12 500 ₽\n");
    const logo = await inbox.attachment("ada", "INBOX", uidOf.get("02-inline-image.eml")!, "2");
    expect(logo).toMatchObject({ filename: "logo.png", contentType: "image/png" });
    expect((await buffer(logo.stream)).subarray(1, 4).toString()).toBe("PNG");

    await expect(inbox.attachment("ada", "INBOX", uid, "9")).rejects.toMatchObject({ kind: "not_found" });
    await expect(inbox.attachment("ada", "INBOX", uid, "../1")).rejects.toMatchObject({ kind: "not_found" });
    const small = createInbox({ pool, attachmentMaxBytes: 100, attachmentUrl: defaultAttachmentUrl });
    await expect(small.attachment("ada", "INBOX", uid, "2")).rejects.toMatchObject({ kind: "too_large" });
    // The connection is free again after every download and refusal.
    expect(pool.stats()).toMatchObject({ open: 1, busy: 0 });
    expect(await inbox.unreadCount("ada")).toBe(corpus.length + 1);
  });

  test("setFlags and unreadCount: read and unread again", async () => {
    const uids = [uidOf.get("01-alternative.eml")!, uidOf.get("05-mailing-list.eml")!];
    await inbox.setFlags("ada", "INBOX", uids, true);
    expect(await inbox.unreadCount("ada")).toBe(corpus.length - 1);
    const page = await inbox.list("ada", "INBOX");
    expect(page.messages.filter((m) => m.seen).map((m) => m.uid).sort()).toEqual([...uids].sort());
    await inbox.setFlags("ada", "INBOX", [uids[0]!], false);
    expect(await inbox.unreadCount("ada")).toBe(corpus.length);
  });

  test("search: IMAP SEARCH over From, Subject and body", async () => {
    const subjects = async (query: string) => (await inbox.search("ada", "INBOX", query)).messages.map((m) => m.subject);
    expect(await subjects("freeze")).toEqual(["[dev] Re: Release 4.2 freeze"]);
    expect(await subjects("buh@partner.example")).toEqual(["Документы за квартал"]);
    expect(await subjects("Room North")).toEqual(["Invitation: Quarterly planning @ Fri 4 Dec 2026 15:00 - 16:00 (MSK)"]);
    expect(await subjects("встречу")).toEqual(["Встреча в четверг"]);
    expect(await subjects("nothing like this anywhere")).toEqual([]);
  });

  test("move to Trash, delete from Trash (expunge), move to Junk; folders in the expected order", async () => {
    const hostile = uidOf.get("hostile-01-scripts-and-handlers.eml")!;
    expect(await inbox.move("ada", "INBOX", [hostile], "trash")).toMatchObject({ moved: 1, deleted: false, to: "Trash" });
    const trash = await inbox.list("ada", "Trash");
    expect(trash.messages.map((m) => m.subject)).toEqual(["Your account needs attention"]);
    expect(await inbox.move("ada", "Trash", [trash.messages[0]!.uid], "trash")).toMatchObject({ moved: 1, deleted: true });
    expect((await inbox.list("ada", "Trash")).total).toBe(0);
    expect(await inbox.move("ada", "INBOX", [uidOf.get("hostile-02-links-forms-meta.eml")!], "junk")).toMatchObject({ moved: 1, to: "Junk" });
    expect((await inbox.list("ada", "INBOX")).total).toBe(corpus.length - 1);

    await pool.withClient("ada", async (client) => {
      for (const name of ["Zeta projects", "Drafts", "Archive 2026"]) await client.mailboxCreate(name);
    });
    const folders = await inbox.folders("ada");
    expect(folders.map((f) => [f.path, f.role])).toEqual([
      ["INBOX", "inbox"],
      ["Drafts", "drafts"],
      ["Trash", "trash"],
      ["Junk", "junk"],
      ["Archive 2026", null],
      ["Zeta projects", null],
    ]);
    expect(folders[0]).toMatchObject({ messages: corpus.length - 1, unseen: corpus.length - 2 });
    expect(folders.find((f) => f.role === "junk")).toMatchObject({ messages: 1, unseen: 1 });
  });

  test("send: a reply through SMTP submission arrives in the recipient's INBOX, quoted, threaded, and lands in Sent", async () => {
    const sender = createSender({
      smtp: { host: "127.0.0.1", port: stack.smtpPort, security: "starttls", ca, servername: "localhost" },
      pool,
      inbox,
      displayName: async () => "Ada Lovelace",
    });
    const original = uidOf.get("01-alternative.eml")!;
    const result = await sender.send("ada", { to: [BOB], subject: "Re: Встреча в четверг", text: "Буду, спасибо!", inReplyTo: { folder: "INBOX", uid: original } });
    expect(result).toMatchObject({ accepted: [BOB], rejected: [], sentFolder: "Sent" });

    const arrived = await folderMessages(stack, BOB, BOB_MAIN);
    expect(arrived.map((m) => m.subject)).toEqual(["Re: Встреча в четверг"]);
    const reply = await simpleParser(arrived[0]!.source);
    expect(reply.from?.value[0]).toMatchObject({ name: "Ada Lovelace", address: ADA });
    expect(reply.inReplyTo).toBe("<alt-0001@partner.example>");
    expect(reply.references).toBe("<alt-0001@partner.example>");
    expect(reply.messageId).toBe(result.messageId);
    expect(reply.text).toContain("Буду, спасибо!");
    expect(reply.text).toMatch(/Ольга Смирнова <olga@partner\.example> пишет:\n> Здравствуйте, Ада!\n>\s*\n> Подтверждаю встречу/);

    const sent = await inbox.list("ada", "Sent");
    expect(sent.messages.map((m) => [m.subject, m.seen])).toEqual([["Re: Встреча в четверг", true]]);
    const flagged = (await inbox.list("ada", "INBOX")).messages.find((m) => m.uid === original);
    expect(flagged?.answered).toBe(true);
    expect((await inbox.folders("ada")).map((f) => f.path).slice(0, 2)).toEqual(["INBOX", "Sent"]);
    expect(failures).toEqual([]);
  });

  test("one connection per user, reused for everything above", () => {
    expect(pool.stats()).toMatchObject({ open: 1, busy: 0, logins: 1, closedIdle: 0, closedForCap: 0 });
  });
});

describe("the pool", () => {
  test("an idle connection is closed after the idle time (injected clock), and the next use logs in again", async () => {
    const time = clock();
    const pool = makePool({ idleMs: 120_000, now: time.now });
    try {
      await pool.withClient("ada", async (client) => client.noop());
      await pool.withClient("ada", async (client) => client.noop());
      expect(pool.stats()).toMatchObject({ open: 1, logins: 1 });
      time.advance(119_999);
      expect(pool.sweepIdle()).toBe(0);
      // In use while the clock passes the limit: not closed under the user's feet.
      const lease = await pool.acquire("ada");
      time.advance(10 * 60_000);
      expect(pool.sweepIdle()).toBe(0);
      lease.release();
      time.advance(120_000);
      expect(pool.sweepIdle()).toBe(1);
      expect(pool.stats()).toMatchObject({ open: 0, closedIdle: 1 });
      await pool.withClient("ada", async (client) => client.noop());
      expect(pool.stats()).toMatchObject({ open: 1, logins: 2 });
    } finally {
      await pool.close();
    }
  });

  test("concurrent work of one user shares one login; the global cap closes the connection idle the longest", async () => {
    const time = clock();
    const pool = makePool({ maxConnections: 2, now: time.now });
    const inbox = createInbox({ pool, attachmentMaxBytes: 1_000, attachmentUrl: defaultAttachmentUrl });
    try {
      const counts = await Promise.all([inbox.unreadCount("ada"), inbox.list("ada", "INBOX", { limit: 2 }), inbox.folders("ada"), inbox.unreadCount("ada")]);
      expect(counts[0]).toBe(counts[3]);
      expect(pool.stats()).toMatchObject({ open: 1, logins: 1 });
      time.advance(1_000);
      await inbox.unreadCount("bob");
      time.advance(1_000);
      await inbox.unreadCount("ada");
      // bob is now the one idle longest: adaImapOnly's connection takes his place.
      time.advance(1_000);
      await inbox.unreadCount("adaImapOnly");
      expect(pool.stats()).toMatchObject({ open: 2, closedForCap: 1, logins: 3 });
      // Both remaining connections busy: a third user is told so instead of waiting or exceeding the cap.
      const [a, b] = [await pool.acquire("ada"), await pool.acquire("adaImapOnly")];
      await expect(pool.acquire("bob")).rejects.toMatchObject({ kind: "busy" });
      a.release();
      b.release();
      expect(await inbox.unreadCount("bob")).toBe(1);
    } finally {
      await pool.close();
    }
  });

  test("a refused credential calls onLoginFailure exactly once, is marked broken and never retried", async () => {
    const failures: string[] = [];
    const pool = makePool({ failures });
    const inbox = createInbox({ pool, attachmentMaxBytes: 1_000, attachmentUrl: defaultAttachmentUrl });
    try {
      const first = await Promise.allSettled([inbox.unreadCount("mallory"), inbox.folders("mallory"), inbox.list("mallory", "INBOX")]);
      expect(first.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
      expect(first.map((r) => (r as PromiseRejectedResult).reason.kind)).toEqual(["auth_failed", "auth_failed", "auth_failed"]);
      expect(failures).toEqual(["mallory"]);
      const again = await inbox.unreadCount("mallory").catch((error: unknown) => error);
      expect(again).toBeInstanceOf(InboxError);
      expect(again).toMatchObject({ kind: "credential_broken" });
      expect(failures).toEqual(["mallory"]);
      expect(pool.stats()).toMatchObject({ open: 0, logins: 0, brokenCredentials: 1 });
      expect(JSON.stringify(again, Object.getOwnPropertyNames(again))).not.toContain("not the password");
      // Replaced by the platform (a new app password): tried again, once.
      pool.resetCredential("mallory");
      await expect(inbox.unreadCount("mallory")).rejects.toMatchObject({ kind: "auth_failed" });
      expect(failures).toEqual(["mallory", "mallory"]);
    } finally {
      await pool.close();
    }
  });

  test("an app password without SMTP cannot send: counted once, marked broken for IMAP too", async () => {
    const failures: string[] = [];
    const pool = makePool({ failures });
    const inbox = createInbox({ pool, attachmentMaxBytes: 1_000, attachmentUrl: defaultAttachmentUrl });
    const sender = createSender({ smtp: { host: "127.0.0.1", port: stack.smtpPort, security: "starttls", ca, servername: "localhost" }, pool, inbox });
    try {
      expect(await inbox.unreadCount("adaImapOnly")).toBeGreaterThan(0);
      await expect(sender.send("adaImapOnly", { to: [BOB], subject: "Hi", text: "Hello" })).rejects.toMatchObject({ kind: "auth_failed" });
      expect(failures).toEqual(["adaImapOnly"]);
      await expect(inbox.unreadCount("adaImapOnly")).rejects.toMatchObject({ kind: "credential_broken" });
      await expect(sender.send("adaImapOnly", { to: [BOB], subject: "Hi", text: "Hello" })).rejects.toMatchObject({ kind: "credential_broken" });
      expect(failures).toEqual(["adaImapOnly"]);
    } finally {
      await pool.close();
    }
  });
});

describe("opening a message part by part (BODYSTRUCTURE, then only the shown parts)", () => {
  let pool: ImapPool;
  let inbox: Inbox;
  /** windows-1251 bytes of Russian text (А–я, Ёё), quoted-printable. */
  const cp1251qp = (text: string) =>
    [...text]
      .map((ch) => {
        const code = ch.codePointAt(0)!;
        const byte = code >= 0x410 && code <= 0x44f ? code - 0x410 + 0xc0 : code === 0x401 ? 0xa8 : code === 0x451 ? 0xb8 : code;
        return byte >= 0x80 || ch === "=" ? `=${byte.toString(16).toUpperCase().padStart(2, "0")}` : ch;
      })
      .join("");
  const header = (subject: string, type: string) =>
    [`From: Partner <news@partner.example>`, `To: ${CAROL}`, `Subject: ${subject}`, "Date: Mon, 07 Dec 2026 09:00:00 +0000", `Message-ID: <${subject.replace(/\W+/g, "-")}@partner.example>`, "MIME-Version: 1.0", `Content-Type: ${type}`];
  const extra = [
    // HTML in windows-1251, quoted-printable, beside a text part: the HTML part only is fetched and converted.
    [
      ...header("Windows-1251 HTML", 'multipart/alternative; boundary="b1"'),
      "",
      "--b1",
      "Content-Type: text/plain; charset=windows-1251",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      cp1251qp("Привет, Кэрол! Отчёт готов."),
      "--b1",
      "Content-Type: text/html; charset=windows-1251",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      cp1251qp(`<p style="color: #333">Привет, Кэрол! Отчёт готов.</p><img src="https://track.example/p.gif"><script>alert(1)</script>`),
      "--b1--",
      "",
    ].join("\r\n"),
    // Plain text in ISO-8859-1, base64, with an attachment that is listed, not fetched.
    [
      ...header("Latin-1 text with a file", 'multipart/mixed; boundary="b2"'),
      "",
      "--b2",
      "Content-Type: text/plain; charset=iso-8859-1",
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.from("Grüße aus Köln, café crème.\r\n", "latin1").toString("base64"),
      "--b2",
      'Content-Type: application/octet-stream; name="data.bin"',
      'Content-Disposition: attachment; filename="data.bin"',
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.alloc(1000, 7).toString("base64").replace(/.{76}/g, "$&\r\n"),
      "--b2--",
      "",
    ].join("\r\n"),
    // A forwarded message (message/rfc822) and text beside HTML outside an alternative: read as a whole source.
    [
      ...header("Forwarded", 'multipart/mixed; boundary="b3"'),
      "",
      "--b3",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "See below.",
      "--b3",
      "Content-Type: message/rfc822",
      "",
      "From: someone@partner.example",
      "Subject: Inner",
      "Content-Type: text/html; charset=utf-8",
      "",
      "<p>Inner <b>message</b></p>",
      "--b3--",
      "",
    ].join("\r\n"),
    // HTML in base64 with characters that are not base64: mailparser skips them.
    [...header("Broken base64", "text/html; charset=utf-8"), "Content-Transfer-Encoding: base64", "", `${Buffer.from("<p>Still readable</p>").toString("base64")}!!@@`, ""].join("\r\n"),
    [
      ...header("Text then HTML", 'multipart/mixed; boundary="b4"'),
      "",
      "--b4",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "First the text.",
      "--b4",
      "Content-Type: text/html; charset=utf-8",
      "",
      "<p>Then the <i>HTML</i>.</p>",
      "--b4--",
      "",
    ].join("\r\n"),
  ];

  beforeAll(async () => {
    for (const message of corpus) await deliverLmtp({ port: stack.lmtpPort }, { from: "sender@partner.example", to: CAROL, raw: message.raw });
    await deliverLmtp({ port: stack.lmtpPort }, { from: "weekly@news.example", to: CAROL, raw: largeNewsletter(300_000, CAROL).raw });
    for (const raw of extra) await deliverLmtp({ port: stack.lmtpPort }, { from: "news@partner.example", to: CAROL, raw });
    pool = makePool({ maxConnections: 5 });
    inbox = createInbox({ pool, attachmentMaxBytes: 1_048_576, attachmentUrl: defaultAttachmentUrl });
  });
  afterAll(async () => {
    await pool?.close();
  });

  test("every message renders as if its whole source had been parsed; sizes of unfetched parts within 2 bytes", async () => {
    const { messages } = await inbox.list("carol", "INBOX");
    expect(messages).toHaveLength(corpus.length + 1 + extra.length);
    for (const { uid, subject } of messages) {
      const view = await inbox.message("carol", "INBOX", uid);
      const source = await inbox.source("carol", "INBOX", uid);
      const whole = await renderMessage(source, { attachmentUrl: (part) => defaultAttachmentUrl("INBOX", uid, part), text: "without-html" });
      const { folder: _folder, uid: _uid, seen: _seen, size: _size, attachments, ...rest } = view;
      const { attachments: wholeAttachments, ...wholeRest } = whole;
      expect(rest, subject).toEqual(wholeRest);
      expect(attachments.map((a) => ({ ...a, size: 0 })), subject).toEqual(wholeAttachments.map((a) => ({ ...a, size: 0 })));
      for (const [index, attachment] of attachments.entries()) expect(Math.abs(attachment.size - wholeAttachments[index]!.size), subject).toBeLessThanOrEqual(2);
    }
    // Read by source: the format=flowed mailing-list message, the forwarded message, text beside HTML, and the broken
    // base64 Dovecot will not decode for FETCH BINARY.
    expect(inbox.openStats()).toEqual({ byParts: messages.length - 4, bySource: 4 });
    // Opened without the list first (a link, a reload): the structure is fetched in a FETCH of its own, same result.
    const unlisted = createInbox({ pool, attachmentMaxBytes: 1_048_576, attachmentUrl: defaultAttachmentUrl, structureCacheEntries: 0 });
    for (const { uid, subject } of messages) {
      const { attachments, ...rest } = await unlisted.message("carol", "INBOX", uid);
      const { attachments: listedAttachments, ...listedRest } = await inbox.message("carol", "INBOX", uid);
      expect([rest, attachments], subject).toEqual([listedRest, listedAttachments]);
    }
    expect(unlisted.openStats()).toEqual({ byParts: messages.length - 4, bySource: 4 });

    const byPart = async (subject: string) => inbox.message("carol", "INBOX", messages.find((m) => m.subject === subject)!.uid);
    const cp1251 = await byPart("Windows-1251 HTML");
    expect(cp1251.html).toBe('<p style="color:#333">Привет, Кэрол! Отчёт готов.</p>');
    // The sender's own plain-text alternative, fetched with the HTML and decoded from windows-1251 (never derived).
    expect(cp1251.text).toBe("Привет, Кэрол! Отчёт готов.");
    expect(cp1251.remote).toEqual({ count: 1, hosts: ["track.example"], allowed: false });
    const latin1 = await byPart("Latin-1 text with a file");
    expect(latin1.html).toBeNull();
    expect(latin1.text).toBe("Grüße aus Köln, café crème.\n");
    expect(latin1.attachments).toEqual([{ part: "2", filename: "data.bin", contentType: "application/octet-stream", size: expect.any(Number), inline: false, cid: null }]);
    // 1000 bytes in base64 end in two padding characters BODYSTRUCTURE cannot tell apart from data.
    expect(latin1.attachments[0]!.size).toBe(1002);
    const file = await inbox.attachment("carol", "INBOX", latin1.uid, "2");
    expect((await buffer(file.stream)).equals(Buffer.alloc(1000, 7))).toBe(true);
    const newsletter = await byPart(NEWSLETTER_SUBJECT);
    expect(newsletter.html!.length).toBeGreaterThan(150_000);
    expect(newsletter.html).not.toMatch(/<script|\son[a-z]+\s*=|(?:src|srcset|background)="(?:https?:)?\/\//i);
    expect(pool.stats()).toMatchObject({ open: 1, busy: 0 });
  });
});
