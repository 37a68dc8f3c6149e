// The client's pages: the router (client/router.tsx) is built from this list, and the server's SPA fallback
// answers 200 for these paths and 404 (still with the app, which shows "page not found") for any other.
export const CLIENT_PATHS = {
  home: "/",
  login: "/login",
  register: "/register",
  logout: "/logout",
  mail: "/mail",
  account: "/account",
  admin: "/admin",
} as const;

/** The admin console's pages: its sections and a person's page (`/admin/people/<userId>`). */
const ADMIN_PAGE = /^\/admin(?:\/(?:invitations|import|reconcile|audit|statistics)|\/people\/[^/]+)?$/;

const KNOWN: ReadonlySet<string> = new Set(Object.values(CLIENT_PATHS));

/** True for a page the client has ("/mail" and "/mail/" alike). */
export function isClientPath(pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return KNOWN.has(path) || ADMIN_PAGE.test(path);
}
