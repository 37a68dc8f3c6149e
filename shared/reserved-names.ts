// Names nobody may sign up with: kept apart from constants.ts so the app shell (which needs a few of those
// constants) does not carry this list; only the sign-up and name forms load it.
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
