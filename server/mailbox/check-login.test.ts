// "Check my login" without a real mail server: imapflow's failures mapped to the four answers, a scripted IMAP
// server for "ok" and "wrong password" (plain and over TLS with a certificate made on the fly), and the procedure's
// rate limit. The same procedure against a real Dovecot is in e2e/imap.test.ts.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { TRPCError } from "@trpc/server";
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { freePorts } from "../../tools/mailstack/test-support";
import { createTestClient, createTestServices, STRONG_PASSWORD } from "../test/create-test-context";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import { checkImapLogin, classifyImapError } from "./check-login";
import { createLoginBudget } from "./login-budget";

describe("classifyImapError", () => {
  test.each([
    ["a refused LOGIN", { authenticationFailed: true, serverResponseCode: "AUTHENTICATIONFAILED" }, "wrong_password"],
    ["a refused LOGIN without a response code", { authenticationFailed: true }, "wrong_password"],
    ["a mailbox that may not log in", { authenticationFailed: true, serverResponseCode: "CONTACTADMIN" }, "wrong_password"],
    ["the auth backend down", { authenticationFailed: true, serverResponseCode: "UNAVAILABLE" }, "unreachable"],
    ["a server that wants TLS first", { authenticationFailed: true, serverResponseCode: "PRIVACYREQUIRED" }, "tls_error"],
    ["a self-signed certificate", { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }, "tls_error"],
    ["an unknown issuer", { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }, "tls_error"],
    ["another host's certificate", { code: "ERR_TLS_CERT_ALTNAME_INVALID" }, "tls_error"],
    ["a failed STARTTLS", { tlsFailed: true, message: "x" }, "tls_error"],
    ["TLS spoken to a plain port", { code: "ERR_SSL_WRONG_VERSION_NUMBER" }, "tls_error"],
    ["an OpenSSL message only", { message: "ssl3_get_record:wrong version number" }, "tls_error"],
    ["a TLS cause inside", { code: "NoConnection", cause: { code: "CERT_HAS_EXPIRED" } }, "tls_error"],
    ["a closed port", { code: "ECONNREFUSED" }, "unreachable"],
    ["an unknown host", { code: "ENOTFOUND" }, "unreachable"],
    ["no greeting", { code: "GREETING_TIMEOUT" }, "unreachable"],
    ["the connection dropped", { code: "EConnectionClosed" }, "unreachable"],
    ["something else", new Error("boom"), "unreachable"],
    ["not even an error", "boom", "unreachable"],
  ])("%s → %s", (_name, error, expected) => {
    expect(classifyImapError(error)).toBe(expected);
  });
});

/** A scripted IMAP server: greets, answers LOGIN for one user and password, says OK to everything else. */
function fakeImap(user: string, password: string) {
  return (socket: Socket) => {
    socket.on("error", () => {});
    socket.write("* OK [CAPABILITY IMAP4rev1] fake IMAP ready\r\n");
    let buffer = "";
    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let end: number;
      while ((end = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const [tag, command = ""] = line.split(" ");
        switch (command.toUpperCase()) {
          case "CAPABILITY":
            socket.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
            break;
          case "LOGIN": {
            const args = [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].slice(2).map((m) => (m[1] ?? m[2] ?? "").replace(/\\(.)/g, "$1"));
            const ok = args[0] === user && args[1] === password;
            socket.write(ok ? `${tag} OK [CAPABILITY IMAP4rev1] Logged in\r\n` : `${tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n`);
            break;
          }
          case "LOGOUT":
            socket.end(`* BYE Logging out\r\n${tag} OK Logout completed.\r\n`);
            break;
          default:
            socket.write(`${tag} OK done\r\n`);
        }
      }
    });
  };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});
async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as { port: number }).port;
}

const HAS_OPENSSL = spawnSync("openssl", ["version"]).status === 0;
const certDir = mkdtempSync(path.join(tmpdir(), "check-login-"));
afterAll(() => rmSync(certDir, { recursive: true, force: true }));
/** A self-signed certificate for 127.0.0.1, made with openssl (about 0.1 s). */
function selfSigned(): { key: string; cert: string } {
  const key = path.join(certDir, "key.pem");
  const cert = path.join(certDir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { stdio: "ignore" });
  return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
}
if (!HAS_OPENSSL) console.warn("check-login.test.ts: the TLS tests are skipped: openssl is not installed");

