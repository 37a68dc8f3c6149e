// The client's pages: the router (client/router.tsx) is built from this list, and the server's SPA fallback
// answers 200 for these paths and 404 (still with the app, which shows "page not found") for any other.
export const CLIENT_PATHS = {
  home: "/",
  login: "/login",
  register: "/register",
  logout: "/logout",
  mail: "/mail",
  account: "/account",
  adminStats: "/admin/stats",
} as const;

const KNOWN: ReadonlySet<string> = new Set(Object.values(CLIENT_PATHS));

/** True for a page the client has ("/mail" and "/mail/" alike). */
export function isClientPath(pathname: string): boolean {
  return KNOWN.has(pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname);
}
