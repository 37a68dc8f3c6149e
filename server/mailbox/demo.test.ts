import { expect, test } from "vitest";
import { createTestClient, createTestServices, STRONG_PASSWORD } from "../test/create-test-context";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";

const mailcow = useMailcowEmulator();

test("in the plain demo, check my login answers from the emulator's own password check", async () => {
  const checkPassword = (address: string, password: string) => mailcow.emulator.mailbox(address)?.active === 1 && mailcow.emulator.checkPassword(address, password);
  const services = createTestServices({}, { mailcow: mailcow.config, demoMode: { checkPassword, mailstack: null } });
  const client = createTestClient(services);
  await (await client.caller()).auth.register({ username: "ada", password: STRONG_PASSWORD });
  const caller = await client.caller();
  expect(await caller.mailbox.checkLogin({ password: STRONG_PASSWORD })).toMatchObject({ result: "ok", simulated: true, host: "mail.example.test", port: 993 });
  expect(await caller.mailbox.checkLogin({ password: "not-the-password" })).toMatchObject({ result: "wrong_password", simulated: true });
  expect(await caller.mailbox.info()).toMatchObject({ demo: true, demoMailstack: null });
});

test("with the mailstack, mailbox.info says which of its services run", async () => {
  const services = createTestServices({}, { mailcow: mailcow.config, demoMode: { checkPassword: null, mailstack: { imap: true, lmtp: true, smtp: false } } });
  const client = createTestClient(services);
  await (await client.caller()).auth.register({ username: "ada", password: STRONG_PASSWORD });
  expect(await (await client.caller()).mailbox.info()).toMatchObject({ demo: true, demoMailstack: { imap: true, lmtp: true, smtp: false } });
});
