import { XMLParser } from "fast-xml-parser";
import { describe, expect, test } from "vitest";
import { createTestServices, STRONG_PASSWORD } from "../test/create-test-context";
import { useTestApps } from "../test/use-test-apps";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";

const mailcow = useMailcowEmulator();
const startApp = useTestApps();

async function start(env: Parameters<typeof createTestServices>[0] = {}) {
  const app = await startApp(createTestServices({ MAIL_HOST: "imap.example.test", ...env }, { mailcow: mailcow.config }));
  return app;
}

/** Parses an Apple plist <dict> into a plain object (keys followed by their values). */
function plistDict(dict: Record<string, unknown[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const children = dict.dict as unknown as { [k: string]: unknown }[];
  let key: string | null = null;
  for (const child of children) {
    const [tag] = Object.keys(child).filter((k) => k !== ":@");
    const content = child[tag!] as { "#text"?: unknown }[];
    if (tag === "key") key = String(content[0]?.["#text"]);
    else if (key !== null) {
      if (tag === "string") out[key] = String(content[0]?.["#text"] ?? "");
      else if (tag === "integer") out[key] = Number(content[0]?.["#text"]);
      else if (tag === "true" || tag === "false") out[key] = tag === "true";
      else if (tag === "array") out[key] = (content as unknown as Record<string, unknown[]>[]).map((d) => plistDict(d));
      else if (tag === "dict") out[key] = plistDict(child as Record<string, unknown[]>);
      key = null;
    }
  }
  return out;
}

describe("Thunderbird autoconfig", () => {
  test.each(["/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml"])("%s lists IMAP 993 SSL and SMTP 587 STARTTLS", async (url) => {
    const app = await start();
    const res = await app.inject({ url: `${url}?emailaddress=ada@example.test` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/xml; charset=utf-8");
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(res.body);
    const provider = doc.clientConfig.emailProvider;
    expect(provider.domain).toBe("example.test");
    expect(provider.incomingServer).toMatchObject({ type: "imap", hostname: "imap.example.test", port: 993, socketType: "SSL", authentication: "password-cleartext", username: "%EMAILADDRESS%" });
    expect(provider.outgoingServer).toMatchObject({ type: "smtp", hostname: "imap.example.test", port: 587, socketType: "STARTTLS", username: "%EMAILADDRESS%" });
  });

  test("follows MAIL_* settings, refuses foreign domains and junk", async () => {
    const app = await start({ MAIL_IMAP_PORT: "143", MAIL_IMAP_SECURITY: "starttls", MAIL_SMTP_PORT: "465", MAIL_SMTP_SECURITY: "ssl" });
    const doc = new XMLParser().parse((await app.inject({ url: "/mail/config-v1.1.xml" })).body);
    expect(doc.clientConfig.emailProvider.incomingServer).toMatchObject({ port: 143, socketType: "STARTTLS" });
    expect(doc.clientConfig.emailProvider.outgoingServer).toMatchObject({ port: 465, socketType: "SSL" });
    expect((await app.inject({ url: "/mail/config-v1.1.xml?emailaddress=ada@other.test" })).statusCode).toBe(404);
    expect((await app.inject({ url: "/mail/config-v1.1.xml?emailaddress=%3Cscript%3E" })).statusCode).toBe(400);
  });
});

describe("Apple configuration profile", () => {
  test("needs a session", async () => {
    const app = await start();
    expect((await app.inject({ url: "/api/mailbox/profile.mobileconfig" })).statusCode).toBe(401);
  });

  test("is an IMAP 993 SSL + SMTP 587 profile for the user's address, with no password in it", async () => {
    const app = await start();
    const reg = await app.inject({
      method: "POST",
      url: "/trpc/auth.register",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ username: "ada", password: STRONG_PASSWORD, displayName: "Ada Lovelace" }),
    });
    const cookie = String(reg.headers["set-cookie"]).split(";")[0]!;
    const res = await app.inject({ url: "/api/mailbox/profile.mobileconfig", headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/x-apple-aspen-config; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe('attachment; filename="ada@example.test.mobileconfig"');
    expect(res.body).not.toContain(STRONG_PASSWORD);
    expect(res.body).not.toMatch(/<key>(IncomingPassword|OutgoingPassword)<\/key>/);

    const parsed = new XMLParser({ preserveOrder: true, ignoreAttributes: false }).parse(res.body) as Record<string, unknown>[];
    const plist = parsed.find((n) => "plist" in n) as { plist: Record<string, unknown[]>[] };
    const top = plistDict(plist.plist[0]!);
    expect(top).toMatchObject({ PayloadType: "Configuration", PayloadVersion: 1 });
    const [account] = top.PayloadContent as Record<string, unknown>[];
    expect(account).toMatchObject({
      PayloadType: "com.apple.mail.managed",
      EmailAccountType: "EmailTypeIMAP",
      EmailAddress: "ada@example.test",
      EmailAccountName: "Ada Lovelace",
      IncomingMailServerHostName: "imap.example.test",
      IncomingMailServerPortNumber: 993,
      IncomingMailServerUseSSL: true,
      IncomingMailServerUsername: "ada@example.test",
      OutgoingMailServerHostName: "imap.example.test",
      OutgoingMailServerPortNumber: 587,
      OutgoingMailServerUseSSL: true,
      OutgoingMailServerUsername: "ada@example.test",
      OutgoingPasswordSameAsIncomingPassword: true,
    });
    expect(String(account!.PayloadUUID)).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  });
});
