// Request context in two parts: the inner context (services + identity) is what procedure tests build
// directly; createHttpContext adds what only an HTTP request has (cookies, origin check, client IP).
import { TRPCError } from "@trpc/server";
import type { CreateFastifyContextOptions } from "@trpc/server/adapters/fastify";
import { LOCALE_HEADER } from "../shared/constants";
import { DEFAULT_LOCALE, parseLocale, type Locale } from "../shared/i18n/validation";
import type { CookieSpec, SessionInfo, SessionUser } from "./auth/lucia";
import type { Services } from "./services";

/** Where procedures put cookies; the HTTP layer writes them as Set-Cookie, tests just look at them. */
export interface CookieWriter {
  set(cookie: CookieSpec): void;
}

export interface InnerContext extends Services {
  user: SessionUser | null;
  session: SessionInfo | null;
  cookies: CookieWriter;
  locale: Locale;
  /** The client's address, for rate limits. */
  ip: string;
  /** The browser's User-Agent header, for the session list (display only, never trusted). */
  userAgent: string | null;
}

export function createInnerContext(
  services: Services,
  identity: Partial<Pick<InnerContext, "user" | "session" | "cookies" | "locale" | "ip" | "userAgent">> = {},
): InnerContext {
  return {
    ...services,
    user: identity.user ?? null,
    session: identity.session ?? null,
    cookies: identity.cookies ?? { set() {} },
    locale: identity.locale ?? DEFAULT_LOCALE,
    ip: identity.ip ?? "127.0.0.1",
    userAgent: identity.userAgent ?? null,
  };
}

export type Context = InnerContext;

/** The origin a browser request must come from for a mutation to be accepted. */
export function isAllowedOrigin(services: Services, origin: string | undefined, host: string | undefined): boolean {
  // NOTE: non-browser clients (curl, internal services) send no Origin and cannot carry a victim's cookie
  // cross-site, so a missing Origin is accepted; every browser sends one on POST.
  if (!origin) return true;
  if (services.config.APP_ORIGIN && origin === new URL(services.config.APP_ORIGIN).origin) return true;
  // Without APP_ORIGIN (development, demo) the page and the API share a host: accept exactly that.
  if (!services.config.APP_ORIGIN || services.config.NODE_ENV !== "production") {
    try {
      return new URL(origin).host === host;
    } catch {
      return false;
    }
  }
  return false;
}

export function makeHttpContext(services: Services) {
  return async function createHttpContext({ req, res }: CreateFastifyContextOptions): Promise<Context> {
    const cookies: CookieWriter = {
      set: (cookie) => void res.setCookie(cookie.name, cookie.value, cookie.attributes),
    };
    const locale = parseLocale(req.headers[LOCALE_HEADER] as string | undefined) ?? DEFAULT_LOCALE;
    const userAgent = req.headers["user-agent"] ?? null;
    const base = createInnerContext(services, { cookies, locale, ip: req.ip, userAgent });

    if (req.method !== "GET" && req.method !== "HEAD") {
      const origin = req.headers.origin;
      const fetchSite = req.headers["sec-fetch-site"];
      if (!isAllowedOrigin(services, origin, req.headers.host) || fetchSite === "cross-site") {
        throw new TRPCError({ code: "FORBIDDEN", message: "auth.foreignOrigin" });
      }
    }

    const sessionId = req.cookies[services.sessions.cookieName];
    if (!sessionId) return base;
    const validated = await services.sessions.validate(sessionId, { ip: req.ip, userAgent });
    if (!validated) {
      cookies.set(services.sessions.blankCookie());
      return base;
    }
    if (validated.session.fresh) cookies.set(services.sessions.sessionCookie(validated.session.id));
    return { ...base, user: validated.user, session: validated.session };
  };
}
