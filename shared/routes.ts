// The client's pages: the router (client/router.tsx) is built from this list, and the server's SPA fallback
// answers 200 for these paths and 404 (still with the app, which shows "page not found") for any other.
export const CLIENT_PATHS = {
  home: "/",
  login: "/login",
  register: "/register",
  logout: "/logout",
  mail: "/mail",
  mailSettings: "/mail/settings",
  account: "/account",
  inbox: "/mail/inbox",
  inboxMessage: "/mail/inbox/:folder/:uid",
  admin: "/admin",
  /** An admin-made platform password reset: /reset/<token>. */
  reset: "/reset/:token",
} as const;

const KNOWN: ReadonlySet<string> = new Set(Object.values(CLIENT_PATHS));
// A reset link (/reset/<token>); a message in the inbox (/mail/inbox/<folder, URL-encoded>/<uid>); the admin
// console's sections and a person's page (/admin/people/<userId>).
const PATTERNS: readonly RegExp[] = [
  /^\/reset\/[A-Za-z0-9_-]{22,128}$/,
  /^\/mail\/inbox\/[^/]+\/\d+$/,
  /^\/admin(?:\/(?:invitations|import|reconcile|audit|stats)|\/people\/[^/]+)?$/,
];

/** True for a page the client has ("/mail" and "/mail/" alike). */
export function isClientPath(pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return KNOWN.has(path) || PATTERNS.some((pattern) => pattern.test(path));
}
