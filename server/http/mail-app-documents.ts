// The documents mail apps fetch to set themselves up, built and parsed with the XML and plist libraries:
// - Thunderbird (and others) autoconfig XML (config-v1.1.xml);
// - the Apple configuration profile (.mobileconfig plist, with name-based UUIDs so a new download replaces the old);
// - Outlook's autodiscover "POX" request (parsed) and answer, as mailcow's autodiscover.php gives it in its IMAP mode
//   (tag 2026-07a).
// Only a few requests need these, so the routes load this module on first use (server/on-demand.ts): the XML,
// plist and UUID packages cost nothing at start-up.
import { randomUUID } from "node:crypto";
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";
import { build as buildPlist } from "plist";
import { v5 as uuidV5 } from "uuid";
import { DEFAULT_LOCALE, type Locale } from "../../shared/i18n/validation";
import type { MailEndpoints } from "../mailbox/client-settings";

/** An e-mail address as mail apps send it (lower-cased and trimmed first). */
export const MAIL_APP_ADDRESS = /^[a-z0-9._-]{1,64}@[a-z0-9.-]{1,253}$/;

// One XML builder for the answers: attributes under "@_", escaping by the library.
const xmlBuilder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", format: true, suppressEmptyNode: true });
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

const SOCKET_TYPE = { ssl: "SSL", starttls: "STARTTLS", none: "plain" } as const;

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


/** What Outlook declares on its request (xmlns of <Autodiscover>). */
export const AUTODISCOVER_REQUEST_SCHEMA = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
const RESPONSE_SCHEMA = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
export const OUTLOOK_RESPONSE_SCHEMA = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

const parser = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, processEntities: false, parseTagValue: false, trimValues: true });

/** What Outlook's POX schema calls the encryption of a protocol block. */
const ENCRYPTION = { ssl: "SSL", starttls: "TLS", none: "None" } as const;

export function autodiscoverXml(endpoints: MailEndpoints, address: string, displayName: string): string {
  const protocol = (type: "IMAP" | "SMTP", s: MailEndpoints["imap"]) => ({
    Type: type,
    Server: endpoints.host,
    Port: s.port,
    DomainRequired: "off",
    LoginName: address,
    SPA: "off",
    SSL: s.security === "none" ? "off" : "on",
    Encryption: ENCRYPTION[s.security],
    AuthRequired: "on",
    ...(type === "SMTP" && { UsePOPAuth: "on", SMTPLast: "off" }),
  });
  return autodiscoverDocument({
    "@_xmlns": OUTLOOK_RESPONSE_SCHEMA,
    User: { DisplayName: displayName, EMailAddress: address },
    Account: {
      AccountType: "email",
      Action: "settings",
      Protocol: [protocol("IMAP", endpoints.imap), protocol("SMTP", endpoints.smtp)],
    },
  });
}

/** An Autodiscover answer document around its Response element. */
function autodiscoverDocument(response: Record<string, unknown>): string {
  return XML_DECLARATION + xmlBuilder.build({ Autodiscover: { "@_xmlns": RESPONSE_SCHEMA, Response: response } });
}

/** A POX error answer (code 600 "Invalid Request", as Exchange and mailcow send for anything they cannot serve). */
export function autodiscoverError(message: string, now = new Date()): string {
  return autodiscoverDocument({
    Error: {
      "@_Time": now.toISOString().slice(11, 19),
      "@_Id": String(randomUUID().replace(/-/g, "").slice(0, 10)),
      ErrorCode: 600,
      Message: message,
      DebugData: "",
    },
  });
}

type Parsed = { ok: true; email: string; schema: string | null } | { ok: false; message: string };

/** The address (and wanted response schema) of an Outlook POX request; anything else is refused. */
export function parseAutodiscoverRequest(body: unknown): Parsed {
  if (typeof body !== "string" || body.trim() === "") return { ok: false, message: "Invalid Request" };
  // No DOCTYPE at all: no entity tricks (billion laughs, external entities); Outlook never sends one.
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return { ok: false, message: "Invalid Request" };
  if (XMLValidator.validate(body) !== true) return { ok: false, message: "Invalid Request" };
  let doc: unknown;
  try {
    doc = parser.parse(body);
  } catch {
    return { ok: false, message: "Invalid Request" };
  }
  const request = (doc as { Autodiscover?: { Request?: { EMailAddress?: unknown; AcceptableResponseSchema?: unknown } } }).Autodiscover?.Request;
  const raw = request?.EMailAddress;
  if (typeof raw !== "string") return { ok: false, message: "Invalid Request" };
  const email = raw.trim().toLowerCase();
  if (!MAIL_APP_ADDRESS.test(email)) return { ok: false, message: "Invalid Request" };
  const schema = typeof request?.AcceptableResponseSchema === "string" ? request.AcceptableResponseSchema.trim() : null;
  return { ok: true, email, schema };
}
