// The client's pages: the router (client/router.tsx) is built from this list, and the server's SPA fallback
// answers 200 for these paths and 404 (still with the app, which shows "page not found") for any other.
export const CLIENT_PATHS = {
  home: "/",
  login: "/login",
  register: "/register",
  logout: "/logout",
  mail: "/mail",
  account: "/account",
  inbox: "/mail/inbox",
  inboxMessage: "/mail/inbox/:folder/:uid",
} as const;

const KNOWN: ReadonlySet<string> = new Set(Object.values(CLIENT_PATHS));

/** A message in the inbox: /mail/inbox/<folder, URL-encoded>/<uid>. */
const INBOX_MESSAGE = /^\/mail\/inbox\/[^/]+\/\d+$/;

/** True for a page the client has ("/mail" and "/mail/" alike). */
export function isClientPath(pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return KNOWN.has(path) || INBOX_MESSAGE.test(path);
}
