// The HTTP host: tRPC at /trpc, health probes, the built client with SPA fallback, security headers.
import { existsSync } from "node:fs";
import path from "node:path";
import { setTimeout as pause } from "node:timers/promises";
import fastifyCookie from "@fastify/cookie";
import fastifyStatic from "@fastify/static";
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from "@trpc/server/adapters/fastify";
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from "fastify";
import helmet, { type HelmetOptions } from "helmet";
import { isClientPath } from "../../shared/routes";
import { adminAuditRoutes } from "./admin-audit";
import { RateLimitedError } from "../auth/rate-limit";
import { makeHttpContext } from "../context";
import { LOCALE_HEADER } from "../../shared/constants";
import { DEFAULT_LOCALE, parseLocale, validationMessage } from "../../shared/i18n/validation";
import { databaseAnswers } from "../db/open-database";
import { appRouter, type AppRouter } from "../routers/_app";
import type { Services } from "../services";
import { mailAttachmentRoutes } from "./mail-attachment";
import { deviceSetupRoutes } from "./device-setup";
import { mailClientConfigRoutes } from "./mail-client-config";
import { countTrpcError, installMetrics } from "./metrics";

export interface AppOptions {
  /** Folder with the built client (index.html + assets); the SPA is not served when it is missing. */
  clientDir?: string;
  /**
   * Ask Mailcow for /readyz's report while the rest starts, so the first probe finds the answer (or the call under
   * way) instead of waiting for a Mailcow round trip. Off by default: tests' Mailcow sees only the calls they make.
   */
  checkMailcowAtStart?: boolean;
}

/**
 * Fastify's trustProxy from TRUST_PROXY: a list of proxy addresses/CIDRs as is; a hop count as "the nearest n hops"
 * (Fastify itself treats a bare number as "trust nothing"). Never "trust every hop" (env.ts refuses `true`).
 */
export function trustProxyOption(value: false | number | string[]): false | string[] | ((address: string, hop: number) => boolean) {
  if (value === false || (Array.isArray(value) && value.length === 0)) return false;
  if (Array.isArray(value)) return value;
  const hops = value;
  return (_address, hop) => hop < hops;
}

/**
 * Helmet's headers, computed once. @fastify/helmet rebuilds the helmet middleware on every request (about 8 % of
 * the tRPC path); with static directives the headers never change, so they are captured at start-up from one run
 * of the middleware and set as they are.
 */
function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  helmet(options)({} as never, res as never, (error?: unknown) => {
    if (error) throw error;
  });
  return headers;
}

/**
 * One log line per request, written when it completes (method, path without the query string, status, client
 * address, time), instead of Fastify's two ("incoming request" and "request completed", 5–10 % of the tRPC path).
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // A phone set-up link is a secret until it is used: its token is never written to the log.
    const logged = request.url.split("?")[0]?.replace(/^\/mail\/device\/[^/]+/, "/mail/device/:token");
    const line = { method: request.method, path: logged, status: reply.statusCode, ip: request.ip, ms: Math.round(reply.elapsedTime) };
    if (error) reply.log.error({ ...line, err: error }, "request errored");
    else reply.log.info(line, "request");
  }
}

/** Procedures that guess or change secrets: never in a batch, so every attempt is its own request. */
const UNBATCHABLE = /^(auth|mailbox)\./;

