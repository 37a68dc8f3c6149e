// The entry point for other internal TypeScript code: the router's type, the shared schemas, and a typed
// client. Import from "platform-mail/client" (package.json "exports"):
//
//   import { createPlatformClient, type AppRouter } from "platform-mail/client";
//   const platform = createPlatformClient({ url: "https://platform.example.com", headers: { cookie } });
//   const info = await platform.mailbox.info.query();
//
// Plain JSON on the wire (no transformer), so the same procedures also answer curl:
//   curl -X POST https://platform.example.com/trpc/auth.login -H 'content-type: application/json' \
//        -d '{"login":"ada","password":"…"}'
import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./routers/_app";

export type { AppRouter } from "./routers/_app";
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export * from "../shared/index";

export interface PlatformClientOptions {
  /** The app's origin, e.g. https://platform.example.com (the procedures live under /trpc). */
  url: string;
  /** Sent with every request, e.g. a session cookie, `origin`, or `x-platform-locale: en`. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  fetch?: typeof fetch;
}

export function createPlatformClient({ url, headers, fetch: customFetch }: PlatformClientOptions): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${url.replace(/\/$/, "")}/trpc`,
        headers: typeof headers === "function" ? headers : () => headers ?? {},
        ...(customFetch ? { fetch: customFetch } : {}),
      }),
    ],
  });
}
