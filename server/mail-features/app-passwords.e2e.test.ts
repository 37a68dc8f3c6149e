// App passwords made through mailbox.appPasswords.create log in for exactly their protocols on a real Dovecot: the
// Mailcow emulator's Dovecot backend writes them into the mailstack's app-password file, IMAP is checked with imapflow
// on the mailstack's 993-style port and SMTP with nodemailer against the mailstack's submission service (1587-style
// port, STARTTLS, AUTH checked by Dovecot). Needs Debian's dovecot-imapd and dovecot-lmtpd: fails, never skips.
import { readFileSync } from "node:fs";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startMailcowEmulator, type MailcowEmulator } from "../../tools/mailcow-emulator/index";
import { DOVECOT_VERSION, imapLogin, NO_DOVECOT_REASON, startTestMailstack, type TestMailstack } from "../../tools/mailstack/test-support";
import { createTestClient, createTestServices, STRONG_PASSWORD } from "../test/create-test-context";

const ADA = "ada@example.test";

let stack: TestMailstack;
let mailcow: MailcowEmulator;

beforeAll(async () => {
  if (!DOVECOT_VERSION) throw new Error(`The app-password login suite needs Dovecot: ${NO_DOVECOT_REASON}`);
  stack = await startTestMailstack();
  mailcow = await startMailcowEmulator({ port: 0, dovecot: { passwdFile: stack.passwdFile, doveadm: stack.doveadm, lastLoginFile: stack.lastLoginFile } });
});
afterAll(async () => {
  await mailcow?.close();
  await stack?.cleanup();
});

async function smtpLogin(user: string, pass: string): Promise<boolean> {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: stack.smtpPort,
    secure: false,
    requireTLS: true,
    tls: { ca: readFileSync(stack.certFile), servername: "localhost" },
    auth: { user, pass },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
  });
  try {
    return await transport.verify();
  } catch {
    return false;
  } finally {
    transport.close();
  }
}

describe("app passwords against Dovecot", () => {
  test("IMAP-only logs in over IMAP and is refused over SMTP; IMAP+SMTP works for both; a revoked one fails", async () => {
    const services = createTestServices({}, { mailcow: { baseUrl: mailcow.url, apiKey: mailcow.apiKey, timeoutMs: 5_000 } });
    const client = createTestClient(services);
    await (await client.caller()).auth.register({ username: "ada", password: STRONG_PASSWORD });
    const ada = await client.caller();
    // Behind Dovecot the first attempt may outlast sign-up's deadline: the worker finishes it.
    await services.provisioner.drain();
    await expect.poll(async () => (await ada.mailbox.info()).state, { timeout: 30_000 }).toBe("active");

    const imapOnly = await ada.mailbox.appPasswords.create({ name: "Reader", protocols: ["imap"] });
    const both = await ada.mailbox.appPasswords.create({ name: "Phone" });
    expect(both.appPassword.protocols).toEqual(["imap", "smtp"]);
    await mailcow.settled();

    expect(await imapLogin(stack, ADA, imapOnly.password)).toMatchObject({ ok: true });
    expect(await smtpLogin(ADA, imapOnly.password)).toBe(false);
    expect(await imapLogin(stack, ADA, both.password)).toMatchObject({ ok: true });
    expect(await smtpLogin(ADA, both.password)).toBe(true);

    await ada.mailbox.appPasswords.revoke({ id: both.appPassword.id });
    await mailcow.settled();
    expect(await imapLogin(stack, ADA, both.password)).toMatchObject({ ok: false });
    expect(await smtpLogin(ADA, both.password)).toBe(false);
    // The other one is untouched.
    expect(await imapLogin(stack, ADA, imapOnly.password)).toMatchObject({ ok: true });
  });
});
