// The mailstack's SMTP submission and its app passwords, against a real Dovecot: main passwords work for IMAP and
// SMTP; an app password works only for the protocols on its line of the app-passwords file (IMAP-only cannot send,
// SMTP-only cannot read); the sender must be the signed-in user; local mail arrives over LMTP, other mail lands in
// the outbox. Part of `npm run test:e2e` (needs Debian's dovecot-imapd and dovecot-lmtpd): fails, never skips.
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import bcrypt from "bcryptjs";
import nodemailer, { type SendMailOptions } from "nodemailer";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { deliverLmtp } from "./lmtp";
import { DOVECOT_VERSION, folderMessages, imapLogin, NO_DOVECOT_REASON, startTestMailstack, type TestMailstack } from "./test-support";

if (!DOVECOT_VERSION) throw new Error(`mailstack: ${NO_DOVECOT_REASON}`);

const D = "example.test";
const ANN = `ann@${D}`;
const BOB = `bob@${D}`;
const MAIN = "ann main password 1";
const BOB_MAIN = "bob main password 1";
const APP = { imap: "imaponlyapppw0001", smtp: "smtponlyapppw0001", both: "imapsmtpapppw0001", none: "davonlyapppw00001" };
// Mailcow stores PHP's password_hash() output: {BLF-CRYPT}$2y$…; bcryptjs writes $2b$ (same algorithm).
const blf = (password: string) => `{BLF-CRYPT}${bcrypt.hashSync(password, 4).replace(/^\$2b\$/, "$2y$")}`;

let stack: TestMailstack;

function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

beforeAll(async () => {
  stack = await startTestMailstack();
  writeAtomically(stack.passwdFile, `${ANN}:${blf(MAIN)}::::::\n${BOB}:${blf(BOB_MAIN)}::::::\n`);
  // The format agreed with the Mailcow emulator: one line per usable app password.
  writeAtomically(
    stack.appPasswordsFile,
    [`${ANN}:${blf(APP.imap)}:imap`, `${ANN}:${blf(APP.smtp)}:smtp`, `ANN@${D}:${blf(APP.both)}:imap,smtp`, `${ANN}:${blf(APP.none)}:dav,eas`, ""].join("\n"),
  );
});
afterAll(async () => {
  await stack?.cleanup();
});

type SmtpOutcome = { ok: true; response: string } | { ok: false; code?: string; responseCode?: number; message: string };

function transport(user: string, pass: string) {
  return nodemailer.createTransport({
    host: "127.0.0.1",
    port: stack.smtpPort,
    secure: false,
    requireTLS: true,
    tls: { ca: readFileSync(stack.certFile), servername: "localhost" },
    auth: { user, pass },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
  });
}

async function smtpLogin(user: string, pass: string): Promise<SmtpOutcome> {
  const t = transport(user, pass);
  try {
    await t.verify();
    return { ok: true, response: "verified" };
  } catch (error) {
    const { code, responseCode, message } = error as { code?: string; responseCode?: number; message: string };
    return { ok: false, code, responseCode, message };
  } finally {
    t.close();
  }
}

async function send(user: string, pass: string, mail: SendMailOptions): Promise<SmtpOutcome> {
  const t = transport(user, pass);
  try {
    const info = await t.sendMail(mail);
    return { ok: true, response: info.response };
  } catch (error) {
    const { code, responseCode, message } = error as { code?: string; responseCode?: number; message: string };
    return { ok: false, code, responseCode, message };
  } finally {
    t.close();
  }
}

