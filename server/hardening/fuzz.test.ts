// Property-based fuzzing of every tRPC procedure over HTTP: whatever a client sends (wrong types, 1 MB strings,
// RTL/emoji/NUL/lone surrogates, nulls, deep nesting, `__proto__`/`constructor` keys, arrays for objects, the wrong
// method, batches, garbage bytes, odd headers), the answer is never a 5xx, never a stack trace, nothing crashes and
// the server stays healthy. The procedure list is read from the router at runtime, so new procedures are covered
// without touching this file. Bounded by run counts and a time limit per property (a few seconds in all).
import { randomUUID } from "node:crypto";
import { request as httpRequest, Agent } from "node:http";
import { connect, type AddressInfo } from "node:net";
import path from "node:path";
import fc from "fast-check";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createServices } from "../create-services";
import { buildApp } from "../http/app";
import { appRouter } from "../routers/_app";
import type { Services } from "../services";
import { STRONG_PASSWORD, testConfig } from "../test/create-test-context";
import { startMailcowEmulator, type MailcowEmulator } from "../../tools/mailcow-emulator/index";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

interface ProcedureDef {
  type: "query" | "mutation" | "subscription";
  inputs: unknown[];
}

/** Every procedure of the router with its kind and the keys of its input object (if it has one). */
function listProcedures(): { path: string; type: string; keys: string[] }[] {
  const procedures = (appRouter._def as unknown as { procedures: Record<string, { _def: ProcedureDef }> }).procedures;
  return Object.entries(procedures).map(([name, procedure]) => {
    const keys = new Set<string>();
    for (const input of procedure._def.inputs) {
      const shape = (input as { shape?: Record<string, unknown> }).shape;
      if (shape && typeof shape === "object") for (const key of Object.keys(shape)) keys.add(key);
    }
    return { path: name, type: procedure._def.type, keys: [...keys] };
  });
}

const PROCEDURES = listProcedures();
const ALL_KEYS = [...new Set(PROCEDURES.flatMap((p) => p.keys))];

// ---- values, written as JSON text so that duplicate keys and `__proto__` survive into the request body ----

type Node =
  | { t: "raw"; text: string }
  | { t: "arr"; items: Node[] }
  | { t: "obj"; entries: [string, Node][] };

const toJson = (node: Node): string => {
  switch (node.t) {
    case "raw":
      return node.text;
    case "arr":
      return `[${node.items.map(toJson).join(",")}]`;
    case "obj":
      return `{${node.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(",")}}`;
  }
};
const raw = (value: unknown): Node => ({ t: "raw", text: JSON.stringify(value) ?? "null" });

const MB = 1_000_000;
/** Built once: generating megabytes per run would spend the time budget on generation. */
const HUGE_STRINGS = [
  "a".repeat(MB),
  "я".repeat(MB / 2),
  "😀".repeat(MB / 4),
  "\u202Eevil\u202C".repeat(MB / 10),
  "\u0000".repeat(MB / 10), // 600 kB of JSON escapes
  "\ud800".repeat(MB / 10),
  "x".repeat(1024 * 1024 + 10), // just over the body limit
];
const SPECIAL_STRINGS = [
  "",
  " ",
  "ada",
  "ADA",
  "  ada  ",
  "ada@example.test",
  "postmaster",
  "a".repeat(1025),
  STRONG_PASSWORD,
  "{BLF-CRYPT}$2y$10$abcdefghijklmnopqrstuv",
  "\u0000",
  "ada\u0000admin",
  "\ud800",
  "a\udfffb",
  "\udc00\ud800",
  "\u202Eexe.txt",
  "مرحبا بالعالم",
  "שלום",
  "👨‍👩‍👧‍👦🏳️‍🌈",
  "\uFEFF\u200B\u200D",
  "' OR 1=1 --",
  "'; DROP TABLE user; --",
  "../../etc/passwd",
  "%00%2e%2e",
  "<script>alert(1)</script>",
  "${process.env.MAILCOW_API_KEY}",
  "__proto__",
  "constructor",
  "NaN",
  "-0",
  "1e309",
];

