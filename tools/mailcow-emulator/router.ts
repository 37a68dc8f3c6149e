// The emulator's json_api.php: authentication (sessions.inc.php), request parsing, the action/category switch and
// the exact framework-level answers (status codes, bodies, content types) Mailcow gives around its business functions.
// Transport concerns (faults, latency, sockets) stay in emulator-server.ts; this module maps one request to one reply.
import { type ApiContext, type Entry, type ReadResult, type WriteResult, formatDateTime, maskedLog } from "./api-context";
import { passdb } from "./passdb";
import type { PasswordPolicy } from "./password";
import { field, phpJsonDecode, phpJsonEncode, toPhpArray, type PhpAssoc, type PhpValue } from "./php";
import type { RouteParts, RouteNotFound } from "./resource";
import { handlerFor } from "./resources";
import { type ApiAccess, type SessionStore, readSessionId, sessionCookie } from "./sessions";
import type { EmulatorStore } from "./store";

export interface ApiRequest {
  method: string;
  /** The path after /api/v1/, percent-decoded (nginx passes it as ?query=). */
  query: string;
  search: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface ApiReply {
  status: number;
  contentType: "application/json" | "text/html; charset=utf-8";
  body: string;
  /** json_api.php's CORS and nginx's security headers; a 401 leaves before they are added. */
  fullHeaders: boolean;
  setCookie: string | null;
  action: string | null;
}

export interface RouterDeps {
  store: EmulatorStore;
  keys: () => { rw: string; ro: string | null };
  version: string;
  sessions: SessionStore;
  cookieAuth: boolean;
  policy: () => PasswordPolicy;
  setPolicy: (policy: PasswordPolicy) => void;
  /** The "danger" fault: every write fails as if MariaDB were gone. */
  failWrites: () => boolean;
  hashPassword: (password: string) => string;
  lastImapLogin: (username: string) => number;
  spamAliasLocalPart: () => string;
}

const JSON_TYPE = "application/json";
const HTML_TYPE = "text/html; charset=utf-8";

type PostField = PhpValue[] | PhpAssoc | undefined;

const GENERIC_FAILURE = { add: "Cannot add item", edit: "Cannot edit item", delete: "Cannot delete item" } as const;

export function createRouter(deps: RouterDeps): (request: ApiRequest) => ApiReply {
  return function route(request) {
    // --- sessions.inc.php: a known MCSESSID keeps its session, anything else gets a new one -----------------------
    const cookieId = readSessionId(header(request, "cookie"));
    let session = deps.sessions.lookup(cookieId);
    let setCookie: string | null = null;
    if (!session) {
      const created = deps.sessions.create();
      session = created.session;
      setCookie = sessionCookie(created.id);
    }

    const parts = request.query.split("/");
    const action = parts[0] ?? null;
    const category = parts[1];
    const object = parts[2];
    const extra = parts[3];
    const reply = (status: number, body: string, contentType: ApiReply["contentType"] = JSON_TYPE, fullHeaders = true): ApiReply => ({
      status,
      contentType,
      body,
      fullHeaders,
      setCookie,
      action,
    });
    const error = (status: number, msg: string) => reply(status, phpJsonEncode({ type: "error", msg }));

    // --- authentication: X-API-Key only, sanitised to [A-Za-z0-9-], compared case-insensitively -----------------
    let access: ApiAccess | null = null;
    const rawKey = header(request, "x-api-key");
    if (rawKey !== undefined && rawKey !== "") {
      const key = rawKey.replace(/[^A-Za-z0-9-]/g, "").toLowerCase();
      const { rw, ro } = deps.keys();
      if (key !== "" && key === rw.toLowerCase()) access = "rw";
      else if (key !== "" && ro !== null && key === ro.toLowerCase()) access = "ro";
      else return reply(401, phpJsonEncode({ type: "error", msg: "authentication failed" }), HTML_TYPE, false);
      session.access = access;
    } else if (deps.cookieAuth && session.access) {
      access = session.access;
    }

    if (request.method === "OPTIONS") return reply(200, "", HTML_TYPE);
    // Anti-navigation guard: a browser tab opening the API gets nothing (after authentication, as measured).
    const fetchDest = header(request, "sec-fetch-dest");
    if (fetchDest !== undefined && fetchDest !== "empty") return reply(403, "");

    // --- body: parsed only for Content-Type application/json (case-sensitive strpos), else form fields ------------
    let attr: PostField;
    let items: PostField;
    const contentType = header(request, "content-type") ?? "";
    if (contentType.includes("application/json")) {
      const decoded = phpJsonDecode(request.body);
      if (action !== "get" && decoded === null) return error(400, "Request body doesn't contain valid json!");
      if (action === "add") attr = toPhpArray(decoded);
      if (action === "edit") {
        attr = toPhpArray(field(decoded, "attr"));
        items = toPhpArray(field(decoded, "items"));
      }
      if (action === "delete") items = toPhpArray(decoded);
    } else if (request.method === "POST" && contentType.includes("application/x-www-form-urlencoded")) {
      const form = new URLSearchParams(request.body.toString("utf8"));
      const formAttr = form.get("attr");
      const formItems = form.get("items");
      if (formAttr !== null) attr = toPhpArray(phpJsonDecode(formAttr));
      if (formItems !== null) items = toPhpArray(phpJsonDecode(formItems));
    }

    const ctx = contextFor(deps, access ? "admin" : "anonymous");
    const routeParts: RouteParts = { object, extra, search: request.search };
    const incomplete = () => error(200, "Cannot find attributes in post data");
    const routeNotFound = () => error(404, "route not found");
    const writeReply = (kind: keyof typeof GENERIC_FAILURE, result: WriteResult | RouteNotFound): ApiReply => {
      if (result.kind === "routeNotFound") return routeNotFound();
      if (result.kind === "fatal") return reply(200, "");
      if (result.entries.length > 0) return reply(200, phpJsonEncode(result.entries));
      if (result.returned === false) return error(200, GENERIC_FAILURE[kind]);
      return reply(200, phpJsonEncode({ type: "success", msg: "Task completed" }));
    };
    const runWrite = (kind: keyof typeof GENERIC_FAILURE, data: PostField, run: () => WriteResult | RouteNotFound): ApiReply => {
      if (deps.failWrites()) {
        const entry: Entry = { type: "danger", log: ["mailbox", kind, category ?? null, maskedLog(data), null], msg: "mysql_error" };
        return reply(200, phpJsonEncode([entry]));
      }
      return writeReply(kind, run());
    };

    switch (action) {
      case "add": {
        if (access === "ro") return error(403, "API read/write access denied");
        if (attr === undefined) return incomplete();
        if (request.method !== "POST") return error(405, "only POST method is allowed");
        const handler = handlerFor("add", category);
        if (!handler) return routeNotFound();
        const data = attr;
        return runWrite("add", data, () => handler(ctx, data, routeParts));
      }
      case "edit": {
        if (access !== "rw") return error(403, "API read/write access denied");
        if (attr === undefined) return incomplete();
        if (request.method !== "POST") return error(405, "only POST method is allowed");
        const handler = handlerFor("edit", category);
        if (!handler) return routeNotFound();
        const data = attr;
        const list = items ?? [];
        return runWrite("edit", { items: list, ...(Array.isArray(data) ? {} : data) }, () => handler(ctx, list, data, routeParts));
      }
      case "delete": {
        if (access !== "rw") return error(403, "API read/write access denied");
        if (items === undefined) return incomplete();
        if (request.method !== "POST") return error(405, "only POST method is allowed");
        const handler = handlerFor("delete", category);
        if (!handler) return routeNotFound();
        const data = items;
        return runWrite("delete", data, () => handler(ctx, data, routeParts));
      }
      case "get": {
        if (request.method !== "GET") return error(405, "only GET method is allowed");
        // Without a key json_api.php skips the whole switch: 200 and not a byte of body, whatever was asked.
        if (!access) return reply(200, "");
        const handler = handlerFor("get", category);
        if (!handler) return routeNotFound();
        const result = handler(ctx, routeParts);
        return result.kind === "routeNotFound" ? routeNotFound() : readReply(reply, result);
      }
      case "process":
        if (request.method !== "POST") return error(405, "only POST method is allowed");
        return reply(200, "");
      default:
        return routeNotFound();
    }
  };
}

function contextFor(deps: RouterDeps, role: ApiContext["role"]): ApiContext {
  return {
    store: deps.store,
    role,
    now: () => formatDateTime(new Date()),
    unixNow: () => Math.floor(Date.now() / 1000),
    version: deps.version,
    policy: deps.policy,
    setPolicy: deps.setPolicy,
    hashPassword: deps.hashPassword,
    lastImapLogin: deps.lastImapLogin,
    spamAliasLocalPart: deps.spamAliasLocalPart,
  };
}

/**
 * POST /mailcowauth.php, the passdb endpoint Dovecot calls (no API key): a session cookie like every PHP page once
 * the request is complete; a bad request (400) leaves before sessions start.
 */
export function createPassdbRoute(deps: RouterDeps): (request: ApiRequest) => ApiReply {
  return (request) => {
    const result = passdb(contextFor(deps, "admin"), request.body);
    const cookie = result.status === 400 ? null : sessionCookie(deps.sessions.create().id);
    return { status: result.status, contentType: JSON_TYPE, body: result.body, fullHeaders: false, setCookie: cookie, action: "passdb" };
  };
}

function readReply(reply: (status: number, body: string) => ApiReply, result: ReadResult): ApiReply {
  if (result.kind === "literal") return reply(200, result.body);
  return reply(200, phpJsonEncode(result.value, { pretty: true, unescapedUnicode: true }));
}

function header(request: ApiRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
