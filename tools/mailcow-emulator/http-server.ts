// The emulator's HTTP side: the listener, fault switches, latency, statistics and how the bytes leave (headers,
// truncation, dropped sockets). Request semantics are router.ts's; this module decides whether a request is answered
// at all, when, and how.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { ApiReply, ApiRequest } from "./router";

export type EmulatorFault = "down" | "reset" | "slow" | "html500" | "danger" | "malformed";

export interface EmulatorStats {
  /** HTTP requests that reached the handler (dropped "reset" connections excluded). */
  requests: number;
  /** Of those, add/edit/delete requests, whatever their outcome. */
  writes: number;
  /** Peak number of requests in flight at the same time. */
  maxConcurrent: number;
}

export interface HttpHooks {
  /** /api/v1/… requests. */
  api(request: ApiRequest): ApiReply;
  /** POST /mailcowauth.php, Dovecot's passdb endpoint. */
  passdb(request: ApiRequest): ApiReply;
  /** Before a get/mailbox: pull Dovecot's figures (object = the address, when one is asked for). */
  beforeMailboxRead?(object: string | undefined): Promise<void>;
  /** After a write: milliseconds until the change is visible to Dovecot (0 without the backend). */
  afterWrite?(): number;
}

export interface HttpServer {
  readonly url: string;
  readonly port: number;
  fault(mode: EmulatorFault | null): void;
  currentFault(): EmulatorFault | null;
  setLatency(ms: number): void;
  resetStats(): void;
  stats(): EmulatorStats;
  /** A pause that ends early when the server closes. */
  stall(ms: number): Promise<void>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

const HTML_500 =
  "<!DOCTYPE html>\n<html><head><title>mailcow UI</title></head><body>\n" +
  "<h2>Connection to Redis failed.</h2><p>The following error was reported:<br>Connection refused</p>\n</body></html>\n";

const HTML_404 = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

export async function startHttpServer(
  config: { host: string; port: number; latencyMs: number; slowMs: number },
  hooks: HttpHooks,
): Promise<HttpServer> {
  let faultMode: EmulatorFault | null = null;
  const currentFault = () => faultMode;
  let latencyMs = config.latencyMs;
  let stats: EmulatorStats = { requests: 0, writes: 0, maxConcurrent: 0 };
  let inFlight = 0;
  let closed = false;

  // Pending stalls (latency, "slow") end early when the emulator closes, so close() never waits on a timer.
  const stalls = new Map<NodeJS.Timeout, () => void>();
  const stall = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        stalls.delete(timer);
        resolve();
      }, ms);
      stalls.set(timer, resolve);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (faultMode === "reset") {
      req.socket.resetAndDestroy();
      return;
    }
    stats.requests++;
    inFlight++;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, inFlight);
    res.once("close", () => inFlight--);

    const body = await readBody(req);
    if (body === null) {
      send(res, 413, "text/html; charset=utf-8", "<html><body><h1>413 Request Entity Too Large</h1></body></html>", null);
      return;
    }
    if (faultMode === "slow") await stall(config.slowMs);
    await stall(latencyMs);
    if (closed || res.destroyed) return;
    // The mode may have changed while the request was stalled.
    if (currentFault() === "reset") {
      req.socket.resetAndDestroy();
      return;
    }
    if (faultMode === "html500") {
      send(res, 500, "text/html; charset=utf-8", HTML_500, null);
      return;
    }

    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    const request = (query: string): ApiRequest => ({ method: req.method ?? "GET", query, search: url.searchParams, headers: req.headers, body });
    if (url.pathname === "/mailcowauth.php" && req.method === "POST") {
      const reply = hooks.passdb(request(""));
      send(res, reply.status, reply.contentType, reply.body, reply);
      return;
    }
    if (!url.pathname.startsWith("/api/v1/")) {
      send(res, 404, "text/html; charset=utf-8", HTML_404, null);
      return;
    }
    const query = safeDecode(url.pathname.slice("/api/v1/".length));
    const [action, category, object] = query.split("/");
    if (hooks.beforeMailboxRead && req.method === "GET" && action === "get" && category === "mailbox" && req.headers["x-api-key"]) {
      await hooks.beforeMailboxRead(object);
      if (closed || res.destroyed) return;
    }
    const reply = hooks.api(request(query));
    if (reply.action === "add" || reply.action === "edit" || reply.action === "delete") {
      stats.writes++;
      // The change is effective in Dovecot before the answer leaves (see dovecot-backend.ts for the one-second rule).
      const pending = hooks.afterWrite?.() ?? 0;
      if (pending > 0) await stall(pending);
      if (closed || res.destroyed) return;
    }
    if (faultMode === "malformed") {
      send(res, 200, "application/json", truncated(reply.body), reply);
      return;
    }
    send(res, reply.status, reply.contentType, reply.body, reply);
  }

  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // A failure here is a broken socket or a bug; the client sees a dropped connection, the test sees it there.
      if (!res.destroyed) res.destroy();
    });
  });
  // Mailcow's nginx keeps idle connections 65 s (nginx's keepalive_timeout default); Node's 5 s would close a
  // connection just as a busy client reuses it, and a write on it fails ("closed without a complete answer").
  server.keepAliveTimeout = 65_000;
  server.on("connection", (socket) => {
    if (faultMode === "reset") {
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  // Errors on client sockets (resets mid-request) are the client's business, not the emulator's.
  server.on("clientError", (_error, socket) => socket.destroy());

  await listen(server, config.port, config.host);
  // A failed re-listen after "down" (port taken meanwhile) must not crash the process: requests keep failing instead.
  server.on("error", () => {});
  const address = server.address() as AddressInfo;
  const port = address.port;
  // Re-listening after "down" must happen synchronously, so it binds the resolved address rather than a host name.
  const boundHost = address.address;
  const urlHost = boundHost.includes(":") ? `[${boundHost}]` : boundHost;

  const goDown = () => {
    server.close();
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
  };
  const comeUp = () => {
    server.listen(port, boundHost);
  };

  return {
    url: `http://${urlHost}:${port}/api/v1`,
    port,
    fault(mode) {
      if (closed) throw new Error("The Mailcow emulator is closed");
      const previous = faultMode;
      faultMode = mode;
      if (mode === "down" && previous !== "down") goDown();
      if (mode !== "down" && previous === "down") comeUp();
    },
    currentFault,
    setLatency(ms) {
      if (!(ms >= 0)) throw new Error(`Latency must be ≥ 0 ms, got ${ms}`);
      latencyMs = ms;
    },
    resetStats() {
      latencyMs = config.latencyMs;
      stats = { requests: 0, writes: 0, maxConcurrent: inFlight };
    },
    stats: () => ({ ...stats }),
    stall,
    async close() {
      if (closed) return;
      closed = true;
      for (const [timer, resolve] of stalls) {
        clearTimeout(timer);
        resolve();
      }
      stalls.clear();
      if (faultMode !== "down") {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
          for (const socket of sockets) socket.destroy();
        });
      }
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** At least one byte short of the real body, and never valid JSON. */
function truncated(body: string): string {
  if (body.length < 4) return '[{"type":"success","msg":';
  return body.slice(0, Math.floor(body.length / 2));
}

function send(res: ServerResponse, status: number, contentType: string, body: string, reply: ApiReply | null): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string | string[]> = {
    "Content-Type": contentType,
    "Content-Length": String(Buffer.byteLength(body)),
  };
  if (reply) {
    if (reply.setCookie) headers["Set-Cookie"] = reply.setCookie;
    headers.Expires = "Thu, 19 Nov 1981 08:52:00 GMT";
    headers["Cache-Control"] = "no-store, no-cache, must-revalidate";
    headers.Pragma = "no-cache";
    if (reply.fullHeaders) {
      headers.Vary = "Origin";
      headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE, OPTION, OPTIONS";
      headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, X-Api-Key, Origin";
      headers["X-Content-Type-Options"] = "nosniff";
      headers["X-Robots-Tag"] = "none";
      headers["X-Download-Options"] = "noopen";
      headers["X-Permitted-Cross-Domain-Policies"] = "none";
      headers["Referrer-Policy"] = "strict-origin";
    }
    headers["X-Frame-Options"] = "SAMEORIGIN";
  }
  res.writeHead(status, headers);
  res.end(body);
}
