// Limits and names that the client and the server must agree on.
export const USERNAME_MIN = 2;
export const USERNAME_MAX = 64;
export const PASSWORD_MIN_CHARS = 10;
/** Mailcow stores mailbox passwords with bcrypt, which ignores everything past 72 bytes. */
export const PASSWORD_MAX_BYTES = 72;
export const DISPLAY_NAME_MAX = 100;

/** The sign-in cookie's name; the server sets it, the client never reads it (httpOnly). */
export const SESSION_COOKIE = "pm_session";
/** Header the client sends so the server answers in the user's chosen language. */
export const LOCALE_HEADER = "x-platform-locale";