const utf16Unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const stringArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: utf16Unit, maxLength: 40 }) }, // lone surrogates, NUL, controls
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(...HUGE_STRINGS) },
);
const leafArb: fc.Arbitrary<Node> = fc.oneof(
  { weight: 4, arbitrary: stringArb.map(raw) },
  { weight: 1, arbitrary: fc.integer().map(raw) },
  { weight: 1, arbitrary: fc.constantFrom("1e309", "-0", "0.1e-400", "123456789012345678901234567890", "true", "false", "null").map((text): Node => ({ t: "raw", text })) },
  { weight: 1, arbitrary: fc.double().map(raw) },
  { weight: 1, arbitrary: fc.constant<Node>({ t: "raw", text: "null" }) },
);
const keyArb = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "0", "", ...ALL_KEYS),
  stringArb.filter((s) => s.length < 100),
);
const { node: nodeArb } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafArb,
    fc.array(tie("node"), { maxLength: 4 }).map((items): Node => ({ t: "arr", items })),
    fc.array(fc.tuple(keyArb, tie("node")), { maxLength: 4 }).map((entries): Node => ({ t: "obj", entries })),
  ),
}));

/** n levels of arrays or objects around a value. */
const deep = (levels: number, kind: "arr" | "obj"): Node => ({
  t: "raw",
  text: kind === "arr" ? `${"[".repeat(levels)}1${"]".repeat(levels)}` : `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`,
});
const POLLUTION: Node[] = [
  { t: "raw", text: '{"__proto__":{"polluted":"yes","isAdmin":true}}' },
  { t: "raw", text: '{"constructor":{"prototype":{"polluted":"yes"}}}' },
  { t: "raw", text: '{"username":"ada","password":"correct-horse-battery-staple","__proto__":{"polluted":"yes"}}' },
  { t: "raw", text: '{"__proto__":null}' },
  { t: "raw", text: '{"0":{"__proto__":{"polluted":"yes"}},"__proto__":{"polluted":"yes"}}' },
];

/** Inputs shaped like a procedure's: its own keys (plus strays) with any values; or anything at all. */
function inputArb(keys: string[]): fc.Arbitrary<Node | undefined> {
  const shaped = fc
    .tuple(
      fc.subarray(keys.length ? keys : ["input"]).chain((chosen) => fc.tuple(...chosen.map((key) => fc.tuple(fc.constant(key), nodeArb)))),
      fc.array(fc.tuple(keyArb, nodeArb), { maxLength: 2 }),
    )
    .map(([own, stray]): Node => ({ t: "obj", entries: [...own, ...stray] }));
  return fc.oneof(
    { weight: 5, arbitrary: shaped },
    { weight: 3, arbitrary: nodeArb },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom(...POLLUTION) },
    { weight: 1, arbitrary: fc.constantFrom(deep(100, "arr"), deep(5_000, "obj"), deep(200_000, "arr"), deep(200_000, "obj")) },
  );
}

// ---- requests ----

interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}
interface FuzzResponse {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"];
const CONTENT_TYPES = [
  "application/json; charset=utf-8",
  "application/json; charset=utf-16",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/octet-stream",
  "application/jsonx",
  "",
];

/** Stands for the run's own session cookie, filled in when the request is sent (signed-in runs only). */
const SESSION = "\u0000session";

function requestArb(procedure: { path: string; type: string; keys: string[] }): fc.Arbitrary<FuzzRequest> {
  const input = inputArb(procedure.keys);
  // Mostly the right method and content type, so that most runs get past the transport and into the procedure.
  const method = fc.oneof(
    { weight: 3, arbitrary: fc.constant(procedure.type === "query" ? "GET" : "POST") },
    { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
  );
  const contentType = fc.oneof(
    { weight: 4, arbitrary: fc.constant("application/json") },
    { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  );
  const others = fc.constantFrom(...PROCEDURES.map((p) => p.path));
  const headers = fc.record({
    contentType,
    locale: fc.option(fc.oneof(fc.constantFrom("ru", "en", "de", "EN", "ru-RU"), stringArb.filter((s) => /^[\x20-\x7e]*$/.test(s) && s.length < 200))),
    origin: fc.option(fc.constantFrom("https://evil.example", "null", "not a url", "http://127.0.0.1", "http://[::1", "\u0000"), { freq: 4 }),
    cookieMode: fc.constantFrom("session", "session", "session", "session", "garbage", "none"),
    garbageCookie: fc.string({ unit: "binary-ascii", maxLength: 80 }).map((s) => s.replace(/[^\x21-\x7e]/g, "")),
  });
  const transport = fc.oneof(
    // A single call, input in the body or the query string, whatever the procedure's kind.
    { weight: 6, arbitrary: fc.record({ kind: fc.constant("single" as const), method, input }) },
    // A batch of this procedure with others, one input per index (or a malformed batch).
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("batch" as const),
        method: fc.constantFrom("GET", "POST"),
        paths: fc.array(others, { maxLength: 3 }),
        inputs: fc.array(input, { minLength: 1, maxLength: 4 }),
        shape: fc.constantFrom("indexed", "array", "scalar"),
      }),
    },
    // Bytes that are not JSON (or not UTF-8) at all.
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("bytes" as const), body: fc.uint8Array({ maxLength: 200 }) }) },
  );
  return fc.tuple(transport, headers).map(([t, h]) => {
    const out: Record<string, string> = {};
    if (h.contentType) out["content-type"] = h.contentType;
    if (h.locale !== null) out["x-platform-locale"] = h.locale;
    if (h.origin !== null) out.origin = h.origin;
    if (h.cookieMode === "session") out.cookie = SESSION;
    if (h.cookieMode === "garbage") out.cookie = `pm_session=${h.garbageCookie}`;
    const base = `/trpc/${procedure.path}`;
    if (t.kind === "bytes") return { method: "POST", url: base, headers: out, body: Buffer.from(t.body) };
    if (t.kind === "single") {
      const json = t.input === undefined ? undefined : toJson(t.input);
      if (t.method === "GET" || t.method === "HEAD") {
        return { method: t.method, url: json === undefined ? base : `${base}?input=${encodeURIComponent(json)}`, headers: out };
      }
      return { method: t.method, url: base, headers: out, ...(json === undefined ? {} : { body: json }) };
    }
    const paths = [procedure.path, ...t.paths].join(",");
    const inputs = t.inputs.map((node) => (node === undefined ? "null" : toJson(node)));
    const batch =
      t.shape === "indexed" ? `{${inputs.map((text, i) => `"${i}":${text}`).join(",")}}` : t.shape === "array" ? `[${inputs.join(",")}]` : inputs[0]!;
    const url = `/trpc/${paths}?batch=1`;
    return t.method === "GET"
      ? { method: "GET", url: `${url}&input=${encodeURIComponent(batch)}`, headers: out }
      : { method: "POST", url, headers: out, body: batch };
  });
}

