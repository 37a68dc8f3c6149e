// mailbox.aliases.*, mailbox.appPasswords.*, mailbox.deviceSetup.* and GET /mail/device/:token, against the
// Mailcow emulator over real HTTP.
import { TRPCError } from "@trpc/server";
import { pino } from "pino";
import { parse as parsePlist } from "plist";
import { describe, expect, test } from "vitest";
import { api } from "../../tools/mailcow-emulator/test-support";
import { manualClock } from "../test/clock";
import { createTestClient, createTestServices, STRONG_PASSWORD } from "../test/create-test-context";
import { type TestApp, useTestApps } from "../test/use-test-apps";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";

const mailcow = useMailcowEmulator();
const DOMAIN = "example.test";
const ADA = `ada@${DOMAIN}`;
const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1";
const ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36";

function setup(overrides: Parameters<typeof createTestServices>[0] = {}) {
  const clock = manualClock(Date.UTC(2026, 11, 5, 12, 0, 0));
  const services = createTestServices(overrides, { mailcow: mailcow.config, now: clock });
  return { services, clock };
}

async function signedUp(services: ReturnType<typeof setup>["services"], username = "ada") {
  const client = createTestClient(services);
  await (await client.caller()).auth.register({ username, password: STRONG_PASSWORD });
  const caller = await client.caller();
  expect((await caller.mailbox.info()).state).toBe("active");
  return caller;
}

async function rejection(promise: Promise<unknown>, code: TRPCError["code"]) {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  return error as TRPCError;
}

const emulatorApi = () => api(mailcow.emulator.url, mailcow.emulator.apiKey);

