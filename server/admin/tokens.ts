// Secrets handed out by the admin console: invitation and password-reset tokens (256 bits, base64url; only their
// SHA-256 is stored) and temporary mailbox passwords.
import { createHash, randomBytes, randomInt } from "node:crypto";

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

const LOWER = "abcdefghijkmnopqrstuvwxyz";
const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS = "23456789";
const SPECIAL = "-_.!+=";

/**
 * A temporary mailbox password: 20 characters with lower and upper case letters, digits and a special character,
 * so it passes any password policy Mailcow offers (length up to 20, each character class).
 */
export function temporaryPassword(length = 20): string {
  const all = LOWER + UPPER + DIGITS + SPECIAL;
  const chars = [LOWER, UPPER, DIGITS, SPECIAL].map((set) => set[randomInt(set.length)]!);
  while (chars.length < length) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  // Never starts with a special character (some mail clients trim or mangle it).
  if (SPECIAL.includes(chars[0]!)) chars.push(chars.shift()!);
  return chars.join("");
}
