// Outlook autodiscover, the "POX" (plain old XML) kind Outlook posts to https://<domain>/autodiscover/autodiscover.xml:
// a request naming an e-mail address, answered with the IMAP and SMTP settings for the platform's domain, as
// mailcow's autodiscover.php does in its IMAP mode (tag 2026-07a): IMAP and SMTP <Protocol> blocks, LoginName = the
// full address, no password. Served at both spellings Outlook uses. No sign-in: mail apps ask before they have one.
// Hostile input: a small body limit, no DOCTYPE (no entity expansion), a strict address check, errors as POX errors.
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { loadMailAppDocuments } from "../on-demand";
import type { Services } from "../services";

export const AUTODISCOVER_PATHS = ["/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml"] as const;
/** Outlook's request is a few hundred bytes. */
const BODY_LIMIT = 16 * 1024;

export const autodiscoverRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  // Outlook posts text/xml; some clients send no or another type. Only these routes live in this scope.
  app.addContentTypeParser("*", { parseAs: "string", bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));

  const answer = (reply: FastifyReply, status: number, xml: string) =>
    reply.code(status).type("application/xml; charset=utf-8").header("cache-control", "no-store").send(xml);

  const handler = async (req: { body: unknown }, reply: FastifyReply) => {
    const { parseAutodiscoverRequest, autodiscoverError, autodiscoverXml, OUTLOOK_RESPONSE_SCHEMA } = await loadMailAppDocuments();
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
