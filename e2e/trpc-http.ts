// Calls the real server's tRPC procedures the way any HTTP client can (no transformer, no batching): POST
// /trpc/<procedure> with the input as the JSON body for mutations, GET with ?input= for queries. Keeps the session
// cookie like a browser and sends the server's own Origin on POSTs (mutations from other origins are refused).

export class TrpcHttpError extends Error {
  constructor(
    readonly procedure: string,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${procedure}: ${status} ${code} ${message}`);
  }
}

export interface TrpcSession {
  query<T = unknown>(procedure: string, input?: unknown): Promise<T>;
  mutate<T = unknown>(procedure: string, input?: unknown): Promise<T>;
  /** The cookie header this session sends. */
  cookie(): string;
}

/** `cookie`: a session's cookie header to start from (e.g. another session's `cookie()` after a server restart). */
export function trpcSession(baseUrl: string, cookie = ""): TrpcSession {
  const jar = new Map<string, string>();
  for (const pair of cookie.split(";")) {
    const index = pair.indexOf("=");
    if (index > 0) jar.set(pair.slice(0, index).trim(), pair.slice(index + 1).trim());
  }
  async function call<T>(method: "GET" | "POST", procedure: string, input: unknown): Promise<T> {
    const query = method === "GET" && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : "";
    const headers: Record<string, string> = { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join("; ") };
    if (method === "POST") {
      headers.origin = baseUrl;
      headers["content-type"] = "application/json";
    }
    const url = `${baseUrl}/trpc/${procedure}${query}`;
    const response = await (method === "POST"
      ? fetch(url, { method: "POST", headers, body: JSON.stringify(input ?? null) })
      : fetch(url, { headers }));
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const index = pair.indexOf("=");
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (value === "" || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    const body = (await response.json()) as { result?: { data: T }; error?: { message: string; data?: { code?: string } } };
    if (!response.ok || body.error) {
      throw new TrpcHttpError(procedure, response.status, body.error?.data?.code ?? "UNKNOWN", body.error?.message ?? "");
    }
    return body.result!.data;
  }
  return {
    query: (procedure, input) => call("GET", procedure, input),
    mutate: (procedure, input) => call("POST", procedure, input),
    cookie: () => [...jar].map(([name, value]) => `${name}=${value}`).join("; "),
  };
}