describe("mailbox.aliases", () => {
  test("adds up to MAX_ALIASES_PER_USER, each delivering to the mailbox with send-as allowed; the next one is refused", async () => {
    const { services } = setup();
    const ada = await signedUp(services);
    for (const localPart of ["ada.lovelace", "countess", "A.Byron "]) await ada.mailbox.aliases.add({ localPart });
    const list = await ada.mailbox.aliases.list();
    expect(list.aliases.map((a) => a.address).sort()).toEqual([`a.byron@${DOMAIN}`, `ada.lovelace@${DOMAIN}`, `countess@${DOMAIN}`]);
    expect(list.aliases.every((a) => a.removable && a.sendAs)).toBe(true);
    expect(list.maxAliases).toBe(3);
    const stored = await services.mailcow.getAlias(`countess@${DOMAIN}`);
    expect(stored).toMatchObject({ goto: [ADA], senderAllowed: true, active: true });

    const error = await rejection(ada.mailbox.aliases.add({ localPart: "fourth" }), "CONFLICT");
    expect(error.message).toBe("alias.limit");
    expect(await services.mailcow.getAlias(`fourth@${DOMAIN}`)).toBeNull();
    // Audited, with the address and without secrets.
    const entries = services.audit.list({ action: "mailbox.aliases.add" });
    expect(entries.map((e) => e.result).sort()).toEqual(["ok", "ok", "ok", "refused"]);
  });

  test("sign-up's name rules: reserved names (built-in and RESERVED_USERNAMES), bad characters, taken addresses", async () => {
    const { services } = setup({ RESERVED_USERNAMES: "ceo" });
    const ada = await signedUp(services);
    await signedUp(services, "bob");
    mailcow.emulator.seedMailbox({ localPart: "boss" });
    mailcow.emulator.seedAlias(`crew@${DOMAIN}`, `boss@${DOMAIN}`);

    for (const localPart of ["postmaster", "admin2", "ceo"]) {
      const error = await rejection(ada.mailbox.aliases.add({ localPart }), "BAD_REQUEST");
      expect(error.message).toContain("username.reserved");
    }
    await rejection(ada.mailbox.aliases.add({ localPart: "ада" }), "BAD_REQUEST");
    await rejection(ada.mailbox.aliases.add({ localPart: ".ada" }), "BAD_REQUEST");
    for (const localPart of ["boss", "crew", "bob", "ada"]) {
      const error = await rejection(ada.mailbox.aliases.add({ localPart }), "CONFLICT");
      expect(error.message).toBe("alias.taken");
    }
    expect((await ada.mailbox.aliases.list()).aliases).toEqual([]);
  });

  test("a temporary address of another mailbox cannot be taken as an alias (is_spam_alias → taken)", async () => {
    const { services } = setup();
    const ada = await signedUp(services);
    const bob = await signedUp(services, "bob");
    const temp = await bob.mailbox.aliases.addTemporary({ days: 1 });
    const localPart = temp.address.split("@")[0]!;
    const error = await rejection(ada.mailbox.aliases.add({ localPart }), "CONFLICT");
    expect(error.message).toBe("alias.taken");
  });

  test("only the platform's own aliases of this user can be removed; an administrator's alias to the same mailbox is left alone", async () => {
    const { services } = setup();
    const ada = await signedUp(services);
    const bob = await signedUp(services, "bob");
    mailcow.emulator.seedAlias(`ada.admin@${DOMAIN}`, ADA);
    await ada.mailbox.aliases.add({ localPart: "ada.mine" });
    await bob.mailbox.aliases.add({ localPart: "bob.mine" });

    const list = await ada.mailbox.aliases.list();
    expect(list.aliases).toEqual([
      expect.objectContaining({ address: `ada.mine@${DOMAIN}`, removable: true }),
      expect.objectContaining({ address: `ada.admin@${DOMAIN}`, removable: false }),
    ]);
    expect((await rejection(ada.mailbox.aliases.remove({ address: `ada.admin@${DOMAIN}` }), "CONFLICT")).message).toBe("alias.notFound");
    expect((await rejection(ada.mailbox.aliases.remove({ address: `bob.mine@${DOMAIN}` }), "CONFLICT")).message).toBe("alias.notFound");
    expect(await services.mailcow.getAlias(`ada.admin@${DOMAIN}`)).not.toBeNull();
    expect(await services.mailcow.getAlias(`bob.mine@${DOMAIN}`)).not.toBeNull();

    await ada.mailbox.aliases.remove({ address: `ada.mine@${DOMAIN}` });
    expect(await services.mailcow.getAlias(`ada.mine@${DOMAIN}`)).toBeNull();
    expect((await ada.mailbox.aliases.list()).aliases.map((a) => a.address)).toEqual([`ada.admin@${DOMAIN}`]);
  });

  test("an alias the administrator re-pointed is not removed; one deleted in Mailcow no longer counts", async () => {
    const { services } = setup();
    const ada = await signedUp(services);
    await ada.mailbox.aliases.add({ localPart: "ada.one" });
    await ada.mailbox.aliases.add({ localPart: "ada.two" });
    const one = (await services.mailcow.getAlias(`ada.one@${DOMAIN}`))!;
    const edit = await emulatorApi().postJson("/edit/alias", { items: [one.id], attr: { goto: `ada@${DOMAIN},someone@elsewhere.example` } });
    expect(JSON.stringify(edit)).toContain("success");
    expect((await rejection(ada.mailbox.aliases.remove({ address: `ada.one@${DOMAIN}` }), "CONFLICT")).message).toBe("alias.notYours");
    expect(await services.mailcow.getAlias(`ada.one@${DOMAIN}`)).not.toBeNull();

    const two = (await services.mailcow.getAlias(`ada.two@${DOMAIN}`))!;
    await services.mailcow.deleteAlias(two);
    const list = await ada.mailbox.aliases.list();
    expect(list.aliases.filter((a) => a.removable).map((a) => a.address)).toEqual([`ada.one@${DOMAIN}`]);
  });

  test("the domain's room is checked first (Mailcow's own count can be negative); max_alias_exceeded is put in words", async () => {
    const { services } = setup();
    const ada = await signedUp(services);
    const domain = (await services.mailcow.getDomain(DOMAIN))!;
    const used = domain.aliasCount!;
    const set = await emulatorApi().postJson("/edit/domain", { items: [DOMAIN], attr: { aliases: used + 1 } });
    expect(JSON.stringify(set)).toContain("domain_modified");
    await ada.mailbox.aliases.add({ localPart: "ada.fits" });
    expect((await services.mailcow.domainRoom(DOMAIN))!.aliasesLeft).toBe(0);
    const error = await rejection(ada.mailbox.aliases.add({ localPart: "ada.nofit" }), "SERVICE_UNAVAILABLE");
    expect(error.message).toBe("alias.domainFull");
    expect(error.message).not.toBe("max_alias_exceeded");
    expect(await services.mailcow.getAlias(`ada.nofit@${DOMAIN}`)).toBeNull();
  });

  test("temporary addresses: created for N days, listed, removed; unknown ones are refused", async () => {
    const { services } = setup();
    const ada = await signedUp(services);
    const before = Date.now();
    const temp = await ada.mailbox.aliases.addTemporary({ days: 3 });
    expect(temp.address).toMatch(new RegExp(`@${DOMAIN.replace(".", "\\.")}$`));
    const until = Date.parse(temp.validUntil!);
    expect(until).toBeGreaterThanOrEqual(before + 3 * 86_400_000 - 5_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 3 * 86_400_000 + 5_000);
    expect((await ada.mailbox.aliases.list()).temporary.map((t) => t.address)).toEqual([temp.address]);

    await rejection(ada.mailbox.aliases.addTemporary({ days: 0 }), "BAD_REQUEST");
    await rejection(ada.mailbox.aliases.addTemporary({ days: 4000 }), "BAD_REQUEST");
    const bob = await signedUp(services, "bob");
    expect((await rejection(bob.mailbox.aliases.removeTemporary({ address: temp.address }), "CONFLICT")).message).toBe("alias.notFound");

    await ada.mailbox.aliases.removeTemporary({ address: temp.address });
    expect((await ada.mailbox.aliases.list()).temporary).toEqual([]);
    await rejection(ada.mailbox.aliases.removeTemporary({ address: temp.address }), "CONFLICT");
  });

  test("signed-in and an active mailbox are required", async () => {
    const { services } = setup();
    const anonymous = await createTestClient(services).caller();
    await rejection(anonymous.mailbox.aliases.list(), "UNAUTHORIZED");
    await rejection(anonymous.mailbox.appPasswords.list(), "UNAUTHORIZED");
    await rejection(anonymous.mailbox.deviceSetup.start(), "UNAUTHORIZED");
    const ada = await signedUp(services);
    mailcow.emulator.fault("down");
    await rejection(ada.mailbox.aliases.list(), "SERVICE_UNAVAILABLE");
  });
});

