// Where to go after signing in: only a path on this site, never another origin ("//evil.example",
// "https://…", "/\evil.example" are all refused), so `?next=` cannot be used as an open redirect. The value is
// normalised first ("/..//evil.example" resolves to "//evil.example", a protocol-relative address) and the
// normalised form is what is judged and returned.
const BASE = "http://platform.invalid";

/** Not a plain path: no leading "/", "//" or "/\" (another host to a browser), a backslash or a control character. */
// oxlint-disable-next-line no-control-regex -- refusing control characters is the point
const NOT_A_PLAIN_PATH = /^(?!\/)|^\/[/\\]|\\|[\u0000-\u001f\u007f]/;

export function safeNextPath(value: string | null | undefined): string | null {
  if (!value || NOT_A_PLAIN_PATH.test(value)) return null;
  try {
    const url = new URL(value, BASE);
    if (url.origin !== BASE) return null;
    const path = url.pathname + url.search + url.hash;
    if (NOT_A_PLAIN_PATH.test(path) || new URL(path, BASE).origin !== BASE) return null;
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
