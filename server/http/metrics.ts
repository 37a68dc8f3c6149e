// GET /metrics and the request counters behind it. The counters are fed by an onResponse hook (the route
// pattern, never the raw URL, and for /trpc the procedure name when it is one this router has); the endpoint is
// protected by METRICS_TOKEN (bearer) or, without one, answers loopback clients only.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest, RawServerDefault } from "fastify";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import ipaddr from "ipaddr.js";
import { metrics as processMetrics, type Metrics } from "../metrics";
import { appRouter } from "../routers/_app";
import type { Services } from "../services";

const PROCEDURES: ReadonlySet<string> = new Set(Object.keys(appRouter._def.procedures));
const FORWARDING_HEADERS = ["x-forwarded-for", "forwarded", "x-real-ip"];

/** The procedure label for a /trpc request: a known name, "(batch)" for several, "(unknown)" otherwise. */
export function procedureLabel(pathParam: unknown): string {
  if (typeof pathParam !== "string") return "(unknown)";
  const names = pathParam.split(",");
  if (names.length > 1) return names.every((n) => PROCEDURES.has(n)) ? "(batch)" : "(unknown)";
  return PROCEDURES.has(pathParam) ? pathParam : "(unknown)";
}

function routeLabels(req: FastifyRequest): { route: string; procedure: string } {
  const route = req.routeOptions.url;
  if (!route) return { route: "(no route)", procedure: "" };
  if (route.startsWith("/trpc/")) return { route, procedure: procedureLabel((req.params as { path?: unknown } | undefined)?.path) };
  return { route, procedure: "" };
}

function sameSecret(given: string, expected: string): boolean {
  // Digests first: timingSafeEqual needs equal lengths, and the length of the token must not leak either.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

export function isLoopback(address: string | undefined): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address); // ::ffff:127.0.0.1 → 127.0.0.1
  return parsed.range() === "loopback";
}

/** Registers the request hook and GET /metrics on the root instance (call before other routes). */
export function installMetrics(app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>, services: Services, metrics: Metrics = processMetrics): void {
  metrics.useDatabase(services.db);
  app.addHook("onClose", async () => {
    if (metrics.database === services.db) metrics.useDatabase(null);
  });

  app.addHook("onResponse", async (req, reply) => {
    const { route, procedure } = routeLabels(req);
    metrics.httpRequest(req.method, route, procedure, reply.statusCode, reply.elapsedTime / 1000);
  });

  const token = services.config.METRICS_TOKEN;
  app.get("/metrics", async (req, reply) => {
    if (token) {
      const header = req.headers.authorization ?? "";
      const given = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      if (!given || !sameSecret(given, token)) {
        return reply
          .code(401)
          .header("www-authenticate", 'Bearer realm="metrics"')
          .send({ error: "unauthorized", message: "GET /metrics needs the header Authorization: Bearer <METRICS_TOKEN>" });
      }
    } else {
      // Without a token only a scraper on this host may read. A request relayed by a reverse proxy on this host
      // arrives from loopback too, so any forwarding header means "not local" (req.ip honours TRUST_PROXY).
      const relayed = FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined);
      if (relayed || !isLoopback(req.ip)) {
        return reply
          .code(403)
          .send({ error: "forbidden", message: "GET /metrics answers only this host; set METRICS_TOKEN to scrape it from elsewhere" });
      }
    }
    // The inbox's IMAP pool, as it is at scrape time.
    const pool = services.inbox.pool.stats();
    metrics.imapPoolSize(pool.open - pool.busy, pool.busy);
    return reply.header("content-type", metrics.contentType).header("cache-control", "no-store").send(await metrics.text());
  });
}

/** Counts a procedure's error (from the tRPC handler's onError): refused sign-ins and rate-limit refusals too. */
export function countTrpcError(code: string, path: string | undefined, metrics: Metrics = processMetrics): void {
  const procedure = procedureLabel(path);
  metrics.trpcError(procedure, code);
  if (code === "TOO_MANY_REQUESTS") metrics.rateLimited(procedure);
  // auth.login answers UNAUTHORIZED for an unknown name and a wrong password alike (and nothing else).
  if (code === "UNAUTHORIZED" && procedure === "auth.login") metrics.loginFailed();
}
