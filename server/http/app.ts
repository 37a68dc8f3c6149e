// The HTTP host: tRPC at /trpc, health probes, the built client with SPA fallback, security headers.
import { existsSync } from "node:fs";
import path from "node:path";
import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from "@trpc/server/adapters/fastify";
import Fastify from "fastify";
import { isClientPath } from "../../shared/routes";
import { RateLimitedError } from "../auth/rate-limit";
import { makeHttpContext } from "../context";
import { databaseAnswers } from "../db/open-database";
import { appRouter, type AppRouter } from "../routers/_app";
import type { Services } from "../services";
import { mailClientConfigRoutes } from "./mail-client-config";
import { countTrpcError, installMetrics } from "./metrics";

export interface AppOptions {
  /** Folder with the built client (index.html + assets); the SPA is not served when it is missing. */
  clientDir?: string;
}

export async function buildApp(services: Services, { clientDir }: AppOptions = {}) {
  const app = Fastify({
    loggerInstance: services.logger,
    trustProxy: services.config.TRUST_PROXY,
    routerOptions: { maxParamLength: 5000 },
    bodyLimit: 1024 * 1024,
  });
  const https = services.config.APP_ORIGIN?.startsWith("https://") ?? false;

  // Operator metrics: request counters for every route below, and GET /metrics.
  installMetrics(app, services);

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
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

  await app.register(fastifyTRPCPlugin, {
    prefix: "/trpc",
    trpcOptions: {
      router: appRouter,
      createContext: makeHttpContext(services),
      responseMeta({ errors }) {
        // A refusal for too many attempts tells clients when to come back (the UI shows it in words).
        const limited = errors.find((e) => e.cause instanceof RateLimitedError)?.cause as RateLimitedError | undefined;
        return limited ? { headers: new Headers({ "retry-after": String(limited.retryAfterSeconds) }) } : {};
      },
      onError({ error, path: procedure }) {
        countTrpcError(error.code, procedure); // operator metrics
        if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "BAD_GATEWAY") {
          services.logger.error({ err: error.cause ?? error, procedure }, "procedure failed");
        }
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>["trpcOptions"],
  });

  app.get("/healthz", async () => ({ status: "ok" }));
  // Readiness depends on the database: with Mailcow down the app still signs people up (their mailboxes wait as
  // pending), so taking it out of rotation would only make things worse. Mailcow is reported, not gated — except
  // when it refused the platform's API key (`mailcow: "unauthorized"`, 503): only an operator can fix that.
  let mailcowCheck: { at: number; ok: Promise<boolean> } | null = null;
  const mailcowReachable = () => {
    if (!mailcowCheck || services.now() - mailcowCheck.at > 10_000) {
      const ok = services.mailcow.getVersion().then(() => true, () => false);
      mailcowCheck = { at: services.now(), ok: Promise.race([ok, new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref())]) };
    }
    return mailcowCheck.ok;
  };
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
