// Zero-typing mail-app set-up:
// - Thunderbird (and others) autoconfig: GET /.well-known/autoconfig/mail/config-v1.1.xml and
//   /mail/config-v1.1.xml, taking ?emailaddress=; no sign-in (mail apps ask before the user has one).
// - Apple configuration profile for signed-in users: GET /api/mailbox/profile.mobileconfig (?lang=ru|en for its
//   texts). No password is embedded: the device asks for it when the profile is installed.
// - Outlook autodiscover (POST /autodiscover/autodiscover.xml): ./autodiscover.ts.
// The documents themselves: ./mail-app-documents.ts, loaded on first use.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { LOCALE_HEADER } from "../../shared/constants";
import { DEFAULT_LOCALE, parseLocale, type Locale } from "../../shared/i18n/validation";
import { loadMailAppDocuments } from "../on-demand";
import type { Services } from "../services";
import { autodiscoverRoutes } from "./autodiscover";

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
    const { autoconfigXml, MAIL_APP_ADDRESS } = await loadMailAppDocuments();
    if (email && !MAIL_APP_ADDRESS.test(email)) return reply.code(400).type("text/plain; charset=utf-8").send("emailaddress is not an e-mail address\n");
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
    const { mobileconfigPlist } = await loadMailAppDocuments();
    return reply
      .type("application/x-apple-aspen-config; charset=utf-8")
      .header("content-disposition", `attachment; filename="${address}.mobileconfig"`)
      .header("cache-control", "private, no-store")
      .send(mobileconfigPlist(services.endpoints, address, account.display_name ?? account.username, profileLocale(req)));
  });

  await app.register(autodiscoverRoutes, { services });
};
