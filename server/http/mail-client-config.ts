// Zero-typing mail-app set-up:
// - Thunderbird (and others) autoconfig: GET /.well-known/autoconfig/mail/config-v1.1.xml and
//   /mail/config-v1.1.xml, taking ?emailaddress=; no sign-in (mail apps ask before the user has one).
// - Apple configuration profile for signed-in users: GET /api/mailbox/profile.mobileconfig (?lang=ru|en for its
//   texts). No password is embedded: the device asks for it when the profile is installed.
// - Outlook autodiscover (POST /autodiscover/autodiscover.xml): ./autodiscover.ts.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { build as buildPlist } from "plist";
import { v5 as uuidV5 } from "uuid";
import { LOCALE_HEADER } from "../../shared/constants";
import { DEFAULT_LOCALE, parseLocale, type Locale } from "../../shared/i18n/validation";
import type { MailEndpoints } from "../mailbox/client-settings";
import type { Services } from "../services";
import { autodiscoverRoutes } from "./autodiscover";
import { XML_DECLARATION, xmlBuilder } from "./xml";

const SOCKET_TYPE = { ssl: "SSL", starttls: "STARTTLS", none: "plain" } as const;
const EMAIL = /^[a-z0-9._-]{1,64}@[a-z0-9.-]{1,253}$/;


export function autoconfigXml(endpoints: MailEndpoints, domain: string): string {
  const server = (type: string, s: MailEndpoints["imap"]) => ({
    "@_type": type,
    hostname: endpoints.host,
    port: s.port,
    socketType: SOCKET_TYPE[s.security],
    authentication: "password-cleartext",
    username: "%EMAILADDRESS%",
  });
  return (
    XML_DECLARATION +
    xmlBuilder.build({
      clientConfig: {
        "@_version": "1.1",
        emailProvider: {
          "@_id": domain,
          domain,
          displayName: `Platform Mail (${domain})`,
          displayShortName: "Platform Mail",
          incomingServer: server("imap", endpoints.imap),
          outgoingServer: server("smtp", endpoints.smtp),
          documentation: {
            "@_url": endpoints.webmailUrl,
            descr: [
              { "@_lang": "ru", "#text": "Веб-почта" },
              { "@_lang": "en", "#text": "Webmail" },
            ],
          },
        },
      },
    })
  );
}

/** The namespace of the profile's name-based (RFC 4122 version 5) UUIDs; fixed, so they stay the same. */
const PROFILE_UUID_NAMESPACE = "3f0c6b52-8d5e-4c1a-9a57-1d2e6f0b7c44";
/** A stable UUID derived from a name, so downloading the profile again replaces the installed one. */
const stableUuid = (name: string) => uuidV5(name, PROFILE_UUID_NAMESPACE).toUpperCase();

const PROFILE_TEXT: Record<
  Locale,
  { account: (a: string) => string; description: (a: string) => string; withPassword: (a: string, name: string) => string; displayName: (a: string) => string }
> = {
  ru: {
    account: (a) => `Platform Mail (${a})`,
    description: (a) => `Почтовый ящик ${a}. Пароль ящика спросят при установке профиля.`,
    withPassword: (a, name) => `Почтовый ящик ${a} с паролем приложения «${name}» (его можно отозвать на странице настроек почты).`,
    displayName: (a) => `Platform Mail — ${a}`,
  },
  en: {
    account: (a) => `Platform Mail (${a})`,
    description: (a) => `Mail account ${a}. The password is asked for when the profile is installed.`,
    withPassword: (a, name) => `Mail account ${a} with the app password "${name}" (revoke it on the mail settings page).`,
    displayName: (a) => `Platform Mail — ${a}`,
  },
};

/** An app password to embed (phone set-up): the device then needs no typing at all. */
export interface ProfilePassword {
  password: string;
  /** The app password's name, shown in the profile's description. */
  name: string;
}

export function mobileconfigPlist(
  endpoints: MailEndpoints,
  address: string,
  displayName: string,
  locale: Locale = DEFAULT_LOCALE,
  appPassword: ProfilePassword | null = null,
): string {
  const [, domain = ""] = address.split("@");
  const reverse = domain.split(".").reverse().join(".");
  const text = PROFILE_TEXT[locale];
  const password: Record<string, string> = appPassword ? { IncomingPassword: appPassword.password, OutgoingPassword: appPassword.password } : {};
  const account = {
    ...password,
    EmailAccountDescription: text.account(address),
    EmailAccountName: displayName,
    EmailAccountType: "EmailTypeIMAP",
    EmailAddress: address,
    IncomingMailServerAuthentication: "EmailAuthPassword",
    IncomingMailServerHostName: endpoints.host,
    IncomingMailServerPortNumber: endpoints.imap.port,
    // NOTE: Apple's "UseSSL" means "use TLS": implicit TLS or STARTTLS as the port implies.
    IncomingMailServerUseSSL: endpoints.imap.security !== "none",
    IncomingMailServerUsername: address,
    OutgoingMailServerAuthentication: "EmailAuthPassword",
    OutgoingMailServerHostName: endpoints.host,
    OutgoingMailServerPortNumber: endpoints.smtp.port,
    OutgoingMailServerUseSSL: endpoints.smtp.security !== "none",
    OutgoingMailServerUsername: address,
    OutgoingPasswordSameAsIncomingPassword: true,
    PayloadDescription: `IMAP/SMTP ${address}`,
    PayloadDisplayName: address,
    PayloadIdentifier: `${reverse}.platform-mail.account.${address}`,
    PayloadType: "com.apple.mail.managed",
    PayloadUUID: stableUuid(`account:${address}`),
    PayloadVersion: 1,
    PreventAppSheet: false,
    PreventMove: false,
    SMIMEEnabled: false,
  };
  return `${buildPlist({
    PayloadContent: [account],
    PayloadDescription: appPassword ? text.withPassword(address, appPassword.name) : text.description(address),
    PayloadDisplayName: text.displayName(address),
    PayloadIdentifier: `${reverse}.platform-mail.${address}`,
    PayloadOrganization: domain,
    PayloadRemovalDisallowed: false,
    PayloadType: "Configuration",
    PayloadUUID: stableUuid(`profile:${address}`),
    PayloadVersion: 1,
  })}\n`;
}

/** The profile's language: ?lang= (the Mail page's link), else the x-platform-locale header, else Accept-Language. */
export function profileLocale(req: FastifyRequest): Locale {
  const lang = (req.query as Record<string, unknown>).lang;
  const accept = String(req.headers["accept-language"] ?? "").split(",")[0]?.split("-")[0]?.trim();
  return (
    parseLocale(typeof lang === "string" ? lang : undefined) ??
    parseLocale(req.headers[LOCALE_HEADER] as string | undefined) ??
    parseLocale(accept) ??
    DEFAULT_LOCALE
  );
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
      .send(mobileconfigPlist(services.endpoints, address, account.display_name ?? account.username, profileLocale(req)));
  });

  await app.register(autodiscoverRoutes, { services });
};
