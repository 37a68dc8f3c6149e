// Mailbox password storage and Mailcow's password policy (functions.inc.php: hash_password, password_check,
// password_complexity).
// NOTE: Mailcow stores {BLF-CRYPT} (bcrypt, PHP's $2y$). Plain emulator runs store Dovecot's {SSHA256} instead (what
// hash_password() builds with MAILCOW_PASS_SCHEME=SSHA256): bcrypt at cost 10 costs ~70 ms of blocked event loop per
// hash, too much for fault and load tests. With the Dovecot backend on, the emulator stores {BLF-CRYPT} exactly as
// Mailcow does, because Dovecot then checks real logins against it. Plaintext is never stored or logged.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import bcrypt from "bcryptjs";
import { byteLength, empty, looseStringEquals, strval, type PhpValue } from "./php";

export type PasswordHashScheme = "SSHA256" | "BLF-CRYPT";

/** PHP's password_hash(PASSWORD_BCRYPT) default cost. */
const BCRYPT_COST = 10;

/** Hash prefixes Mailcow accepts as already-hashed input and stores verbatim. */
const PRE_HASHED = /^\{(?:BLF-CRYPT|SHA512-CRYPT|SHA256-CRYPT|SSHA512|SSHA256|SSHA|SHA|MD5-CRYPT|PLAIN-MD5|ARGON2I|ARGON2ID|CRYPT)\}/i;

export function hashPassword(password: string, scheme: PasswordHashScheme = "SSHA256"): string {
  if (PRE_HASHED.test(password)) return password;
  // bcryptjs writes $2b$, PHP writes $2y$: the same algorithm (both fixed the 2a bug), only the label differs.
  if (scheme === "BLF-CRYPT") return `{BLF-CRYPT}${bcrypt.hashSync(password, BCRYPT_COST).replace(/^\$2b\$/, "$2y$")}`;
  const salt = Buffer.from(randomBytes(8).toString("hex"), "utf8");
  const digest = createHash("sha256").update(password, "utf8").update(salt).digest();
  return `{SSHA256}${Buffer.concat([digest, salt]).toString("base64")}`;
}

export function verifyPassword(stored: string, password: string): boolean {
  if (stored.startsWith("{BLF-CRYPT}")) {
    const hash = stored.slice("{BLF-CRYPT}".length);
    // A malformed value (pre-hashed input is stored verbatim) simply never matches.
    return /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash) && bcrypt.compareSync(password, hash);
  }
  if (!stored.startsWith("{SSHA256}")) return false;
  const decoded = Buffer.from(stored.slice("{SSHA256}".length), "base64");
  if (decoded.length <= 32) return false;
  const digest = decoded.subarray(0, 32);
  const salt = decoded.subarray(32);
  const candidate = createHash("sha256").update(password, "utf8").update(salt).digest();
  return timingSafeEqual(digest, candidate);
}

/** The scheme prefix of a stored hash, for assertions that must not see the hash itself. */
export function passwordScheme(stored: string): string {
  return /^\{[A-Z0-9-]+\}/i.exec(stored)?.[0] ?? "";
}

export interface PasswordPolicy {
  length: number;
  chars: number;
  special_chars: number;
  lowerupper: number;
  numbers: number;
}

export const POLICY_KEYS = ["length", "chars", "special_chars", "lowerupper", "numbers"] as const;

/** Seeded by Mailcow's php-fpm entrypoint into Redis PASSWD_POLICY. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { length: 6, chars: 0, special_chars: 0, lowerupper: 0, numbers: 0 };

/** password_complexity('test'): every rule counts bytes / ASCII classes, as PHP's strlen and preg_match do. */
export function meetsPolicy(password: string, policy: PasswordPolicy): boolean {
  if (byteLength(password) < policy.length) return false;
  if (policy.chars && !/[A-Za-z]/.test(password)) return false;
  if (policy.numbers && !/[0-9]/.test(password)) return false;
  if (policy.special_chars && !/[^A-Za-z0-9]/.test(password)) return false;
  if (policy.lowerupper && !(/[a-z]/.test(password) && /[A-Z]/.test(password))) return false;
  return true;
}

export type PasswordCheck = { ok: true; password: string } | { ok: false; msg: "password_complexity" | "password_mismatch" };

/** password_check($password1, $password2): both required, loosely equal (PHP `!=`), then the policy. */
export function checkPasswordPair(
  password: PhpValue | undefined,
  password2: PhpValue | undefined,
  policy: PasswordPolicy,
): PasswordCheck {
  if (empty(password) || empty(password2)) return { ok: false, msg: "password_complexity" };
  const first = strval(password);
  if (!looseStringEquals(first, strval(password2))) return { ok: false, msg: "password_mismatch" };
  if (!meetsPolicy(first, policy)) return { ok: false, msg: "password_complexity" };
  return { ok: true, password: first };
}

/** The danger entry both add and edit emit for policy failures (measured: not the mailbox log shape). */
export function passwordCheckEntry(msg: "password_complexity" | "password_mismatch") {
  return { type: "danger" as const, log: ["password_check", null, null], msg };
}

// Texts from Mailcow's lang.en-gb.json ("admin" section); only the length line is confirmed by a recording.
const POLICY_TEXT: Record<keyof PasswordPolicy, (value: number) => string> = {
  length: (value) => `Minimum password length is ${value}`,
  chars: () => "Must contain at least one alphabetic character",
  special_chars: () => "Must contain special characters",
  lowerupper: () => "Must contain lowercase and uppercase characters",
  numbers: () => "Must contain at least one number",
};

/** password_complexity('html'). */
export function policyHtml(policy: PasswordPolicy): string {
  const lines = POLICY_KEYS.filter((key) => policy[key] !== 0).map((key) => POLICY_TEXT[key](policy[key]));
  return `<p class="help-block small">- ${lines.join("<br>- ")}</p>`;
}