describe("mailbox.appPasswords", () => {
  test("create (IMAP + SMTP by default) shows the password once; the flags are stored; list never returns a hash; revoke", async () => {
    const { services } = setup();
    const ada = await signedUp(services);
    const made = await ada.mailbox.appPasswords.create({ name: "Thunderbird" });
    expect(made.password).toMatch(/^[A-HJ-NP-Za-km-np-z2-9]{5}(-[A-HJ-NP-Za-km-np-z2-9]{5}){3}$/);
    expect(made.appPassword).toMatchObject({ name: "Thunderbird", protocols: ["imap", "smtp"], active: true, usedBy: null });
    expect(mailcow.emulator.checkLogin(ADA, made.password, "imap")).toBe(true);
    expect(mailcow.emulator.checkLogin(ADA, made.password, "smtp")).toBe(true);
    expect(mailcow.emulator.checkLogin(ADA, made.password, "pop3")).toBe(false);

    const scoped = await ada.mailbox.appPasswords.create({ name: "Sieve only", protocols: ["sieve", "pop3", "sieve"] });
    expect(scoped.appPassword.protocols).toEqual(["pop3", "sieve"]);
    expect(mailcow.emulator.checkLogin(ADA, scoped.password, "imap")).toBe(false);
    expect(mailcow.emulator.checkLogin(ADA, scoped.password, "sieve")).toBe(true);

    const list = await ada.mailbox.appPasswords.list();
    expect(list.map((p) => p.name)).toEqual(["Sieve only", "Thunderbird"]);
    const text = JSON.stringify(list);
    expect(text).not.toContain(made.password);
    expect(text).not.toMatch(/BLF-CRYPT|SSHA|\$2[aby]\$|password/i);

    await ada.mailbox.appPasswords.revoke({ id: made.appPassword.id });
    expect(mailcow.emulator.checkLogin(ADA, made.password, "imap")).toBe(false);
    expect((await rejection(ada.mailbox.appPasswords.revoke({ id: made.appPassword.id }), "CONFLICT")).message).toBe("appPassword.notFound");
    expect((await ada.mailbox.appPasswords.list()).map((p) => p.name)).toEqual(["Sieve only"]);

    // The audit log names the app passwords, never their passwords.
    const audit = JSON.stringify(services.audit.list({ action: "mailbox.appPasswords." }));
    expect(audit).toContain("Thunderbird");
    expect(audit).not.toContain(made.password);
    expect(audit).not.toContain(scoped.password);
  });

  test("bad input: empty or reserved names, no protocols, unknown protocols; another mailbox's app password is not revoked", async () => {
    const { services } = setup();
    const ada = await signedUp(services);
    const bob = await signedUp(services, "bob");
    await rejection(ada.mailbox.appPasswords.create({ name: "  " }), "BAD_REQUEST");
    expect((await rejection(ada.mailbox.appPasswords.create({ name: "platform inbox" }), "BAD_REQUEST")).message).toContain("appPassword.nameReserved");
    await rejection(ada.mailbox.appPasswords.create({ name: "x", protocols: [] }), "BAD_REQUEST");
    // @ts-expect-error -- an unknown protocol
    await rejection(ada.mailbox.appPasswords.create({ name: "x", protocols: ["imap_access"] }), "BAD_REQUEST");
    const bobs = await bob.mailbox.appPasswords.create({ name: "Bob's phone" });
    await rejection(ada.mailbox.appPasswords.revoke({ id: bobs.appPassword.id }), "CONFLICT");
    expect(mailcow.emulator.checkLogin(`bob@${DOMAIN}`, bobs.password, "imap")).toBe(true);
  });

  test("the inbox's own app password is marked, and revoking it needs a confirmation", async () => {
    const { services } = setup();
    const ada = await signedUp(services);
    const inbox = await services.mailcow.addAppPassword({ mailbox: ADA, name: "Platform inbox", password: "Inbox-Cred-2026-xyzzy", protocols: ["imap", "smtp"] });
    const listed = (await ada.mailbox.appPasswords.list()).find((p) => p.id === inbox.id);
    expect(listed?.usedBy).toBe("inbox");
    expect((await rejection(ada.mailbox.appPasswords.revoke({ id: inbox.id }), "CONFLICT")).message).toBe("appPassword.usedByInbox");
    expect(mailcow.emulator.checkLogin(ADA, "Inbox-Cred-2026-xyzzy", "imap")).toBe(true);
    await ada.mailbox.appPasswords.revoke({ id: inbox.id, confirmInbox: true });
    expect(mailcow.emulator.checkLogin(ADA, "Inbox-Cred-2026-xyzzy", "imap")).toBe(false);
  });

  test("the inbox's credential is also recognised by the id the inbox keeps (inbox_credential), whatever its name", async () => {
    const { services } = setup();
    const ada = await signedUp(services);
    const other = await services.mailcow.addAppPassword({ mailbox: ADA, name: "Webmail reader", password: "Inbox-Cred-2026-plugh", protocols: ["imap"] });
    // The inbox's own record of its credential (a sealed password is stored beside the id; its value is not read here).
    const userId = services.accounts.findByUsername("ada")!.id;
    services.db
      .prepare("INSERT INTO inbox_credential (user_id, app_password_id, sealed_password, created_at) VALUES (?, ?, 'sealed', ?)")
      .run(userId, other.id, Date.now());
    expect((await ada.mailbox.appPasswords.list()).find((p) => p.id === other.id)?.usedBy).toBe("inbox");
    await rejection(ada.mailbox.appPasswords.revoke({ id: other.id }), "CONFLICT");
  });
});