/** Fails on what must never happen, whatever was sent. */
function expectSane(req: FuzzRequest, res: FuzzResponse) {
  const what = `${req.method} ${req.url.slice(0, 200)} (${req.headers["content-type"] ?? "no content-type"}) → ${res.status} ${res.body.slice(0, 300)}`;
  // The one 5xx allowed: the inbox's honest "the mail server (IMAP) cannot be reached" — this file runs no IMAP server.
  // A batch answers 503 when all of its calls did, so a batch made only of inbox procedures may too.
  const imapDown = res.status === 503 && /^\/trpc\/mail\.[a-zA-Z]+(,mail\.[a-zA-Z]+)*(\?|$)/.test(req.url) && res.body.includes('"code":"SERVICE_UNAVAILABLE"');
  if (!imapDown) expect(res.status, what).toBeLessThan(500);
  expect(res.body, what).not.toMatch(/\n\s+at .+\(|node_modules|file:\/\//);
  expect(res.body, what).not.toContain(ROOT);
  if (res.body && req.method !== "HEAD") expect(() => JSON.parse(res.body), what).not.toThrow();
}

// ---- the server under test ----

// One emulator for the whole file, never reset: the signed-in user's mailbox must outlive the tests.
let mailcow: MailcowEmulator;
let services: Services;
let app: Awaited<ReturnType<typeof buildApp>>;
let userId: string;
const errorLogs: string[] = [];
const crashes: unknown[] = [];
const onCrash = (error: unknown) => crashes.push(error);
/** Not among the fuzzed strings, so that no fuzzed changePassword/deleteAccount can succeed by chance. */
const FUZZER_PASSWORD = `pw-${randomUUID()}`;
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

beforeAll(async () => {
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);
  // Limits out of the way so that fuzzed input reaches the code behind them (limits have their own tests).
  const config = testConfig({
    LOGIN_RATE_LIMIT_POINTS: "1000000",
    LOGIN_IP_RATE_LIMIT_POINTS: "1000000",
    LOGIN_ACCOUNT_RATE_LIMIT_POINTS: "1000000",
    PASSWORD_HASH_PER_IP: "1000000",
    PASSWORD_HASH_QUEUE_MAX: "1000000",
    // Refused batches are answered at once here: the fuzzer has a time budget per procedure.
    TRPC_BATCH_REFUSAL_DELAY_MS: "0",
    USER_ACTION_RATE_LIMIT_POINTS: "1000000",
    PROVISIONING_SIGNUP_DEADLINE_MS: "500",
    MAILCOW_TIMEOUT_MS: "2000",
  });
  const logger = pino({ level: "warn" }, { write: (line: string) => void (JSON.parse(line).level >= 50 && errorLogs.push(line)) });
  mailcow = await startMailcowEmulator();
  services = createServices(config, logger, { mailcow: { baseUrl: mailcow.url, apiKey: mailcow.apiKey } });
  app = await buildApp(services);
  await app.listen({ host: "127.0.0.1", port: 0 });
  port = (app.server.address() as AddressInfo).port;
  const res = await app.inject({
    method: "POST",
    url: "/trpc/auth.register",
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({ username: "fuzzer", password: FUZZER_PASSWORD }),
  });
  expect(res.statusCode).toBe(200);
  userId = res.json().result.data.id;
  // The first attempt may outlive the sign-up deadline; the fuzzing must start from an active mailbox.
  await services.provisioner.drain();
  expect(services.provisioner.store.get(userId)?.state).toBe("active");
});

afterAll(async () => {
  process.off("uncaughtException", onCrash);
  process.off("unhandledRejection", onCrash);
  agent.destroy();
  await app?.close();
  await services?.provisioner.stop();
  await mailcow?.close();
});

// Over a real socket, not app.inject: inject skips Node's HTTP parser and hands tRPC a body that is not an
// IncomingMessage (multipart then fails inside tRPC's adapter in a way no real client can trigger).
let port = 0;
const agent = new Agent({ keepAlive: false });
function send(req: FuzzRequest): Promise<FuzzResponse | null> {
  // Node's client refuses header values it cannot send; those never reach the server anyway.
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([, v]) => !/[^\t\x20-\x7e]/.test(v)));
  return new Promise<FuzzResponse | null>((resolve, reject) => {
    const r = httpRequest({ host: "127.0.0.1", port, method: req.method, path: req.url, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    r.on("error", (error: NodeJS.ErrnoException) => {
      // The server may close a connection on a request it will not read (e.g. 413 before the body is sent).
      if (error.code === "ECONNRESET" || error.code === "EPIPE") resolve(null);
      // Past Node's 16 kB header limit the server's parser answers 431 and hangs up; the client may not parse it.
      else if (error.code?.startsWith("HPE_") && req.url.length > 16_384) resolve(null);
      else reject(error);
    });
    r.end(req.body);
  });
}

/** A fresh session per run (a fuzzed auth.logout must not sign the next run out), or none when anonymous. */
async function withSession(req: FuzzRequest, signedIn: boolean): Promise<FuzzRequest> {
  if (req.headers.cookie !== SESSION) return req;
  const headers = { ...req.headers };
  delete headers.cookie;
  if (signedIn) {
    const { cookie } = await services.sessions.create(userId);
    headers.cookie = `${cookie.name}=${cookie.value}`;
  }
  return { ...req, headers };
}

// A few seconds in all by default; FUZZ_RUNS=5000 npm run test:fuzz for a long run (time limit scales along).
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
// A cap for long FUZZ_RUNS, not a pass mark: generous enough that a loaded machine still gets its runs in.
const TIME_LIMIT_MS = Math.max(10_000, RUNS * 250);

describe.each([
  ["anonymous", false],
  ["signed in", true],
])("fuzzing every procedure over HTTP (%s)", (_mode, signedIn) => {
  test.each(PROCEDURES.map((p) => [p.path, p] as const))("%s", async (_path, procedure) => {
    await fc.assert(
      fc.asyncProperty(requestArb(procedure), async (generated) => {
        const req = await withSession(generated, signedIn);
        const res = await send(req);
        if (res) expectSane(req, res);
      }),
      { numRuns: RUNS, plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS)] },
    );
  });
});

