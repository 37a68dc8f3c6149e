import { XMLParser } from "fast-xml-parser";
import { describe, expect, test } from "vitest";
import { createTestServices, STRONG_PASSWORD } from "../test/create-test-context";
import { type TestApp, useTestApps } from "../test/use-test-apps";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import { AUTODISCOVER_REQUEST_SCHEMA, OUTLOOK_RESPONSE_SCHEMA } from "./mail-app-documents";

const mailcow = useMailcowEmulator();
const startApp = useTestApps();

async function start(env: Parameters<typeof createTestServices>[0] = {}) {
  const app = await startApp(createTestServices({ MAIL_HOST: "imap.example.test", ...env }, { mailcow: mailcow.config }));
  return app;
}

/** The request Outlook sends (POX). */
const outlookRequest = (email: string, schema = OUTLOOK_RESPONSE_SCHEMA) => `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${AUTODISCOVER_REQUEST_SCHEMA}">
  <Request>
    <EMailAddress>${email}</EMailAddress>
    <AcceptableResponseSchema>${schema}</AcceptableResponseSchema>
  </Request>
</Autodiscover>`;

const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml);

async function post(app: TestApp, payload: string, url = "/autodiscover/autodiscover.xml", contentType = "text/xml") {
  return app.inject({ method: "POST", url, headers: { "content-type": contentType }, payload });
}

describe("Outlook autodiscover (POX)", () => {
  test.each(["/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml"])("%s answers IMAP 993 SSL and SMTP 587 STARTTLS", async (url) => {
    const app = await start();
    const res = await post(app, outlookRequest("Ada@Example.test"), url);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/xml; charset=utf-8");
    const doc = parse(res.body);
    expect(doc.Autodiscover.xmlns).toBe("http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006");
    const response = doc.Autodiscover.Response;
    expect(response.xmlns).toBe(OUTLOOK_RESPONSE_SCHEMA);
    expect(response.Account).toMatchObject({ AccountType: "email", Action: "settings" });
    const [imap, smtp] = response.Account.Protocol;
    expect(imap).toMatchObject({ Type: "IMAP", Server: "imap.example.test", Port: 993, SSL: "on", Encryption: "SSL", LoginName: "ada@example.test", SPA: "off", AuthRequired: "on" });
    expect(smtp).toMatchObject({ Type: "SMTP", Server: "imap.example.test", Port: 587, SSL: "on", Encryption: "TLS", LoginName: "ada@example.test" });
  });

  test("follows MAIL_* settings and never says whether an account exists", async () => {
    const app = await start({ MAIL_IMAP_PORT: "143", MAIL_IMAP_SECURITY: "starttls", MAIL_SMTP_PORT: "465", MAIL_SMTP_SECURITY: "ssl" });
    await app.inject({
      method: "POST",
      url: "/trpc/auth.register",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ username: "ada", password: STRONG_PASSWORD, displayName: "Ada Lovelace" }),
    });
    const known = await post(app, outlookRequest("ada@example.test"));
    const unknown = await post(app, outlookRequest("nobody@example.test"));
    expect(known.body).not.toContain("Ada Lovelace");
    expect(known.body.replaceAll("ada@", "x@")).toBe(unknown.body.replaceAll("nobody@", "x@"));
    const [imap, smtp] = parse(known.body).Autodiscover.Response.Account.Protocol;
    expect(imap).toMatchObject({ Port: 143, SSL: "on", Encryption: "TLS" });
    expect(smtp).toMatchObject({ Port: 465, SSL: "on", Encryption: "SSL" });
  });

  test("refuses another domain with a POX error", async () => {
    const app = await start();
    const res = await post(app, outlookRequest("ada@other.test"));
    expect(res.statusCode).toBe(404);
    expect(parse(res.body).Autodiscover.Response.Error).toMatchObject({ ErrorCode: 600, Message: "Invalid Request" });
  });

  test.each([
    ["an empty body", ""],
    ["not XML", "hello"],
    ["broken XML", "<Autodiscover><Request><EMailAddress>ada@example.test</Request>"],
    ["no address", `<Autodiscover xmlns="${AUTODISCOVER_REQUEST_SCHEMA}"><Request/></Autodiscover>`],
    ["two addresses", `<Autodiscover><Request><EMailAddress>a@example.test</EMailAddress><EMailAddress>b@example.test</EMailAddress></Request></Autodiscover>`],
    ["markup in the address", outlookRequest("<b>ada</b>@example.test")],
    ["an escaped script in the address", outlookRequest("&lt;script&gt;@example.test")],
    ["a header injection", outlookRequest("ada@example.test\r\nX-Evil: 1")],
    ["an entity bomb", `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><Autodiscover><Request><EMailAddress>&lol2;@example.test</EMailAddress></Request></Autodiscover>`],
    ["an external entity", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Autodiscover><Request><EMailAddress>&xxe;</EMailAddress></Request></Autodiscover>`],
    ["the ActiveSync schema", outlookRequest("ada@example.test", "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006")],
  ])("refuses %s with a POX error, never a 500", async (_name, payload) => {
    const app = await start();
    const res = await post(app, payload);
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain("root:");
    expect(res.body).not.toContain("<script>");
    expect(parse(res.body).Autodiscover.Response.Error.ErrorCode).toBe(600);
  });

  test("a JSON body, a huge body and a GET are refused", async () => {
    const app = await start();
    expect((await post(app, JSON.stringify({ EMailAddress: "ada@example.test" }), undefined, "application/json")).statusCode).toBe(400);
    expect((await post(app, `<Autodiscover>${"x".repeat(100_000)}</Autodiscover>`)).statusCode).toBe(413);
    expect((await app.inject({ url: "/autodiscover/autodiscover.xml" })).statusCode).toBe(404);
  });
});

describe("Apple profile language", () => {
  test("texts follow ?lang= and Accept-Language; Russian by default; UUIDs are version 5 and stable", async () => {
    const app = await start();
    const reg = await app.inject({
      method: "POST",
      url: "/trpc/auth.register",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ username: "ada", password: STRONG_PASSWORD }),
    });
    const cookie = String(reg.headers["set-cookie"]).split(";")[0]!;
    const get = (query: string, headers: Record<string, string> = {}) =>
      app.inject({ url: `/api/mailbox/profile.mobileconfig${query}`, headers: { cookie, ...headers } });
    expect((await get("")).body).toContain("Пароль ящика спросят при установке профиля");
    expect((await get("?lang=en")).body).toContain("The password is asked for when the profile is installed");
    expect((await get("", { "accept-language": "en-US,en;q=0.9" })).body).toContain("The password is asked for");
    expect((await get("?lang=ru", { "accept-language": "en-US" })).body).toContain("Пароль ящика спросят");
    const uuids = (body: string) => [...body.matchAll(/<string>([0-9A-F-]{36})<\/string>/g)].map((m) => m[1]);
    const first = uuids((await get("")).body);
    expect(first).toHaveLength(2);
    for (const uuid of first) expect(uuid).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    expect(uuids((await get("?lang=en")).body)).toEqual(first);
  });
});
