// Helpers for the emulator's own tests: raw HTTP (fetch refuses GET bodies and adds headers of its own), and short
// ways to call the API the way an adapter would.
import { request } from "node:http";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  contentType: string | undefined;
  body: string;
}

/** One HTTP exchange on its own connection, with exactly the given headers and body. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer | null } = {},
): Promise<RawResponse> {
  const body = options.body === undefined || options.body === null ? null : Buffer.from(options.body);
  // Node's client only chunks bodies for methods that usually carry one; a GET body needs an explicit length.
  const headers = body ? { ...options.headers, "Content-Length": String(body.length) } : (options.headers ?? {});
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          contentType: res.headers["content-type"],
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body ?? undefined);
  });
}

export interface Api {
  get(path: string, headers?: Record<string, string>): Promise<RawResponse>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<RawResponse>;
  /** GET and parse; fails loudly when the body is not JSON. */
  getJson(path: string): Promise<unknown>;
  /** POST JSON and parse the (write) response. */
  postJson(path: string, body: unknown): Promise<unknown>;
}

export function api(baseUrl: string, apiKey: string): Api {
  const get = (path: string, headers: Record<string, string> = {}) =>
    rawRequest(`${baseUrl}${path}`, { headers: { "X-API-Key": apiKey, ...headers } });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    rawRequest(`${baseUrl}${path}`, {
      method: "POST",
      headers: { "X-API-Key": apiKey, "Content-Type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return {
    get,
    post,
    getJson: async (path) => JSON.parse((await get(path)).body) as unknown,
    postJson: async (path, body) => JSON.parse((await post(path, body)).body) as unknown,
  };
}

/** A mailbox the default test domain accepts, as Mailcow's add/mailbox body. */
export function mailboxBody(localPart: string, domain: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { local_part: localPart, domain, name: "Test User", password: "secret1", password2: "secret1", quota: 1024, active: 1, ...extra };
}
