// Limits and names that the client and the server must agree on.
export const USERNAME_MIN = 2;
export const USERNAME_MAX = 64;
export const PASSWORD_MIN_CHARS = 10;
/** Mailcow stores mailbox passwords with bcrypt, which ignores everything past 72 bytes. */
export const PASSWORD_MAX_BYTES = 72;
export const DISPLAY_NAME_MAX = 100;

/** Local parts that belong to the organisation, not to a person (RFC 2142 and common service names). */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  "postmaster", "abuse", "admin", "administrator", "root", "hostmaster", "webmaster", "noreply", "no-reply",
  "mailer-daemon", "security", "support", "info", "sogo", "autoconfig", "autodiscover", "mail", "smtp", "imap",
  "pop", "pop3", "www", "ftp", "help", "billing", "sales", "marketing", "news", "newsletter", "list", "lists",
  "listmaster", "usenet", "uucp", "nobody", "system", "daemon", "devnull", "null", "spam", "ham", "mailcow",
  "vmail", "dovecot", "postfix", "ssl-admin", "team", "staff", "office", "hr", "it", "privacy", "legal",
  "compliance", "test", "api", "bounce", "bounces", "do-not-reply", "donotreply", "notifications", "platform",
]);

/**
 * Roots that make a name official-looking wherever they start or end it ("sysadmin", "admin2", "webadmin",
 * "postmaster.team"); compared with the separators . - _ removed.
 */
export const RESERVED_USERNAME_ROOTS: readonly string[] = [
  "admin", "administrator", "postmaster", "hostmaster", "webmaster", "mailerdaemon", "noreply", "donotreply", "abuse",
];

/** The sign-in cookie's name; the server sets it, the client never reads it (httpOnly). */
export const SESSION_COOKIE = "pm_session";
/** Header the client sends so the server answers in the user's chosen language. */
export const LOCALE_HEADER = "x-platform-locale";
