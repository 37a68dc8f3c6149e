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
  adminInvitations: "/admin/invitations",
  adminImport: "/admin/import",
  adminReconcile: "/admin/reconcile",
  adminAudit: "/admin/audit",
  adminStatistics: "/admin/statistics",
} as const;

/** A person's page in the admin console: `/admin/people/<userId>`. */
export const ADMIN_PERSON_PATH = "/admin/people/:userId";
export function adminPersonPath(userId: string): string {
  return `/admin/people/${encodeURIComponent(userId)}`;
}
const ADMIN_PERSON = /^\/admin\/people\/[^/]+$/;

const KNOWN: ReadonlySet<string> = new Set(Object.values(CLIENT_PATHS));

/** True for a page the client has ("/mail" and "/mail/" alike). */
export function isClientPath(pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return KNOWN.has(path) || ADMIN_PERSON.test(path);
}
