// The one tRPC client: React hooks (`trpc`), the plain client for route actions (`trpcClient`) and
// cache helpers for route loaders (`queryUtils`), all sharing one QueryClient.
import { QueryClient } from "@tanstack/react-query";
import { httpBatchLink, TRPCClientError } from "@trpc/client";
import { createTRPCQueryUtils, createTRPCReact } from "@trpc/react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../server/routers/_app";
import { LOCALE_HEADER } from "../shared/constants";
import { getLocale } from "./i18n/store";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
/** What a failed call throws: `data` holds the server's code, HTTP status and field errors. */
export type ClientError = TRPCClientError<AppRouter>;

export const trpc = createTRPCReact<AppRouter>();

/** A 4xx answer will not change by asking again; network and 5xx failures get two more tries. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = error instanceof TRPCClientError ? (error as ClientError).data?.httpStatus : undefined;
  if (status !== undefined && status < 500) return false;
  return failureCount < 2;
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: { staleTime: 30_000, retry: shouldRetry },
    mutations: { retry: false },
  },
});

export const trpcClient = trpc.createClient({
  links: [
    httpBatchLink({
      url: "/trpc",
      // The server translates error messages into this language.
      headers: () => ({ [LOCALE_HEADER]: getLocale() }),
    }),
  ],
});

export const queryUtils = createTRPCQueryUtils({ queryClient, client: trpcClient });