describe("after fuzzing", () => {
  test("nothing crashed, nothing was logged as an error, no prototype was polluted", () => {
    expect(crashes).toEqual([]);
    expect(errorLogs).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  test("the server is healthy and a real user can still sign in and read their mailbox", async () => {
    expect((await app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await app.inject({ url: "/readyz" })).statusCode).toBe(200);
    const login = await app.inject({
      method: "POST",
      url: "/trpc/auth.login",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ login: "fuzzer", password: FUZZER_PASSWORD }),
    });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers["set-cookie"]).split(";")[0]!;
    const info = await app.inject({ url: "/trpc/mailbox.info", headers: { cookie } });
    expect(info.statusCode).toBe(200);
    expect(info.json().result.data.state).toBe("active");
  });
});

describe("broken HTTP on a raw socket", () => {
  /** Writes bytes, collects whatever comes back until the server closes the connection (or 2 s pass). */
  const rawExchange = (bytes: string | Buffer) =>
    new Promise<string>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port }, () => socket.end(bytes));
      const chunks: Buffer[] = [];
      socket.on("data", (c: Buffer) => chunks.push(c));
      socket.on("error", () => undefined);
      socket.on("close", () => resolve(Buffer.concat(chunks).toString("latin1")));
      socket.setTimeout(2000, () => socket.destroy());
    });
  const status = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);

  test.each([
    ["a 1 MB URL", `GET /trpc/auth.login?input=${"a".repeat(MB)} HTTP/1.1\r\nHost: x\r\n\r\n`],
    ["a garbage request line", "HELLO\r\n\r\n"],
    ["a NUL in a header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n"],
    ["a broken chunked body", "POST /trpc/auth.login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"],
    ["a body cut short", "POST /trpc/auth.login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"login\":"],
    ["both Content-Length and chunked", "POST /trpc/auth.login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"],
    ["invalid UTF-8 in a JSON body", Buffer.concat([Buffer.from("POST /trpc/auth.login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 27\r\nConnection: close\r\n\r\n"), Buffer.from('{"login":"\xff\xfe","pa":1}', "latin1")])],
  ])("%s gets a 4xx (or a closed connection), never a 5xx", async (_what, bytes) => {
    const answer = await rawExchange(bytes);
    if (answer) expect(status(answer), answer.slice(0, 200)).toBeLessThan(500);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
