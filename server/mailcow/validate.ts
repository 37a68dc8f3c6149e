// Local checks on what the adapter sends: each throws TypeError/RangeError before any request, so a caller's bug
// never reaches Mailcow (which accepts a surprising amount, e.g. negative quotas).
import type { MailboxActiveState } from "./schemas";

/** `true`/`false` mean 1/0; 2 keeps receiving mail but refuses logins. */
export type MailboxActiveInput = boolean | MailboxActiveState;

// Local parts go into URL paths: refuse the characters that would change the path or query.
const EMAIL = /^[^\s/?#%\\@]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
export const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
// Mailcow stores a password that starts with a scheme such as {BLF-CRYPT} or {SSHA256} as a ready-made hash.
const PREHASHED = /^\{[A-Za-z0-9._-]+\}/;

export function assertEmail(value: string, what: string): string {
  if (typeof value !== "string" || !EMAIL.test(value.trim())) throw new TypeError(`${what} is not a plain email address`);
  return value.trim().toLowerCase();
}

export function assertDomain(value: string): string {
  if (typeof value !== "string" || !DOMAIN.test(value.trim())) throw new TypeError("domain is not a plain domain name");
  return value.trim().toLowerCase();
}

export function assertQuota(quotaMiB: unknown): number {
  if (typeof quotaMiB !== "number" || !Number.isSafeInteger(quotaMiB) || quotaMiB < 0) {
    // NOTE: Mailcow accepts negative quotas and lowers the domain's allocated total with them.
    throw new RangeError("quotaMiB must be a whole number of MiB, 0 (unlimited) or more");
  }
  return quotaMiB;
}

export function assertPassword(password: unknown, what = "password"): string {
  if (typeof password !== "string" || password === "") throw new TypeError(`${what} must be a non-empty string`);
  if (PREHASHED.test(password)) {
    throw new RangeError(`${what} must not start with a {SCHEME} prefix: Mailcow would store it as a ready-made hash`);
  }
  return password;
}

export function toActive(active: MailboxActiveInput): MailboxActiveState {
  if (active === true) return 1;
  if (active === false) return 0;
  if (active === 0 || active === 1 || active === 2) return active;
  throw new RangeError("active must be a boolean, 0, 1 or 2");
}

export function assertTags(tags: unknown): string[] {
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === "string" && tag.trim() !== "")) {
    throw new TypeError("tags must be non-empty strings");
  }
  return tags.map((tag: string) => tag.trim());
}

/** Mailcow object ids (filters, aliases, app passwords): positive integers. */
export function assertIds(ids: unknown, what: string): number[] {
  if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id) && (id as number) > 0)) {
    throw new TypeError(`${what} must be positive whole numbers`);
  }
  return [...new Set(ids as number[])];
}

export const flag = (value: boolean) => (value ? 1 : 0);
