import { waitInWords } from "../../shared/i18n/wait";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { createTestServices, STRONG_PASSWORD } from "../test/create-test-context";
import { useTestApps } from "../test/use-test-apps";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";

const startApp = useTestApps();

function fakeClientBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "pm-client-"));
  writeFileSync(path.join(dir, "index.html"), "<!doctype html><html lang=\"ru\"><title>Platform Mail</title></html>");
  mkdirSync(path.join(dir, "assets"));
  writeFileSync(path.join(dir, "assets", "app-abc123.js"), "console.log('hi')");
  return dir;
}

const mailcow = useMailcowEmulator();

async function start(overrides: Parameters<typeof createTestServices>[0] = {}) {
  const app = await startApp(createTestServices(overrides, { mailcow: mailcow.config }), { clientDir: fakeClientBuild() });
  return app;
}

const register = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST" as const,
  url: "/trpc/auth.register",
  headers: { "content-type": "application/json", host: "127.0.0.1:3000", ...headers },
  payload: JSON.stringify(body),
});

describe("HTTP", () => {
  test("/healthz and /readyz answer", async () => {
    const app = await start();
    expect((await app.inject({ url: "/healthz" })).json()).toEqual({ status: "ok" });
    const ready = await app.inject({ url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: "ready", checks: { database: true, mailcow: true } });
  });

  test("sign-up over plain JSON sets an httpOnly SameSite=Lax session cookie that auth.me accepts", async () => {
    const app = await start();
    const res = await app.inject(register({ username: "ada", password: STRONG_PASSWORD }, { origin: "http://127.0.0.1:3000" }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ result: { data: { username: "ada", email: "ada@example.test" } } });
    const setCookie = String(res.headers["set-cookie"]);
    expect(setCookie).toMatch(/^pm_session=[a-z0-9]+;/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    expect(setCookie).not.toContain("Secure");
    const cookie = setCookie.split(";")[0]!;
    const me = await app.inject({ url: "/trpc/auth.me", headers: { cookie } });
    expect(me.json()).toMatchObject({ result: { data: { username: "ada" } } });
    expect(JSON.stringify(res.json())).not.toContain(STRONG_PASSWORD);
  });

  test("the cookie is Secure when APP_ORIGIN is https", async () => {
    const app = await start({ APP_ORIGIN: "https://platform.example.com" });
    const res = await app.inject(register({ username: "ada", password: STRONG_PASSWORD }, { origin: "https://platform.example.com" }));
    expect(String(res.headers["set-cookie"])).toContain("Secure");
    expect(res.headers["strict-transport-security"]).toBeDefined();
  });

  test("mutations from a foreign Origin are refused and change nothing", async () => {
    const app = await start({ APP_ORIGIN: "https://platform.example.com" });
    const res = await app.inject(register({ username: "ada", password: STRONG_PASSWORD }, { origin: "https://evil.example" }));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.message).toBe("Запрос пришёл с чужого сайта и отклонён");
    const crossSite = await app.inject(register({ username: "ada", password: STRONG_PASSWORD }, { "sec-fetch-site": "cross-site" }));
    expect(crossSite.statusCode).toBe(403);
    const ok = await app.inject(register({ username: "ada", password: STRONG_PASSWORD }, { origin: "https://platform.example.com" }));
    expect(ok.statusCode).toBe(200);
  });

  test("without APP_ORIGIN only the serving host is accepted as Origin", async () => {
    const app = await start();
    const foreign = await app.inject(register({ username: "ada", password: STRONG_PASSWORD }, { origin: "http://localhost:9999" }));
    expect(foreign.statusCode).toBe(403);
  });

  test("bad input gets a 400 with field errors in the request's language, never a 500", async () => {
    const app = await start();
    const ru = await app.inject(register({ username: "a", password: "short" }));
    expect(ru.statusCode).toBe(400);
    expect(ru.json().error.data.fieldErrors).toEqual({
      username: ["Не короче 2 символов"],
      password: ["Не короче 10 символов"],
    });
    expect(ru.json().error.data.stack).toBeUndefined();
    const en = await app.inject(register({ username: "postmaster", password: STRONG_PASSWORD }, { "x-platform-locale": "en" }));
    expect(en.json().error.data.fieldErrors).toEqual({ username: ["This name is reserved, choose another"] });
    expect(en.json().error.message).toBe("This name is reserved, choose another");
    const junk = await app.inject(register({ username: 42, password: null, extra: { __proto__: { x: 1 } } }));
    expect(junk.statusCode).toBe(400);
    const notJson = await app.inject({ ...register(null), payload: "{not json" });
    expect(notJson.statusCode).toBeLessThan(500);
  });

  test("too many failed sign-ins answer 429 with Retry-After and the wait in words", async () => {
    const app = await start({ LOGIN_RATE_LIMIT_POINTS: "2" });
    const login = (locale: string) => ({
      method: "POST" as const,
      url: "/trpc/auth.login",
      headers: { "content-type": "application/json", "x-platform-locale": locale },
      payload: JSON.stringify({ login: "nobody", password: "wrong-password" }),
    });
    expect((await app.inject(login("ru"))).statusCode).toBe(401);
    expect((await app.inject(login("ru"))).statusCode).toBe(401);
    const limited = await app.inject(login("en"));
    expect(limited.statusCode).toBe(429);
    const retryAfter = Number(limited.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(limited.json().error.data.retryAfterSeconds).toBe(retryAfter);
    expect(limited.json().error.message).toBe(`Too many attempts. Try again ${waitInWords(retryAfter, "en")}`);
    expect(limited.json().error.message).toMatch(/^Too many attempts\. Try again in \d+ (seconds?|minutes?)$/);
  });

  test("a taken name is a CONFLICT on the username field", async () => {
    const app = await start();
    await app.inject(register({ username: "ada", password: STRONG_PASSWORD }));
    const again = await app.inject(register({ username: "ada", password: STRONG_PASSWORD }, { "x-platform-locale": "en" }));
    expect(again.statusCode).toBe(409);
    expect(again.json().error.data.fieldErrors).toEqual({ username: ["This username is already taken"] });
  });

  test("unknown /trpc paths are a 404, not the SPA", async () => {
    const app = await start();
    const res = await app.inject({ url: "/trpc/nope.nothing" });
    expect(res.statusCode).toBe(404);
    expect(res.headers["content-type"]).toContain("application/json");
  });

  test("client routes fall back to index.html (unknown paths with 404); assets are served with long caching; missing files 404", async () => {
    const app = await start();
    for (const [url, status] of [["/", 200], ["/login", 200], ["/mail", 200], ["/mail/", 200], ["/account?x=1", 200], ["/deep/link?x=1", 404], ["/mailx", 404]] as const) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(status);
      expect(res.body).toContain("Platform Mail");
      expect(res.headers["content-type"]).toContain("text/html");
    }
    const asset = await app.inject({ url: "/assets/app-abc123.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["cache-control"]).toContain("immutable");
    expect((await app.inject({ url: "/assets/missing.js" })).statusCode).toBe(404);
  });

  test("security headers are set, including a CSP without inline scripts", async () => {
    const app = await start();
    const res = await app.inject({ url: "/" });
    expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(res.headers["content-security-policy"]).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
  });
});