export async function buildApp(services: Services, { clientDir, checkMailcowAtStart = false }: AppOptions = {}) {
  const { config } = services;
  // /readyz's Mailcow report: one getVersion at most every 10 s, whoever asks (a probe gives up after 2 s).
  let mailcowCheck: { at: number; ok: Promise<boolean> } | null = null;
  const mailcowReachable = () => {
    if (!mailcowCheck || services.now() - mailcowCheck.at > 10_000) {
      const ok = services.mailcow.getVersion().then(() => true, () => false);
      mailcowCheck = { at: services.now(), ok: Promise.race([ok, new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref())]) };
    }
    return mailcowCheck.ok;
  };
  if (checkMailcowAtStart) void mailcowReachable();
  const app = Fastify({
    loggerInstance: services.logger,
    trustProxy: trustProxyOption(config.TRUST_PROXY),
    routerOptions: { maxParamLength: 5000 },
    bodyLimit: 1024 * 1024,
    // NOTE: Node's own request timeout defaults to 300 s and is checked every 30 s; these close slow clients sooner.
    connectionTimeout: config.HTTP_CONNECTION_TIMEOUT_MS,
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    http: { connectionsCheckingInterval: Math.min(30_000, Math.max(250, Math.floor(config.HTTP_REQUEST_TIMEOUT_MS / 4))) },
    logController: new OneLinePerRequest(),
  });
  const https = config.APP_ORIGIN?.startsWith("https://") ?? false;

  // A body that has not fully arrived HTTP_BODY_TIMEOUT_MS after the headers closes the connection (a slow-body
  // client otherwise holds a socket and a parser for as long as it likes).
  app.addHook("preParsing", (req, reply, payload, done) => {
    const timer = setTimeout(() => {
      req.log.warn({ path: req.url.split("?")[0], ip: req.ip }, "request body too slow: connection closed");
      req.raw.destroy();
    }, config.HTTP_BODY_TIMEOUT_MS);
    timer.unref();
    const clear = () => clearTimeout(timer);
    payload.once("end", clear);
    payload.once("close", clear);
    payload.once("error", clear);
    reply.raw.once("finish", clear);
    done(null, payload);
  });

  // Operator metrics: request counters for every route below, and GET /metrics.
  installMetrics(app, services);

  await app.register(fastifyCookie);
  const headers = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // https: only for the message iframe's remote images after "show images": a srcdoc document inherits this
        // policy AND carries its own (img-src <origin> data:, https: only when the user asked), and both must allow
        // a load, so remote images stay blocked until then. The app itself loads no remote image.
        imgSrc: ["'self'", "data:", "https:"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", "data:"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    hsts: https ? { maxAge: 15_552_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: "strict-origin-when-cross-origin" },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook("onRequest", (_req, reply, done) => {
    reply.headers(headers);
    done();
  });

  await app.register(async (trpcScope) => {
    // Answers are personal (sessions, mailbox figures): never stored by a browser or a shared cache.
    trpcScope.addHook("onRequest", async (req, reply) => {
      reply.header("cache-control", "no-store");
      // Batches are judged from the URL alone, before the body is read: an oversized batch, or one with a sign-in,
      // sign-up or mailbox mutation (a POST batch holds only mutations), is refused with a 400.
      const [pathname = "", query = ""] = req.url.split("?");
      if (!new URLSearchParams(query).getAll("batch").includes("1")) return;
      let procedures: string[];
      try {
        procedures = decodeURIComponent(pathname.slice(pathname.lastIndexOf("/") + 1)).split(",");
      } catch {
        return; // not a valid path: tRPC answers it
      }
      const tooMany = procedures.length > config.TRPC_MAX_BATCH_SIZE;
      const refused = req.method === "POST" && procedures.length > 1 && procedures.some((p) => UNBATCHABLE.test(p));
      if (!tooMany && !refused) return;
      // The refusal comes after a pause: the app's own client never sends such a batch, and a script that does so
      // in a loop is slowed to a few requests per second per connection instead of taking the event loop from
      // everybody else's sign-ins (a timer costs no CPU).
      if (config.TRPC_BATCH_REFUSAL_DELAY_MS > 0) await pause(config.TRPC_BATCH_REFUSAL_DELAY_MS);
      const code = tooMany ? "request.batchTooLarge" : "request.batchRefused";
      const locale = parseLocale(req.headers[LOCALE_HEADER] as string | undefined) ?? DEFAULT_LOCALE;
      const message = validationMessage(code, locale, { max: config.TRPC_MAX_BATCH_SIZE });
      return reply.code(400).send({ error: { message, code: -32600, data: { code: "BAD_REQUEST", httpStatus: 400, fieldErrors: null, retryAfterSeconds: null } } });
    });
    await trpcScope.register(fastifyTRPCPlugin, {
      prefix: "/trpc",
      trpcOptions: {
        router: appRouter,
        createContext: makeHttpContext(services),
        maxBatchSize: config.TRPC_MAX_BATCH_SIZE,
        responseMeta({ errors }) {
          const headers = new Headers({ "cache-control": "no-store" });
          // A refusal for too many attempts tells clients when to come back (the UI shows it in words).
          const limited = errors.find((e) => e.cause instanceof RateLimitedError)?.cause as RateLimitedError | undefined;
          if (limited) headers.set("retry-after", String(limited.retryAfterSeconds));
          return { headers };
        },
        onError({ error, path: procedure }) {
          countTrpcError(error.code, procedure); // operator metrics
          if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "BAD_GATEWAY") {
            services.logger.error({ err: error.cause ?? error, procedure }, "procedure failed");
          }
        },
      } satisfies FastifyTRPCPluginOptions<AppRouter>["trpcOptions"],
    });
  });

  app.get("/healthz", async () => ({ status: "ok" }));
  // Readiness depends on the database: with Mailcow down the app still signs people up (their mailboxes wait as
  // pending), so taking it out of rotation would only make things worse. Mailcow is reported, not gated — except
  // when it refused the platform's API key (`mailcow: "unauthorized"`, 503): only an operator can fix that.
  app.get("/readyz", async (_req, reply) => {
    const database = databaseAnswers(services.db);
    const reachable = await mailcowReachable();
    // Except: Mailcow refused the platform's API key and every Mailcow call is paused (an operator must act).
    const paused = services.mailcow.authStatus().paused;
    const mailcow = paused ? "unauthorized" : reachable;
    const ready = database && !paused;
    return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not ready", checks: { database, mailcow }, demo: services.config.demo });
  });

  await app.register(mailClientConfigRoutes, { services });
  await app.register(mailAttachmentRoutes, { services });
  await app.register(adminAuditRoutes, { services });
  await app.register(deviceSetupRoutes, { services });

  const indexHtml = clientDir ? path.join(clientDir, "index.html") : null;
  if (clientDir && indexHtml && existsSync(indexHtml)) {
    await app.register(fastifyStatic, {
      root: path.resolve(clientDir),
      wildcard: false,
      index: false,
      setHeaders(reply, filePath) {
        // Hashed build assets never change; index.html must always be revalidated.
        if (filePath.includes(`${path.sep}assets${path.sep}`)) reply.header("cache-control", "public, max-age=31536000, immutable");
      },
    });
  } else if (clientDir) {
    services.logger.warn({ clientDir }, "the built client is missing: run `npm run build` (npm start does this for you)");
  }

  app.setNotFoundHandler((req, reply) => {
    const wantsPage = (req.method === "GET" || req.method === "HEAD") && !req.url.startsWith("/trpc") && !path.extname(req.url.split("?")[0] ?? "");
    if (wantsPage && indexHtml && existsSync(indexHtml)) {
      // An unknown path still gets the app (it shows "page not found"), but with HTTP 404.
      return reply.code(isClientPath(req.url.split("?")[0] ?? "") ? 200 : 404).header("cache-control", "no-cache").sendFile("index.html");
    }
    return reply.code(404).send({ error: "not_found", message: `Nothing at ${req.method} ${req.url.split("?")[0]}` });
  });

  return app;
}
