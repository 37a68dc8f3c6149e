// The inbox procedures without a real mail server: the platform's credential (an IMAP+SMTP app password created once
// through the Mailcow emulator, sealed, replaced ONCE after a refused login and then left alone, revoked with the
// account), the failed-login budget, and the honest errors. The IMAP side is either a closed port (unreachable) or
// a few lines of TCP that refuse every LOGIN (what Dovecot answers to a wrong password). Reading real mail is in
// e2e/inbox.test.ts and server/inbox/inbox.e2e.test.ts against Dovecot.
import { createServer, type Server } from "node:net";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { INBOX_APP_PASSWORD_NAME } from "../inbox/credential";
import { createTestClient, createTestServices, STRONG_PASSWORD } from "../test/create-test-context";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import type { Services } from "../services";

const mailcow = useMailcowEmulator();
const ADA = "ada@example.test";

/** An IMAP server that refuses every login (and counts them). */
let refusing: Server;
let refusingPort = 0;
let logins = 0;
beforeAll(async () => {
  refusing = createServer((socket) => {
    socket.on("error", () => {});
    socket.write("* OK [CAPABILITY IMAP4rev1] test server ready\r\n");
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString("latin1");
      let end: number;
      while ((end = buffered.indexOf("\r\n")) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const [tag = "*", command = ""] = line.split(" ");
        switch (command.toUpperCase()) {
          case "CAPABILITY":
            socket.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
            break;
          case "LOGIN":
            logins++;
            socket.write(`${tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n`);
            break;
          case "LOGOUT":
            socket.end(`* BYE\r\n${tag} OK bye\r\n`);
            break;
          default:
            socket.write(`${tag} BAD unknown\r\n`);
        }
      }
    });
  });
  await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
  refusingPort = (refusing.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => refusing.close(resolve));
});

function servicesWithImap(port: number): Services {
  return createTestServices(
    { MAIL_HOST: "127.0.0.1", MAIL_IMAP_PORT: String(port), MAIL_IMAP_SECURITY: "none", MAIL_CHECK_TIMEOUT_MS: "3000", MAIL_LOGIN_FAILURE_BUDGET: "5" },
    { mailcow: mailcow.config },
  );
}

async function signedUp(services: Services) {
  const client = createTestClient(services);
  const registered = await (await client.caller()).auth.register({ username: "ada", password: STRONG_PASSWORD });
  expect(registered.mailbox.state).toBe("active");
  return client;
}

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

function inboxPasswords(services: Services) {
  return services.mailcow.listAppPasswords(ADA).then((list) => list.filter((entry) => entry.name === INBOX_APP_PASSWORD_NAME));
}