describe("phone set-up", () => {
  const appFor = useTestApps();
  const visit = (app: TestApp, path: string, userAgent: string, lang = "ru-RU") =>
    app.inject({ method: "GET", url: path, headers: { "user-agent": userAgent, "accept-language": lang } });

  test("an iPhone gets a .mobileconfig with a new IMAP+SMTP app password; the link works once; the device is listed and revocable", async () => {
    const { services } = setup({ APP_ORIGIN: "https://platform.example.com" });
    const ada = await signedUp(services);
    const app = await appFor(services);
    const link = await ada.mailbox.deviceSetup.start();
    expect(link.path).toMatch(/^\/mail\/device\/[A-Za-z0-9_-]{43}$/);
    expect(link.url).toBe(`https://platform.example.com${link.path}`);
    expect(link.ttlSeconds).toBe(600);
    expect(Date.parse(link.expiresAt)).toBe(services.now() + 600_000);
    // Only the token's hash is stored.
    const stored = services.db.prepare("SELECT token_hash FROM device_setup_token").all() as { token_hash: string }[];
    expect(JSON.stringify(stored)).not.toContain(link.path.split("/").pop()!);

    const res = await visit(app, link.path, IPHONE);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/application\/x-apple-aspen-config/);
    expect(res.headers["cache-control"]).toBe("no-store");
    const profile = parsePlist(res.body) as { PayloadType: string; PayloadContent: Record<string, unknown>[] };
    expect(profile.PayloadType).toBe("Configuration");
    const account = profile.PayloadContent[0]!;
    expect(account).toMatchObject({ EmailAddress: ADA, IncomingMailServerUsername: ADA, PayloadType: "com.apple.mail.managed" });
    const password = account.IncomingPassword as string;
    expect(account.OutgoingPassword).toBe(password);
    expect(mailcow.emulator.checkLogin(ADA, password, "imap")).toBe(true);
    expect(mailcow.emulator.checkLogin(ADA, password, "smtp")).toBe(true);
    expect(mailcow.emulator.checkLogin(ADA, password, "pop3")).toBe(false);

    const again = await visit(app, link.path, IPHONE, "en-US");
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain("This link no longer works");
    expect(again.body).not.toContain(password);

    const used = services.audit.list({ action: "mailbox.deviceSetup.use" });
    expect(used).toMatchObject([{ result: "ok", target: "iPhone · 2026-12-05", detail: { device: "apple" } }]);
    expect(JSON.stringify(services.audit.list())).not.toContain(password);
    const devices = await ada.mailbox.appPasswords.list();
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({ name: "iPhone · 2026-12-05", protocols: ["imap", "smtp"] });
    await ada.mailbox.appPasswords.revoke({ id: devices[0]!.id });
    expect(mailcow.emulator.checkLogin(ADA, password, "imap")).toBe(false);
  });

  test("Android gets a script-free page with the settings and the password; strict CSP, no-store, no referrer", async () => {
    const { services } = setup();
    const ada = await signedUp(services);
    const app = await appFor(services);
    const { path, url } = await ada.mailbox.deviceSetup.start();
    expect(url).toBeNull();
    const res = await visit(app, path, ANDROID);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    expect(res.body).not.toMatch(/<script|\son\w+=/i);
    expect(res.body).toContain("Пароль приложения");
    const password = /class="pw">([^<]+)</.exec(res.body)?.[1];
    expect(password).toBeDefined();
    expect(mailcow.emulator.checkLogin(ADA, password!, "imap")).toBe(true);
    expect((await ada.mailbox.appPasswords.list())[0]?.name).toBe("Android phone · 2026-12-05");
    // HEAD does not spend links.
    expect((await app.inject({ method: "HEAD", url: path })).statusCode).not.toBe(200);
  });

  test("an expired link (injected clock) and an unknown one are 410 in the visitor's language; nothing is made", async () => {
    const { services, clock } = setup();
    const ada = await signedUp(services);
    const app = await appFor(services);
    const { path } = await ada.mailbox.deviceSetup.start();
    clock.advance(10 * 60_000);
    const expired = await visit(app, path, ANDROID);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain("Ссылка больше не действует");
    expect(expired.headers["cache-control"]).toBe("no-store");
    expect((await visit(app, "/mail/device/not-a-token", ANDROID, "en")).statusCode).toBe(410);
    expect((await visit(app, `/mail/device/${"A".repeat(43)}`, ANDROID, "en")).body).toContain("This link no longer works");
    expect(await ada.mailbox.appPasswords.list()).toEqual([]);
  });

  test("Mailcow down while the phone visits: no password made, the link stays usable until it expires; the token is never logged", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
    const clock = manualClock(Date.UTC(2026, 11, 5, 12, 0, 0));
    const services = createTestServices({}, { mailcow: mailcow.config, now: clock, logger });
    const ada = await signedUp(services);
    const app = await appFor(services);
    const { path } = await ada.mailbox.deviceSetup.start();
    mailcow.emulator.fault("down");
    services.liveMailboxes.invalidate(ADA);
    const down = await visit(app, path, ANDROID);
    expect(down.statusCode).toBe(503);
    mailcow.emulator.fault(null);
    const ok = await visit(app, path, ANDROID);
    expect(ok.statusCode).toBe(200);
    expect((await visit(app, path, ANDROID)).statusCode).toBe(410);
    const token = path.split("/").pop()!;
    expect(lines.some((line) => line.includes("/mail/device/:token"))).toBe(true);
    expect(lines.join("\n")).not.toContain(token);
  });
});
