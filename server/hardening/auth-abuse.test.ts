// Attacks on sign-in and sign-up over real HTTP (a listening server, fetch and raw sockets): batched and parallel
// guessing, spoofed client addresses, slow bodies, cacheable answers, foreign origins, hostile display names.
import net from "node:net";
import { Writable } from "node:stream";
import { describe, expect, test } from "vitest";
import { createServices } from "../create-services";
import { createLogger } from "../logger";
import { createTestServices, STRONG_PASSWORD, testConfig } from "../test/create-test-context";
import { useTestApps } from "../test/use-test-apps";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";

const mailcow = useMailcowEmulator();
const startApp = useTestApps();

type Overrides = Parameters<typeof createTestServices>[0];

async function listen(overrides: Overrides = {}, services = createTestServices(overrides, { mailcow: mailcow.config })) {
  const app = await startApp(services);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as net.AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const post = (procedure: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/trpc/${procedure}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { app, services, url, port, post };
}

async function signUp(post: Awaited<ReturnType<typeof listen>>["post"], username = "ada") {
  const res = await post("auth.register", { username, password: STRONG_PASSWORD });
  expect(res.status).toBe(200);
}

describe("sign-in guessing", () => {
  test("a batch of hundreds of auth.login entries makes no guess, and its right password is not accepted", async () => {
    const { post } = await listen();
    await signUp(post);
    const guesses = 454;
    const body: Record<string, unknown> = {};
    for (let i = 0; i < guesses; i++) body[i] = { login: "ada", password: i === guesses - 1 ? STRONG_PASSWORD : `wrong-${i}` };
    const big = await post(`${Array.from({ length: guesses }, () => "auth.login").join(",")}?batch=1`, body);
    expect(big.status).toBe(400);
    expect(big.headers.getSetCookie()).toEqual([]);
    expect(big.headers.get("cache-control")).toBe("no-store");
    expect(JSON.stringify(await big.json())).not.toContain('"result"');

    // Within the size cap, a batch with an auth mutation is still refused whole.
    const small = await post("auth.login,auth.login?batch=1", { 0: { login: "ada", password: "wrong" }, 1: { login: "ada", password: STRONG_PASSWORD } });
    expect(small.status).toBe(400);
    expect(small.headers.getSetCookie()).toEqual([]);
    expect(((await small.json()) as { error: { message: string } }).error.message).toBe(
      "Вход, регистрацию и действия с почтовым ящиком нельзя объединять в пакет: отправляйте по одному запросу",
    );
    const mailbox = await post("mailbox.create,auth.logout?batch=1", { 0: { password: STRONG_PASSWORD } });
    expect(mailbox.status).toBe(400);

    // Nothing was counted: the owner signs in at once, and queries still batch.
    expect((await post("auth.login", { login: "ada", password: STRONG_PASSWORD })).status).toBe(200);
  });

  test("queries still batch, up to TRPC_MAX_BATCH_SIZE", async () => {
    const { url } = await listen({ TRPC_MAX_BATCH_SIZE: "3" });
    expect((await fetch(`${url}/trpc/auth.me,auth.me,auth.me?batch=1&input={}`)).status).toBe(200);
    expect((await fetch(`${url}/trpc/auth.me,auth.me,auth.me,auth.me?batch=1&input={}`)).status).toBe(400);
  });

  test("40 parallel guesses from one address are refused before any is verified: 5 wait for argon2, 35 get 429", async () => {
    const { post, services } = await listen({ LOGIN_RATE_LIMIT_POINTS: "5", PASSWORD_HASH_CONCURRENCY: "1", PASSWORD_HASH_PER_IP: "100" });
    await signUp(post);
    // Another client's argon2 work holds the only slot, so no guess can be verified until it is released.
    let release!: () => void;
    const gate = services.limits.passwordWork("192.0.2.1", () => new Promise<void>((resolve) => (release = resolve)));
    const statuses: number[] = [];
    const answers = Array.from({ length: 40 }, (_, i) =>
      post("auth.login", { login: "ada", password: `wrong-${i}` }).then((res) => void statuses.push(res.status)),
    );
    await expect.poll(() => statuses.length, { timeout: 15_000 }).toBe(35);
    expect(statuses.every((s) => s === 429)).toBe(true);
    // The budget is spent while nothing has been verified: the right password now waits too.
    const right = await post("auth.login", { login: "ada", password: STRONG_PASSWORD });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    release();
    await Promise.all([gate, ...answers]);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
  });

  test("a full argon2 queue answers 503 at once, with Retry-After", async () => {
    const { post, services } = await listen({ PASSWORD_HASH_CONCURRENCY: "1", PASSWORD_HASH_QUEUE_MAX: "1" });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // One running and one waiting, from other addresses: the queue is full.
    const running = services.limits.passwordWork("192.0.2.1", () => gate);
    const waiting = services.limits.passwordWork("192.0.2.2", () => gate);
    const res = await post("auth.login", { login: "ada", password: "whatever-it-is" }, { "x-platform-locale": "en" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("The server is busy right now. Try again in 2 seconds");
    release();
    await Promise.all([running, waiting]);
    expect((await post("auth.login", { login: "ada", password: "whatever-it-is" })).status).toBe(401);
  });
});

describe("TRUST_PROXY", () => {
  test("a hop count believes only the nearest proxy's entry: a client cannot choose its address", async () => {
    const { post } = await listen({ TRUST_PROXY: "1", LOGIN_IP_RATE_LIMIT_POINTS: "2" });
    // The proxy appends the address it saw (203.0.113.9); whatever the client put first is ignored.
    for (const spoofed of ["198.51.100.1", "198.51.100.2"]) {
      const res = await post("auth.login", { login: `nobody-${spoofed}`, password: "wrong-password" }, { "x-forwarded-for": `${spoofed}, 203.0.113.9` });
      expect(res.status).toBe(401);
    }
    const third = await post("auth.login", { login: "nobody-3", password: "wrong-password" }, { "x-forwarded-for": "198.51.100.3, 203.0.113.9" });
    expect(third.status).toBe(429);
    // Another client behind the same proxy has its own budget.
    expect((await post("auth.login", { login: "nobody-4", password: "wrong-password" }, { "x-forwarded-for": "203.0.113.10" })).status).toBe(401);
  });

  test("a proxy list: X-Forwarded-For is believed from those addresses only", async () => {
    const { post } = await listen({ TRUST_PROXY: "10.0.0.0/8,127.0.0.1", LOGIN_IP_RATE_LIMIT_POINTS: "1" });
    expect((await post("auth.login", { login: "x1", password: "wrong-password" }, { "x-forwarded-for": "203.0.113.1" })).status).toBe(401);
    expect((await post("auth.login", { login: "x2", password: "wrong-password" }, { "x-forwarded-for": "203.0.113.2" })).status).toBe(401);
    expect((await post("auth.login", { login: "x3", password: "wrong-password" }, { "x-forwarded-for": "203.0.113.1" })).status).toBe(429);
  });

  test("IPv6 clients are counted by /64, IPv4-mapped IPv6 as IPv4", async () => {
    const { post } = await listen({ TRUST_PROXY: "127.0.0.1", LOGIN_IP_RATE_LIMIT_POINTS: "2" });
    expect((await post("auth.login", { login: "v1", password: "wrong-password" }, { "x-forwarded-for": "2001:db8:1:2::1" })).status).toBe(401);
    expect((await post("auth.login", { login: "v2", password: "wrong-password" }, { "x-forwarded-for": "2001:db8:1:2:ffff::2" })).status).toBe(401);
    expect((await post("auth.login", { login: "v3", password: "wrong-password" }, { "x-forwarded-for": "2001:db8:1:2::abcd" })).status).toBe(429);
    expect((await post("auth.login", { login: "v4", password: "wrong-password" }, { "x-forwarded-for": "2001:db8:1:3::1" })).status).toBe(401);
    expect((await post("auth.login", { login: "m1", password: "wrong-password" }, { "x-forwarded-for": "198.51.100.7" })).status).toBe(401);
    expect((await post("auth.login", { login: "m2", password: "wrong-password" }, { "x-forwarded-for": "::ffff:198.51.100.7" })).status).toBe(401);
    expect((await post("auth.login", { login: "m3", password: "wrong-password" }, { "x-forwarded-for": "198.51.100.7" })).status).toBe(429);
  });
});

describe("slow clients", () => {
  test("a body that does not arrive within HTTP_BODY_TIMEOUT_MS closes the connection", async () => {
    // The configured timeout is what is under test; the outcome is waited for, not slept on.
    const { port } = await listen({ HTTP_BODY_TIMEOUT_MS: "1000" });
    const socket = net.connect(port, "127.0.0.1");
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => {});
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(
      "POST /trpc/auth.login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"login\":",
    );
    await closed;
    expect(socket.destroyed).toBe(true);
  }, 20_000);
});

describe("answers are not cached", () => {
  test("every tRPC answer carries Cache-Control: no-store; the mail profile too; autoconfig is public", async () => {
    const { url, post } = await listen();
    const signUp = await post("auth.register", { username: "ada", password: STRONG_PASSWORD });
    expect(signUp.headers.get("cache-control")).toBe("no-store");
    const cookie = signUp.headers.getSetCookie()[0]!.split(";")[0]!;
    for (const path of ["auth.me", "mailbox.info", "auth.me,mailbox.info?batch=1&input={}", "nope.nothing"]) {
      const res = await fetch(`${url}/trpc/${path}`, { headers: { cookie } });
      expect(res.headers.get("cache-control"), path).toBe("no-store");
    }
    expect((await post("auth.login", { login: "" })).headers.get("cache-control")).toBe("no-store");
    expect((await post("auth.login", { login: "ada", password: "wrong-password" })).headers.get("cache-control")).toBe("no-store");
    const profile = await fetch(`${url}/api/mailbox/profile.mobileconfig`, { headers: { cookie } });
    expect(profile.status).toBe(200);
    expect(profile.headers.get("cache-control")).toContain("no-store");
    const autoconfig = await fetch(`${url}/mail/config-v1.1.xml`);
    expect(autoconfig.headers.get("cache-control")).toContain("public");
  });
});

describe("sign-up input", () => {
  test.each([
    ["NUL", "Ada\u0000Lovelace"],
    ["a right-to-left override", "Ada \u202Egnp.exe"],
    ["an isolate", "Ada \u2067x\u2069"],
    ["a line separator", "Ada\u2028Lovelace"],
    ["an escape", "Ada\u001b[31m"],
  ])("a display name with %s is refused with a field error (ru/en)", async (_what, displayName) => {
    const { post } = await listen();
    const ru = await post("auth.register", { username: "ada", password: STRONG_PASSWORD, displayName });
    expect(ru.status).toBe(400);
    expect(((await ru.json()) as { error: { data: { fieldErrors: unknown } } }).error.data.fieldErrors).toEqual({
      displayName: ["Имя не может содержать управляющие символы или символы смены направления текста"],
    });
    const en = await post("auth.register", { username: "ada", password: STRONG_PASSWORD, displayName }, { "x-platform-locale": "en" });
    expect(((await en.json()) as { error: { data: { fieldErrors: unknown } } }).error.data.fieldErrors).toEqual({
      displayName: ["The name cannot contain control characters or text-direction overrides"],
    });
  });

  test("RESERVED_USERNAMES adds the operator's names, near-variants included", async () => {
    const { post } = await listen({ RESERVED_USERNAMES: "director, Board" });
    for (const username of ["director", "di.rector", "board", "bo_ard"]) {
      const res = await post("auth.register", { username, password: STRONG_PASSWORD }, { "x-platform-locale": "en" });
      expect(res.status, username).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe("This name is reserved, choose another");
    }
    expect((await post("auth.register", { username: "directory", password: STRONG_PASSWORD })).status).toBe(200);
  });
});

describe("origins and cookies", () => {
  test("without APP_ORIGIN, an Origin with the serving host but another scheme is refused", async () => {
    const { post, port } = await listen();
    const https = await post("auth.register", { username: "ada", password: STRONG_PASSWORD }, { origin: `https://127.0.0.1:${port}` });
    expect(https.status).toBe(403);
    const same = await post("auth.register", { username: "ada", password: STRONG_PASSWORD }, { origin: `http://127.0.0.1:${port}` });
    expect(same.status).toBe(200);
  });

  test("on https the session cookie is __Host- prefixed (Secure, Path=/, no Domain)", async () => {
    const { post } = await listen({ APP_ORIGIN: "https://platform.example.com" });
    const res = await post("auth.register", { username: "ada", password: STRONG_PASSWORD }, { origin: "https://platform.example.com" });
    const setCookie = res.headers.getSetCookie()[0]!;
    expect(setCookie).toMatch(/^__Host-pm_session=[a-z0-9]+;/);
    expect(setCookie).toContain("Secure");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).not.toMatch(/Domain=/i);
  });
});

describe("request logging", () => {
  test("one log line per request, without the query string", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const config = testConfig({ MAILCOW_TIMEOUT_MS: "2000" });
    const services = createServices(config, createLogger("info", sink), { mailcow: mailcow.config });
    const { url } = await listen({}, services);
    const before = lines.length;
    const res = await fetch(`${url}/trpc/auth.me?input=%7B%22secret%22%3A1%7D`);
    expect(res.status).toBe(200);
    await expect.poll(() => lines.length).toBeGreaterThan(before);
    const perRequest = lines.slice(before).filter((l) => l.reqId !== undefined);
    expect(perRequest).toHaveLength(1);
    expect(perRequest[0]).toMatchObject({ method: "GET", path: "/trpc/auth.me", status: 200 });
    expect(JSON.stringify(perRequest[0])).not.toContain("secret");
  });
});