describe("mail.* and the platform's inbox credential", () => {
  test("signed out: UNAUTHORIZED; mailbox not active: PRECONDITION_FAILED and no app password made", async () => {
    const services = servicesWithImap(9);
    const anonymous = await createTestClient(services).caller();
    expect((await rejection(anonymous.mail.folders())).code).toBe("UNAUTHORIZED");
    mailcow.emulator.fault("down");
    const client = createTestClient(services);
    await (await client.caller()).auth.register({ username: "ada", password: STRONG_PASSWORD });
    const caller = await client.caller();
    const error = await rejection(caller.mail.list({ folder: "INBOX" }));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toBe("mailbox.notActive");
    expect(await caller.mail.unreadCount()).toEqual({ unread: null });
    expect(services.inbox.credentials.status((await caller.auth.me())!.id)).toBeNull();
  });

  test("first use creates ONE IMAP+SMTP app password, sealed; an unreachable server is said so and costs no budget", async () => {
    const services = servicesWithImap(9); // nothing listens on the discard port: connection refused
    const client = await signedUp(services);
    const caller = await client.caller();
    const userId = (await caller.auth.me())!.id;
    // Before the inbox was opened the navigation's poll creates nothing.
    expect(await caller.mail.unreadCount()).toEqual({ unread: null });
    expect(await inboxPasswords(services)).toEqual([]);

    const answers = await Promise.all([rejection(caller.mail.folders()), rejection(caller.mail.list({ folder: "INBOX" }))]);
    for (const error of answers) {
      expect(error.code).toBe("SERVICE_UNAVAILABLE");
      expect(error.message).toBe("mail.unreachable");
    }
    expect((await rejection(caller.mail.folders())).message).toBe("mail.unreachable");

    const made = await inboxPasswords(services);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ mailbox: ADA, active: true, protocols: ["imap", "smtp"] });
    const status = services.inbox.credentials.status(userId);
    expect(status).toMatchObject({ appPasswordId: made[0]!.id, brokenAt: null, recreated: false });
    const row = services.db.prepare("SELECT sealed_password FROM inbox_credential WHERE user_id = ?").get(userId) as { sealed_password: string };
    expect(row.sealed_password).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(services.mailLoginBudget.remaining()).toBe(5);
  });

  test("a refused login: counted, the app password replaced ONCE (old one deleted), a second refusal stops for good", async () => {
    const services = servicesWithImap(refusingPort);
    const client = await signedUp(services);
    const caller = await client.caller();
    const userId = (await caller.auth.me())!.id;
    const before = logins;

    const first = await rejection(caller.mail.folders());
    expect(first.code).toBe("PRECONDITION_FAILED");
    expect(first.message).toBe("mail.credentialBroken");
    // One login with the first app password, one with its replacement; both counted in the platform-wide budget.
    expect(logins - before).toBe(2);
    expect(services.mailLoginBudget.remaining()).toBe(3);
    const left = await inboxPasswords(services);
    expect(left).toHaveLength(1);
    expect(services.inbox.credentials.status(userId)).toMatchObject({ appPasswordId: left[0]!.id, recreated: true });
    expect(services.inbox.credentials.status(userId)!.brokenAt).not.toBeNull();

    // Never again by itself: no login, no new app password, the same honest answer.
    for (const call of [() => caller.mail.folders(), () => caller.mail.list({ folder: "INBOX" }), () => caller.mail.message({ folder: "INBOX", uid: 1 })]) {
      expect((await rejection(call())).message).toBe("mail.credentialBroken");
    }
    expect((await rejection(caller.mail.send({ to: "bob@example.org", subject: "hi", text: "hello" }))).message).toBe("mail.credentialBroken");
    expect(await caller.mail.unreadCount()).toEqual({ unread: null });
    expect(logins - before).toBe(2);
    expect(services.mailLoginBudget.remaining()).toBe(3);
    expect(await inboxPasswords(services)).toHaveLength(1);

    // A restart remembers it: without the pool's in-memory mark, the database's still stops every login.
    services.inbox.pool.resetCredential(userId);
    await expect(services.inbox.credentials.forUser(userId)).rejects.toMatchObject({ kind: "credential_broken" });
    expect((await rejection(caller.mail.folders())).message).toBe("mail.credentialBroken");
    expect(logins - before).toBe(2);
  });

  test("the budget spent: no login is tried at all", async () => {
    const services = servicesWithImap(refusingPort);
    const caller = await (await signedUp(services)).caller();
    const spent = [1, 2, 3, 4, 5].map(() => services.mailLoginBudget.reserve());
    for (const reservation of spent) if (reservation.ok) reservation.settle(true);
    const before = logins;
    const error = await rejection(caller.mail.folders());
    expect(error.code).toBe("SERVICE_UNAVAILABLE");
    expect(error.message).toBe("mail.loginPaused");
    expect(logins).toBe(before);
  });

  test("deleting the account revokes the platform's app password (the user's own ones stay until the mailbox goes)", async () => {
    const services = servicesWithImap(9);
    const client = await signedUp(services);
    const caller = await client.caller();
    const userId = (await caller.auth.me())!.id;
    const own = await services.mailcow.addAppPassword({ mailbox: ADA, name: "My phone", password: "Own-app-pass-1", protocols: ["imap"] });
    await rejection(caller.mail.folders());
    expect(await inboxPasswords(services)).toHaveLength(1);

    expect(await caller.auth.deleteAccount({ password: STRONG_PASSWORD })).toEqual({ ok: true });
    await expect.poll(() => inboxPasswords(services)).toEqual([]);
    expect((await services.mailcow.listAppPasswords(ADA)).map((entry) => entry.id)).toEqual([own.id]);
    expect(services.inbox.credentials.status(userId)).toBeNull();
    expect((await services.mailcow.getMailbox(ADA))?.active).toBe(0);
  });

  test("bad input is refused with field messages, before any IMAP work", async () => {
    const services = servicesWithImap(9);
    const caller = await (await signedUp(services)).caller();
    const bad = await rejection(caller.mail.send({ to: "not an address", subject: "x", text: "y" }));
    expect(bad.code).toBe("BAD_REQUEST");
    expect((await rejection(caller.mail.list({ folder: "" }))).code).toBe("BAD_REQUEST");
    expect((await rejection(caller.mail.message({ folder: "INBOX", uid: -1 }))).code).toBe("BAD_REQUEST");
    expect(await inboxPasswords(services)).toEqual([]);
  });
});
