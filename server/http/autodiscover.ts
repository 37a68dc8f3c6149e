// Outlook autodiscover, the "POX" (plain old XML) kind Outlook posts to https://<domain>/autodiscover/autodiscover.xml:
// a request naming an e-mail address, answered with the IMAP and SMTP settings for the platform's domain, as
// mailcow's autodiscover.php does in its IMAP mode (tag 2026-07a): IMAP and SMTP <Protocol> blocks, LoginName = the
// full address, no password. Served at both spellings Outlook uses. No sign-in: mail apps ask before they have one.
// Hostile input: a small body limit, no DOCTYPE (no entity expansion), a strict address check, errors as POX errors.
import { randomUUID } from "node:crypto";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import type { MailEndpoints } from "../mailbox/client-settings";
import type { Services } from "../services";
import { XML_DECLARATION, xmlBuilder } from "./xml";

export const AUTODISCOVER_PATHS = ["/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml"] as const;
/** What Outlook declares on its request (xmlns of <Autodiscover>). */
export const AUTODISCOVER_REQUEST_SCHEMA = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
const RESPONSE_SCHEMA = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
export const OUTLOOK_RESPONSE_SCHEMA = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
/** Outlook's request is a few hundred bytes. */
const BODY_LIMIT = 16 * 1024;
const EMAIL = /^[a-z0-9._-]{1,64}@[a-z0-9.-]{1,253}$/;

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
  return (
    XML_DECLARATION +
    xmlBuilder.build({
      Autodiscover: {
        "@_xmlns": RESPONSE_SCHEMA,
        Response: {
          "@_xmlns": OUTLOOK_RESPONSE_SCHEMA,
          User: { DisplayName: displayName, EMailAddress: address },
          Account: {
            AccountType: "email",
            Action: "settings",
            Protocol: [protocol("IMAP", endpoints.imap), protocol("SMTP", endpoints.smtp)],
          },
        },
      },
    })
  );
}

/** A POX error answer (code 600 "Invalid Request", as Exchange and mailcow send for anything they cannot serve). */
export function autodiscoverError(message: string, now = new Date()): string {
  return (
    XML_DECLARATION +
    xmlBuilder.build({
      Autodiscover: {
        "@_xmlns": RESPONSE_SCHEMA,
        Response: {
          Error: {
            "@_Time": now.toISOString().slice(11, 19),
            "@_Id": String(randomUUID().replace(/-/g, "").slice(0, 10)),
            ErrorCode: 600,
            Message: message,
            DebugData: "",
          },
        },
      },
    })
  );
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
  if (!EMAIL.test(email)) return { ok: false, message: "Invalid Request" };
  const schema = typeof request?.AcceptableResponseSchema === "string" ? request.AcceptableResponseSchema.trim() : null;
  return { ok: true, email, schema };
}

export const autodiscoverRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  // Outlook posts text/xml; some clients send no or another type. Only these routes live in this scope.
  app.addContentTypeParser("*", { parseAs: "string", bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));

  const answer = (reply: FastifyReply, status: number, xml: string) =>
    reply.code(status).type("application/xml; charset=utf-8").header("cache-control", "no-store").send(xml);

  const handler = async (req: { body: unknown }, reply: FastifyReply) => {
    const parsed = parseAutodiscoverRequest(req.body);
    if (!parsed.ok) return answer(reply, 400, autodiscoverError(parsed.message));
    if (parsed.schema !== null && parsed.schema !== OUTLOOK_RESPONSE_SCHEMA) {
      // e.g. ActiveSync's mobilesync schema: this platform offers IMAP and SMTP only.
      return answer(reply, 400, autodiscoverError("Invalid Request"));
    }
    const domain = parsed.email.split("@")[1];
    if (domain !== services.mailDomain) return answer(reply, 404, autodiscoverError("Invalid Request"));
    // The same answer for every address in the domain: whether an account exists is not told to strangers.
    return answer(reply, 200, autodiscoverXml(services.endpoints, parsed.email, parsed.email));
  };
  for (const path of AUTODISCOVER_PATHS) app.post(path, handler);
};