describe("checkImapLogin", () => {
  const check = { host: "127.0.0.1", user: "ada@example.test", password: "right-password-1", timeoutMs: 2_000 } as const;

  test("a login the server accepts is ok, with the time it took; a refused one is wrong_password", async () => {
    const port = await listen(createServer(fakeImap("ada@example.test", "right-password-1")));
    const ok = await checkImapLogin({ ...check, port, security: "none" });
    expect(ok.result).toBe("ok");
    expect(ok.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(await checkImapLogin({ ...check, port, security: "none", password: "wrong-password-1" })).toMatchObject({ result: "wrong_password" });
  });

  test("a closed port and a server that never greets are unreachable, the latter after the timeout", async () => {
    const [closed] = await freePorts(1);
    expect(await checkImapLogin({ ...check, port: closed!, security: "ssl" })).toMatchObject({ result: "unreachable" });
    const silent = await listen(createServer((socket) => socket.on("error", () => {})));
    const started = Date.now();
    expect(await checkImapLogin({ ...check, port: silent, security: "none", timeoutMs: 300 })).toMatchObject({ result: "unreachable" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test("asking for STARTTLS where it is not offered is a TLS problem, not a plain-text login", async () => {
    const port = await listen(createServer(fakeImap("ada@example.test", "right-password-1")));
    expect(await checkImapLogin({ ...check, port, security: "starttls" })).toMatchObject({ result: "tls_error" });
  });

  test.skipIf(!HAS_OPENSSL)("a certificate nobody vouches for is tls_error; trusting its CA (MAIL_TLS_CA_FILE) makes it ok", async () => {
    const { key, cert } = selfSigned();
    const port = await listen(createTlsServer({ key, cert }, fakeImap("ada@example.test", "right-password-1")));
    expect(await checkImapLogin({ ...check, port, security: "ssl" })).toMatchObject({ result: "tls_error" });
    expect(await checkImapLogin({ ...check, port, security: "ssl", extraCa: cert })).toMatchObject({ result: "ok" });
    // TLS spoken to a plain IMAP port.
    const plain = await listen(createServer(fakeImap("ada@example.test", "right-password-1")));
    expect(await checkImapLogin({ ...check, port: plain, security: "ssl", extraCa: cert })).toMatchObject({ result: "tls_error" });
  });
});

describe("mailbox.checkLogin", () => {
  const mailcow = useMailcowEmulator();
  /** A signed-in user whose mailbox is active (created in the emulator). */
  async function signedIn(env: Record<string, string>, username = "ada") {
    const services = createTestServices({ MAIL_HOST: "127.0.0.1", PROVISIONING_SIGNUP_DEADLINE_MS: "10000", ...env }, { mailcow: { ...mailcow.config, timeoutMs: 10_000 } });
    const client = createTestClient(services);
    const user = await (await client.caller()).auth.register({ username, password: STRONG_PASSWORD });
    expect(user.mailbox.state).toBe("active");
    return client;
  }

  test("only for the user's own active mailbox: a mailbox that is not (yet) ours is refused without a login", async () => {
    let logins = 0;
    const port = await listen(createServer((socket) => {
      logins++;
      fakeImap("boss@example.test", "the-bosses-own-password")(socket);
    }));
    const env = { MAIL_HOST: "127.0.0.1", MAIL_IMAP_PORT: String(port), MAIL_IMAP_SECURITY: "none", PROVISIONING_SIGNUP_DEADLINE_MS: "10000" };
    // The address is squatted while Mailcow is down: the row ends in conflict, the mailbox is somebody else's.
    const services = createTestServices(env, { mailcow: { ...mailcow.config, timeoutMs: 10_000 } });
    mailcow.emulator.fault("down");
    const client = createTestClient(services);
    await (await client.caller()).auth.register({ username: "boss", password: STRONG_PASSWORD });
    const caller = await client.caller();
    const pending = await caller.mailbox.checkLogin({ password: "the-bosses-own-password" }).catch((e: unknown) => e);
    expect((pending as TRPCError).code).toBe("PRECONDITION_FAILED");
    mailcow.emulator.fault(null);
    mailcow.emulator.seedMailbox({ localPart: "boss", password: "the-bosses-own-password" });
    await caller.mailbox.retry();
    expect((await caller.mailbox.info()).state).toBe("conflict");
    const conflict = await caller.mailbox.checkLogin({ password: "the-bosses-own-password" }).catch((e: unknown) => e);
    expect((conflict as TRPCError).code).toBe("PRECONDITION_FAILED");
    expect(logins).toBe(0);
  });

  test("logs in as the user's own address against the configured host, and never echoes the password", async () => {
    const port = await listen(createServer(fakeImap("ada@example.test", "mailbox-password-1")));
    const client = await signedIn({ MAIL_IMAP_PORT: String(port), MAIL_IMAP_SECURITY: "none" });
    const caller = await client.caller();
    const ok = await caller.mailbox.checkLogin({ password: "mailbox-password-1" });
    expect(ok).toEqual({ result: "ok", elapsedMs: expect.any(Number), host: "127.0.0.1", port, security: "none" });
    const wrong = await caller.mailbox.checkLogin({ password: "not-the-password" });
    expect(wrong.result).toBe("wrong_password");
    expect(JSON.stringify([ok, wrong])).not.toMatch(/mailbox-password-1|not-the-password/);
  });

  test("is rate-limited per user (MAIL_CHECK_RATE_LIMIT_PER_HOUR) and needs a session", async () => {
    const [closed] = await freePorts(1);
    const env = { MAIL_IMAP_PORT: String(closed), MAIL_CHECK_RATE_LIMIT_PER_HOUR: "2" };
    const client = await signedIn(env);
    const caller = await client.caller();
    for (let i = 0; i < 2; i++) expect(await caller.mailbox.checkLogin({ password: "x" })).toMatchObject({ result: "unreachable" });
    const limited = await caller.mailbox.checkLogin({ password: "x" }).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(TRPCError);
    expect((limited as TRPCError).code).toBe("TOO_MANY_REQUESTS");
    // Another user on the same server has their own budget.
    const other = createTestClient(client.services);
    await (await other.caller()).auth.register({ username: "bob", password: STRONG_PASSWORD });
    expect(await (await other.caller()).mailbox.checkLogin({ password: "x" })).toMatchObject({ result: "unreachable" });
    const anonymous = await (await createTestClient(client.services).caller()).mailbox.checkLogin({ password: "x" }).catch((e: unknown) => e);
    expect((anonymous as TRPCError).code).toBe("UNAUTHORIZED");
  });

  test("an empty password is refused before any login", async () => {
    const client = await signedIn({ MAIL_IMAP_PORT: "9" });
    const error = await (await client.caller()).mailbox.checkLogin({ password: "" }).catch((e: unknown) => e);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
  });
});

describe("the failed-login budget (all users together)", () => {
  const mailcow = useMailcowEmulator();
  const WINDOW = 600_000;
  function budget(failures = 5) {
    let clock = 0;
    return { budget: createLoginBudget({ failures, windowMs: WINDOW, now: () => clock }), advance: (ms: number) => void (clock += ms) };
  }
  const spend = (b: ReturnType<typeof createLoginBudget>, failed: boolean) => {
    const reservation = b.reserve();
    if (!reservation.ok) throw new Error("refused");
    reservation.settle(failed);
  };

  test("allows the budget of failures in any window, counting logins in flight; successes cost nothing", () => {
    const { budget: b, advance } = budget(5);
    for (let i = 0; i < 10; i++) spend(b, false);
    for (let i = 0; i < 4; i++) {
      spend(b, true);
      advance(60_000);
    }
    // One place left: a login in flight holds it until it ends.
    const inFlight = b.reserve();
    expect(inFlight.ok).toBe(true);
    expect(b.reserve()).toEqual({ ok: false, retryAfterSeconds: 60 });
    if (inFlight.ok) inFlight.settle(true);
    // Five failures: the next place frees when the oldest leaves the window (it is 240 s old).
    expect(b.reserve()).toEqual({ ok: false, retryAfterSeconds: 360 });
    expect(b.remaining()).toBe(0);
    advance(359_000);
    expect(b.reserve().ok).toBe(false);
    advance(1_000);
    // A sliding window: exactly one place came back, not a whole new window.
    spend(b, true);
    expect(b.reserve().ok).toBe(false);
  });

  test("a settled reservation cannot be settled twice", () => {
    const { budget: b } = budget(1);
    const reservation = b.reserve();
    if (!reservation.ok) throw new Error("refused");
    reservation.settle(false);
    reservation.settle(true);
    expect(b.remaining()).toBe(1);
  });

  test("mailbox.checkLogin: when spent, answers paused with the wait and does not connect; works again after the window", async () => {
    let connections = 0;
    const handler = fakeImap("ada@example.test", "mailbox-password-1");
    const port = await listen(
      createServer((socket) => {
        connections++;
        handler(socket);
      }),
    );
    let clock = Date.now();
    const services = createTestServices(
      { MAIL_HOST: "127.0.0.1", MAIL_IMAP_PORT: String(port), MAIL_IMAP_SECURITY: "none", PROVISIONING_SIGNUP_DEADLINE_MS: "10000", MAIL_LOGIN_FAILURE_BUDGET: "3" },
      { now: () => clock, mailcow: { ...mailcow.config, timeoutMs: 10_000 } },
    );
    const callers = [];
    for (const username of ["ada", "bob", "cyd"]) {
      const client = createTestClient(services);
      const user = await (await client.caller()).auth.register({ username, password: STRONG_PASSWORD });
      expect(user.mailbox.state).toBe("active");
      callers.push(await client.caller());
    }
    const [ada, bob, cyd] = callers as [typeof callers[0], typeof callers[0], typeof callers[0]];
    // Three wrong passwords from three users spend the server's budget.
    expect(await bob.mailbox.checkLogin({ password: "wrong-1" })).toMatchObject({ result: "wrong_password" });
    expect(await cyd.mailbox.checkLogin({ password: "wrong-2" })).toMatchObject({ result: "wrong_password" });
    clock += 60_000;
    expect(await bob.mailbox.checkLogin({ password: "wrong-3" })).toMatchObject({ result: "wrong_password" });
    expect(connections).toBe(3);
    // Now even the right password of another user is not tried: no connection, a clear wait.
    const paused = await ada.mailbox.checkLogin({ password: "mailbox-password-1" });
    expect(paused).toEqual({ result: "paused", elapsedMs: 0, host: "127.0.0.1", port, security: "none", retryAfterSeconds: 540 });
    expect(connections).toBe(3);
    // After the window has moved past the first failure, one place is back.
    clock += 540_000;
    expect(await ada.mailbox.checkLogin({ password: "mailbox-password-1" })).toMatchObject({ result: "ok" });
    expect(connections).toBe(4);
  });
});
