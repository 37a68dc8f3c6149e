// Where to go after signing in: only a path on this site, never another origin ("//evil.example",
// "https://…", "/\evil.example" are all refused), so `?next=` cannot be used as an open redirect.
const BASE = "http://platform.invalid";

export function safeNextPath(value: string | null | undefined): string | null {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return null;
  try {
    const url = new URL(value, BASE);
    if (url.origin !== BASE) return null;
    const path = url.pathname + url.search + url.hash;
    if (path.startsWith("/login") || path.startsWith("/register") || path.startsWith("/logout")) return null;
    return path;
  } catch {
    return null;
  }
}

/** "/login?next=%2Fmail" for the page the visitor wanted; plain "/login" for the home page. */
export function loginUrlFor(location: { pathname: string; search: string; hash?: string }): string {
  const next = safeNextPath(location.pathname + location.search + (location.hash ?? ""));
  return next && next !== "/" ? `/login?next=${encodeURIComponent(next)}` : "/login";
}