describe(`app passwords honour their protocols (Dovecot ${DOVECOT_VERSION})`, () => {
  test("the main password works for IMAP and SMTP", async () => {
    expect(await imapLogin(stack, ANN, MAIN)).toMatchObject({ ok: true });
    expect(await smtpLogin(ANN, MAIN)).toMatchObject({ ok: true });
  });

  test("an IMAP-only app password reads but cannot send", async () => {
    expect(await imapLogin(stack, ANN, APP.imap)).toMatchObject({ ok: true });
    expect(await smtpLogin(ANN, APP.imap)).toMatchObject({ ok: false, code: "EAUTH", responseCode: 535 });
  });

  test("an SMTP-only app password sends but cannot read", async () => {
    expect(await smtpLogin(ANN, APP.smtp)).toMatchObject({ ok: true });
    expect(await imapLogin(stack, ANN, APP.smtp)).toMatchObject({ ok: false, code: "AUTHENTICATIONFAILED" });
  });

  test("IMAP+SMTP works for both (address case-insensitive); DAV/EAS-only for neither; wrong and foreign passwords for nothing", async () => {
    expect(await imapLogin(stack, ANN, APP.both)).toMatchObject({ ok: true });
    expect(await smtpLogin(ANN.toUpperCase(), APP.both)).toMatchObject({ ok: true });
    expect(await imapLogin(stack, ANN, APP.none)).toMatchObject({ ok: false });
    expect(await smtpLogin(ANN, APP.none)).toMatchObject({ ok: false, responseCode: 535 });
    expect(await imapLogin(stack, ANN, "wrong password")).toMatchObject({ ok: false });
    // Ann's app password is not Bob's.
    expect(await imapLogin(stack, BOB, APP.both)).toMatchObject({ ok: false });
    expect(await smtpLogin(BOB, APP.both)).toMatchObject({ ok: false, responseCode: 535 });
  });

  test("a revoked app password (line removed) stops working at the next login", async () => {
    const before = readFileSync(stack.appPasswordsFile, "utf8");
    writeAtomically(stack.appPasswordsFile, before.split("\n").filter((line) => !line.endsWith(":imap")).join("\n"));
    try {
      expect(await imapLogin(stack, ANN, APP.imap)).toMatchObject({ ok: false });
      writeAtomically(stack.appPasswordsFile, "");
      expect(await imapLogin(stack, ANN, APP.both)).toMatchObject({ ok: false });
      expect(await imapLogin(stack, ANN, MAIN)).toMatchObject({ ok: true });
    } finally {
      writeAtomically(stack.appPasswordsFile, before);
    }
  });
});

describe("SMTP submission", () => {
  test("AUTH only after STARTTLS; no mail without AUTH", async () => {
    const plain = nodemailer.createTransport({ host: "127.0.0.1", port: stack.smtpPort, secure: false, ignoreTLS: true, auth: { user: ANN, pass: MAIN } });
    await expect(plain.verify()).rejects.toMatchObject({ code: "EAUTH" });
    plain.close();
    const anonymous = nodemailer.createTransport({ host: "127.0.0.1", port: stack.smtpPort, secure: false, requireTLS: true, tls: { ca: readFileSync(stack.certFile), servername: "localhost" } });
    await expect(anonymous.sendMail({ from: ANN, to: BOB, subject: "x", text: "x" })).rejects.toMatchObject({ responseCode: 530 });
    anonymous.close();
  });

  test("local recipients get the message over LMTP; external ones land in the outbox", async () => {
    const subject = `Lunch ${Date.now()} — обед`;
    const sent = await send(ANN, APP.smtp, { from: ANN, to: [BOB, "carol@elsewhere.example"], subject, text: "Noon?" });
    expect(sent).toMatchObject({ ok: true });
    await expect.poll(async () => (await folderMessages(stack, BOB, BOB_MAIN)).map((m) => m.subject), { timeout: 10_000 }).toContain(subject);
    const envelopes = readdirSync(stack.outboxDir).filter((name) => name.endsWith(".json"));
    expect(envelopes).toHaveLength(1);
    const envelope = JSON.parse(readFileSync(`${stack.outboxDir}/${envelopes[0]}`, "utf8")) as { from: string; to: string[] };
    expect(envelope).toMatchObject({ from: ANN, to: ["carol@elsewhere.example"] });
    const eml = readFileSync(`${stack.outboxDir}/${envelopes[0]!.replace(/\.json$/, ".eml")}`, "utf8");
    expect(eml).toMatch(/^Subject: /m);
    expect(eml).toContain("Noon?");
  });

  test("the sender must be the signed-in user; unknown local users are refused", async () => {
    expect(await send(ANN, MAIN, { from: BOB, to: BOB, subject: "spoof", text: "x" })).toMatchObject({ ok: false, responseCode: 553 });
    expect(await send(ANN, MAIN, { envelope: { from: ANN, to: [`nobody@${D}`] }, from: ANN, to: `nobody@${D}`, subject: "x", text: "x" })).toMatchObject({ ok: false, responseCode: 550 });
  });

  test("deliverLmtp delivers a ready message (the `deliver --file` path); a refused recipient is an error", async () => {
    const raw = `From: <x@other.example>\r\nTo: <${ANN}>\r\nSubject: raw-${Date.now()}\r\nMessage-ID: <raw@other.example>\r\n\r\n.leading dot\r\nbody\r\n`;
    const answer = await deliverLmtp({ port: stack.lmtpPort }, { from: "x@other.example", to: ANN, raw });
    expect(answer).toMatch(/^250 /);
    const subject = /Subject: (.*)\r\n/.exec(raw)![1]!;
    await expect.poll(async () => (await folderMessages(stack, ANN, MAIN)).map((m) => m.subject), { timeout: 10_000 }).toContain(subject);
    await expect(deliverLmtp({ port: stack.lmtpPort }, { from: "x@other.example", to: `nobody@${D}`, raw })).rejects.toThrow(/refused|failed/);
  });
});
