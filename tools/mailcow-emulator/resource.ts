// One Mailcow resource (a json_api.php category and the tables behind it) as the router and the store see it. Every
// resource lives in its own file and is listed once in resources.ts; adding a category is a new file plus that line.
import type { ApiContext, ReadResult, WriteResult } from "./api-context";
import type { PhpAssoc, PhpValue } from "./php";

export type PhpArray = PhpValue[] | PhpAssoc;

/** The parts of /api/v1/<action>/<category>/<object>/<extra> a handler may look at. */
export interface RouteParts {
  object: string | undefined;
  extra: string | undefined;
  search: URLSearchParams;
}

/** A handler may decline a sub-route it does not emulate (templates, …): json_api.php's 404 "route not found". */
export const ROUTE_NOT_FOUND = { kind: "routeNotFound" } as const;
export type RouteNotFound = typeof ROUTE_NOT_FOUND;

export interface Resource {
  /** CREATE TABLE/TRIGGER IF NOT EXISTS statements for the tables only this resource owns. */
  schema?: string;
  /** Tables emptied by reset(), children before parents. */
  tables?: string[];
  /** Handlers by json_api.php category (e.g. "app-passwd"). */
  add?: Record<string, (ctx: ApiContext, attr: PhpArray, route: RouteParts) => WriteResult | RouteNotFound>;
  edit?: Record<string, (ctx: ApiContext, items: PhpArray, attr: PhpArray, route: RouteParts) => WriteResult | RouteNotFound>;
  delete?: Record<string, (ctx: ApiContext, items: PhpArray, route: RouteParts) => WriteResult | RouteNotFound>;
  get?: Record<string, (ctx: ApiContext, route: RouteParts) => ReadResult | RouteNotFound>;
}
