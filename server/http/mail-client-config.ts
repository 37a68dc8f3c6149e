// Zero-typing mail-app set-up:
// - Thunderbird (and others) autoconfig: GET /.well-known/autoconfig/mail/config-v1.1.xml and
//   /mail/config-v1.1.xml, taking ?emailaddress=; no sign-in (mail apps ask before the user has one).
// - Apple configuration profile for signed-in users: GET /api/mailbox/profile.mobileconfig. No password is embedded:
//   the device asks for it when the profile is installed.
import { createHash } from "node:crypto";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import type { MailEndpoints } from "../mailbox/client-settings";
import type { Services } from "../services";

const xml = (value: string | number) =>
  String(value).replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]!);

const SOCKET_TYPE = { ssl: "SSL", starttls: "STARTTLS", none: "plain" } as const;
const EMAIL = /^[a-z0-9._-]{1,64}@[a-z0-9.-]{1,253}$/;

export function autoconfigXml(endpoints: MailEndpoints, domain: string): string {
  const server = (tag: "incomingServer" | "outgoingServer", type: string, s: MailEndpoints["imap"]) => `
    <${tag} type="${type}">
      <hostname>${xml(endpoints.host)}</hostname>
      <port>${s.port}</port>
      <socketType>${SOCKET_TYPE[s.security]}</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </${tag}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${xml(domain)}">
    <domain>${xml(domain)}</domain>
    <displayName>Platform Mail (${xml(domain)})</displayName>
    <displayShortName>Platform Mail</displayShortName>${server("incomingServer", "imap", endpoints.imap)}${server("outgoingServer", "smtp", endpoints.smtp)}
    <documentation url="${xml(endpoints.webmailUrl)}">
      <descr lang="ru">Веб-почта</descr>
      <descr lang="en">Webmail</descr>
    </documentation>
  </emailProvider>
</clientConfig>
`;
}

/** A stable UUID derived from a name, so downloading the profile again replaces the installed one. */
function stableUuid(name: string): string {
  const h = createHash("sha256").update(name).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`.toUpperCase();
}

export function mobileconfigPlist(endpoints: MailEndpoints, address: string, displayName: string): string {
  const [, domain = ""] = address.split("@");
  const reverse = domain.split(".").reverse().join(".");
  const str = (key: string, value: string) => `\t\t\t<key>${key}</key>\n\t\t\t<string>${xml(value)}</string>`;
  const int = (key: string, value: number) => `\t\t\t<key>${key}</key>\n\t\t\t<integer>${value}</integer>`;
  const bool = (key: string, value: boolean) => `\t\t\t<key>${key}</key>\n\t\t\t<${value}/>`;
  const account = [
    str("EmailAccountDescription", `Platform Mail (${address})`),
    str("EmailAccountName", displayName),
    str("EmailAccountType", "EmailTypeIMAP"),
    str("EmailAddress", address),
    str("IncomingMailServerAuthentication", "EmailAuthPassword"),
    str("IncomingMailServerHostName", endpoints.host),
    int("IncomingMailServerPortNumber", endpoints.imap.port),
    // NOTE: Apple's "UseSSL" means "use TLS": implicit TLS or STARTTLS as the port implies.
    bool("IncomingMailServerUseSSL", endpoints.imap.security !== "none"),
    str("IncomingMailServerUsername", address),
    str("OutgoingMailServerAuthentication", "EmailAuthPassword"),
    str("OutgoingMailServerHostName", endpoints.host),
    int("OutgoingMailServerPortNumber", endpoints.smtp.port),
    bool("OutgoingMailServerUseSSL", endpoints.smtp.security !== "none"),
    str("OutgoingMailServerUsername", address),
    bool("OutgoingPasswordSameAsIncomingPassword", true),
    str("PayloadDescription", `IMAP/SMTP ${address}`),
    str("PayloadDisplayName", address),
    str("PayloadIdentifier", `${reverse}.platform-mail.account.${address}`),
    str("PayloadType", "com.apple.mail.managed"),
    str("PayloadUUID", stableUuid(`account:${address}`)),
    int("PayloadVersion", 1),
    bool("PreventAppSheet", false),
    bool("PreventMove", false),
    bool("SMIMEEnabled", false),
  ].join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>PayloadContent</key>
\t<array>
\t\t<dict>
${account}
\t\t</dict>
\t</array>
\t<key>PayloadDescription</key>
\t<string>${xml(`Mail account ${address}. The password is asked for when the profile is installed.`)}</string>
\t<key>PayloadDisplayName</key>
\t<string>${xml(`Platform Mail — ${address}`)}</string>
\t<key>PayloadIdentifier</key>
\t<string>${xml(`${reverse}.platform-mail.${address}`)}</string>
\t<key>PayloadOrganization</key>
\t<string>${xml(domain)}</string>
\t<key>PayloadRemovalDisallowed</key>
\t<false/>
\t<key>PayloadType</key>
\t<string>Configuration</string>
\t<key>PayloadUUID</key>
\t<string>${stableUuid(`profile:${address}`)}</string>
\t<key>PayloadVersion</key>
\t<integer>1</integer>
</dict>
</plist>
`;
}

export const mailClientConfigRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const autoconfig = async (req: { query: unknown }, reply: FastifyReply) => {
    const raw = (req.query as Record<string, unknown>).emailaddress;
    const email = typeof raw === "string" ? raw.trim().toLowerCase() : "";
    if (email && !EMAIL.test(email)) return reply.code(400).type("text/plain; charset=utf-8").send("emailaddress is not an e-mail address\n");
    if (email && email.split("@")[1] !== services.mailDomain) {
      return reply.code(404).type("text/plain; charset=utf-8").send(`No configuration for ${email.split("@")[1]}\n`);
    }
    return reply
      .type("application/xml; charset=utf-8")
      .header("cache-control", "public, max-age=3600")
      .send(autoconfigXml(services.endpoints, services.mailDomain));
  };
  app.get("/.well-known/autoconfig/mail/config-v1.1.xml", autoconfig);
  app.get("/mail/config-v1.1.xml", autoconfig);

  app.get("/api/mailbox/profile.mobileconfig", async (req, reply) => {
    const sessionId = req.cookies[services.sessions.cookieName];
    const validated = sessionId ? await services.sessions.validate(sessionId) : null;
    const account = validated ? services.accounts.findById(validated.user.id) : null;
    if (!validated || !account || account.deleted_at !== null) {
      return reply.code(401).type("text/plain; charset=utf-8").send("Sign in to download your mail profile.\n");
    }
    const address = services.mailboxes.address(account.id, account.username);
    return reply
      .type("application/x-apple-aspen-config; charset=utf-8")
      .header("content-disposition", `attachment; filename="${address}.mobileconfig"`)
      .header("cache-control", "private, no-store")
      .send(mobileconfigPlist(services.endpoints, address, account.display_name ?? account.username));
  });
};
