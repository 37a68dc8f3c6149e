// Shared shapes of the emulated business functions (Mailcow's mailbox(), password_complexity(), …): who is calling,
// what a write produces ($_SESSION['return'] entries), and what a read produces (pretty JSON or a literal).
import { DEFAULT_PASSWORD_POLICY, POLICY_KEYS, type PasswordPolicy } from "./password";
import { isAssoc, isset, type PhpAssoc, type PhpValue } from "./php";
import type { EmulatorStore } from "./store";

export const MIB = 1_048_576;

/** One element of Mailcow's `$_SESSION['return']`. */
export interface Entry {
  type: "success" | "danger" | "warning";
  log?: unknown[];
  msg: string | unknown[];
}

/**
 * What a write function leaves behind. With no entries json_api.php prints a generic object depending on the return
 * value: `false` → "Cannot add item" (…), anything else → "Task completed". `fatal` is a PHP error → empty body.
 */
export type WriteResult = { kind: "entries"; entries: Entry[]; returned: boolean | null } | { kind: "fatal" };

/** What a read produces: a value json_api.php pretty-prints, or a literal it echoes (`{}`, `[]`, ''). */
export type ReadResult = { kind: "json"; value: unknown } | { kind: "literal"; body: string };

/** The API caller after authentication: an API key runs as admin; no key is an anonymous web session. */
export type Role = "admin" | "anonymous";

export interface ApiContext {
  store: EmulatorStore;
  role: Role;
  /** Mailcow's DATETIME format, server local time. */
  now(): string;
  /** time(): Unix seconds. */
  unixNow(): number;
  /** What GET /get/status/version reports. */
  version: string;
  /** The local part of a new time-limited alias (Mailcow: two random "readable" words joined by a dot). */
  spamAliasLocalPart(): string;
  policy(): PasswordPolicy;
  setPolicy(policy: PasswordPolicy): void;
  /** hash_password(): {SSHA256}, or {BLF-CRYPT} as Mailcow stores it when the Dovecot backend is on. */
  hashPassword(password: string): string;
  /** Unix seconds of the mailbox's last IMAP login as Dovecot recorded it; 0 when unknown (no Dovecot backend). */
  lastImapLogin(username: string): number;
}

export function entries(list: Entry[], returned: boolean | null = null): WriteResult {
  return { kind: "entries", entries: list, returned };
}

/** `process_get_return($data)`: empty data prints '{}' (or '[]' for list endpoints), anything else pretty JSON. */
export function getReturn(data: unknown, emptyLiteral: "{}" | "[]" = "{}"): ReadResult {
  const isEmpty =
    data === null ||
    data === undefined ||
    data === false ||
    (Array.isArray(data) && data.length === 0) ||
    (isAssoc(data as PhpValue) && Object.keys(data as object).length === 0);
  return isEmpty ? { kind: "literal", body: emptyLiteral } : { kind: "json", value: data };
}

const MASKED_KEYS = new Set(["password", "password2", "app_passwd", "app_passwd2"]);

/**
 * The request data as echoed in `log[3]`, passwords replaced by "*". Mailcow masks only top-level keys (a body wrapped
 * in {"attr": …} is echoed in clear text); the emulator masks at every depth because it must never echo a password.
 */
export function maskedLog(data: PhpValue | PhpAssoc | undefined): PhpValue {
  if (data === undefined) return null;
  if (Array.isArray(data)) return data.map((item) => maskedLog(item));
  if (!isAssoc(data)) return data;
  const out: PhpAssoc = {};
  for (const [key, value] of Object.entries(data)) {
    out[key] = MASKED_KEYS.has(key) && isset(value) ? "*" : maskedLog(value);
  }
  return out;
}

export function formatDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

const POLICY_SETTING = "password_policy";

/** The password policy lives where Mailcow keeps its Redis hash: here, a settings row. */
export function readPolicy(store: EmulatorStore): PasswordPolicy {
  const raw = store.getSetting(POLICY_SETTING);
  if (!raw) return { ...DEFAULT_PASSWORD_POLICY };
  const parsed = JSON.parse(raw) as Partial<PasswordPolicy>;
  const policy = { ...DEFAULT_PASSWORD_POLICY };
  for (const key of POLICY_KEYS) if (typeof parsed[key] === "number") policy[key] = parsed[key];
  return policy;
}

export function writePolicy(store: EmulatorStore, policy: PasswordPolicy): void {
  store.setSetting(POLICY_SETTING, JSON.stringify(policy));
}

export function hasPolicy(store: EmulatorStore): boolean {
  return store.getSetting(POLICY_SETTING) !== null;
}
