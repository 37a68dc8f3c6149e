// PHP semantics the emulator needs to answer like Mailcow's PHP does: loose value coercion (intval, empty, isset),
// FILTER_VALIDATE_EMAIL, Mailcow's is_valid_domain_name, and json_encode's exact output bytes.
// Request bodies are deliberately NOT parsed with zod: Mailcow accepts "10" for 10, junk for 0 and keeps going, and the
// emulator has to reproduce that looseness rather than reject it.
import { domainToASCII, domainToUnicode } from "node:url";

/** A decoded JSON value as PHP's json_decode($x, true) sees it: objects are associative arrays. */
export type PhpValue = null | boolean | number | string | PhpValue[] | PhpAssoc;
export type PhpAssoc = { [key: string]: PhpValue };

export function isAssoc(value: unknown): value is PhpAssoc {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `$array[$key]` on whatever the client sent: lists and scalars have no string keys. */
export function field(data: PhpValue | undefined, key: string): PhpValue | undefined {
  if (isAssoc(data)) return Object.hasOwn(data, key) ? data[key] : undefined;
  return undefined;
}

/** PHP isset(): present and not null. */
export function isset(value: PhpValue | undefined): boolean {
  return value !== undefined && value !== null;
}

/** PHP empty(): "", "0", 0, false, null, [] (and absent) are empty. */
export function empty(value: PhpValue | undefined): boolean {
  if (value === undefined || value === null || value === false) return true;
  if (value === 0 || value === "" || value === "0") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isAssoc(value)) return Object.keys(value).length === 0;
  return false;
}

const NUMERIC_PREFIX = /^[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

/** PHP intval(): leading numeric prefix of strings ("12abc" → 12, "1e3" → 1000, "abc" → 0), floats truncated. */
export function intval(value: PhpValue | undefined): number {
  if (value === undefined || value === null || value === false) return 0;
  if (value === true) return 1;
  if (typeof value === "number") return Number.isFinite(value) ? clampInt(Math.trunc(value)) : 0;
  if (typeof value === "string") {
    const match = NUMERIC_PREFIX.exec(value);
    if (!match) return 0;
    const n = Number(match[0].trim());
    return Number.isFinite(n) ? clampInt(Math.trunc(n)) : 0;
  }
  if (Array.isArray(value)) return value.length === 0 ? 0 : 1;
  return Object.keys(value).length === 0 ? 0 : 1;
}

function clampInt(n: number): number {
  // PHP ints are 64-bit; JS numbers stay exact up to 2^53, which is far beyond any quota or flag.
  if (n > Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
  if (n < Number.MIN_SAFE_INTEGER) return Number.MIN_SAFE_INTEGER;
  return n === 0 ? 0 : n; // no -0
}

/** PHP strval() for scalars; arrays become "Array" as in PHP (with a warning there). */
export function strval(value: PhpValue | undefined): string {
  if (value === undefined || value === null || value === false) return "";
  if (value === true) return "1";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return value;
  return "Array";
}

/** PHP trim(): strips " \t\n\r\0\x0B" only (not all Unicode whitespace). */
export function phpTrim(value: string, chars = " \t\n\r\0\x0B"): string {
  let start = 0;
  let end = value.length;
  while (start < end && chars.includes(value[start] as string)) start++;
  while (end > start && chars.includes(value[end - 1] as string)) end--;
  return value.slice(start, end);
}

/** PHP 8 strtolower() is ASCII-only. */
export function asciiLower(value: string): string {
  return value.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** PHP 8.1+ htmlspecialchars() with its default flags (ENT_QUOTES | ENT_SUBSTITUTE). */
export function htmlspecialchars(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#039;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

const NUMERIC_STRING = /^[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\r\v\f]*$/;

/** PHP 8 `$a != $b` for two strings: numeric strings compare as numbers ("1e3" == "1000"). */
export function looseStringEquals(a: string, b: string): boolean {
  if (NUMERIC_STRING.test(a) && NUMERIC_STRING.test(b)) return Number(a) === Number(b);
  return a === b;
}

/** PHP round(): half away from zero. */
export function phpRound(n: number): number {
  const r = Math.sign(n) * Math.round(Math.abs(n));
  return r === 0 ? 0 : r;
}

/** PHP strlen(): bytes, not characters. */
export function byteLength(value: string): number {
  return Buffer.byteLength(value, "utf8");
}

/** idn_to_ascii() for the domains Mailcow lowercases and converts; "" where PHP would return false. */
export function idnToAscii(domain: string): string {
  // ASCII input is passed through untouched so that syntax errors reach Mailcow's own checks unchanged.
  if (![...domain].some((c) => c.charCodeAt(0) > 0x7f)) return domain;
  return domainToASCII(domain);
}

export function idnToUtf8(domain: string): string {
  if (!domain.includes("xn--")) return domain;
  return domainToUnicode(domain) || domain;
}

// PHP's FILTER_VALIDATE_EMAIL regular expression (ext/filter/logical_filters.c, non-Unicode variant), verbatim; the
// control characters are part of PHP's RFC 5321 quoted-string grammar.
const PHP_EMAIL =
  // oxlint-disable-next-line no-control-regex
  /^(?!(?:(?:\x22?\x5C[\x00-\x7E]\x22?)|(?:\x22?[^\x5C\x22]\x22?)){255,})(?!(?:(?:\x22?\x5C[\x00-\x7E]\x22?)|(?:\x22?[^\x5C\x22]\x22?)){65,}@)(?:(?:[\x21\x23-\x27\x2A\x2B\x2D\x2F-\x39\x3D\x3F\x5E-\x7E]+)|(?:\x22(?:[\x01-\x08\x0B\x0C\x0E-\x1F\x21\x23-\x5B\x5D-\x7F]|(?:\x5C[\x00-\x7F]))*\x22))(?:\.(?:(?:[\x21\x23-\x27\x2A\x2B\x2D\x2F-\x39\x3D\x3F\x5E-\x7E]+)|(?:\x22(?:[\x01-\x08\x0B\x0C\x0E-\x1F\x21\x23-\x5B\x5D-\x7F]|(?:\x5C[\x00-\x7F]))*\x22)))*@(?:(?:(?!.*[^.]{64,})(?:(?:(?:xn--)?[a-z0-9]+(?:-+[a-z0-9]+)*\.){1,126}){1,}(?:(?:[a-z][a-z0-9]*)|(?:(?:xn--)[a-z0-9]+))(?:-+[a-z0-9]+)*)|(?:\[(?:(?:IPv6:(?:(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){7})|(?:(?!(?:.*[a-f0-9][:\]]){7,})(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,5})?::(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,5})?)))|(?:(?:IPv6:(?:(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){5}:)|(?:(?!(?:.*[a-f0-9]:){5,})(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,3})?::(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,3}:)?)))?(?:(?:25[0-5])|(?:2[0-4][0-9])|(?:1[0-9]{2})|(?:[1-9]?[0-9]))(?:\.(?:(?:25[0-5])|(?:2[0-4][0-9])|(?:1[0-9]{2})|(?:[1-9]?[0-9]))){3}))\]))$/i;

/** filter_var($value, FILTER_VALIDATE_EMAIL) !== false. */
export function isValidEmail(value: PhpValue | undefined): value is string {
  if (typeof value !== "string") return false;
  if (value.length > 320) return false;
  return PHP_EMAIL.test(value);
}

/** Mailcow's is_valid_domain_name() (functions.inc.php). */
export function isValidDomainName(domain: string): boolean {
  if (empty(domain)) return false;
  const ascii = idnToAscii(domain);
  return (
    /^([a-z\d](-*[a-z\d])*)(\.([a-z\d](-*[a-z\d])*))*$/i.test(ascii) &&
    /^.{1,253}$/.test(ascii) &&
    /^[^.]{1,63}(\.[^.]{1,63})*$/.test(ascii)
  );
}

/**
 * json_encode() byte for byte. Writes use the default flags (non-ASCII as \uXXXX, "/" as "\/"); GET bodies use
 * JSON_UNESCAPED_UNICODE | JSON_PRETTY_PRINT (4 spaces, raw UTF-8, "/" still escaped). An empty PHP array encodes as
 * `[]` whether it came from `[]` or `{}`, and an object with keys "0".."n-1" is a list, as PHP arrays are.
 */
export function phpJsonEncode(value: unknown, options: { pretty?: boolean; unescapedUnicode?: boolean } = {}): string {
  const pretty = options.pretty ?? false;
  const unescapedUnicode = options.unescapedUnicode ?? false;

  function encode(v: unknown, depth: number): string {
    if (v === null || v === undefined) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (typeof v === "number") return Number.isFinite(v) ? String(v) : "0";
    if (typeof v === "string") return encodeString(v, unescapedUnicode);
    const entries: [string | null, unknown][] = Array.isArray(v)
      ? v.map((item) => [null, item])
      : Object.entries(v as Record<string, unknown>)
          .filter(([, item]) => item !== undefined)
          .map(([key, item]) => [key, item]);
    const isList = Array.isArray(v) || entries.every(([key], index) => key === String(index));
    if (entries.length === 0) return "[]";
    const open = isList ? "[" : "{";
    const close = isList ? "]" : "}";
    const parts = entries.map(([key, item]) => {
      const encoded = encode(item, depth + 1);
      if (isList) return encoded;
      return `${encodeString(key as string, unescapedUnicode)}${pretty ? ": " : ":"}${encoded}`;
    });
    if (!pretty) return `${open}${parts.join(",")}${close}`;
    const indent = "    ".repeat(depth + 1);
    return `${open}\n${indent}${parts.join(`,\n${indent}`)}\n${"    ".repeat(depth)}${close}`;
  }

  return encode(value, 0);
}

function encodeString(value: string, unescapedUnicode: boolean): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const char = value[i] as string;
    if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (char === "/") out += "\\/";
    else if (code === 0x08) out += "\\b";
    else if (code === 0x0c) out += "\\f";
    else if (code === 0x0a) out += "\\n";
    else if (code === 0x0d) out += "\\r";
    else if (code === 0x09) out += "\\t";
    else if (code < 0x20) out += unicodeEscape(code);
    else if (code < 0x80) out += char;
    // PHP keeps escaping the JavaScript line terminators even with JSON_UNESCAPED_UNICODE.
    else if (unescapedUnicode && code !== 0x2028 && code !== 0x2029) out += char;
    else out += unicodeEscape(code);
  }
  return `${out}"`;
}

function unicodeEscape(code: number): string {
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** json_decode($raw, true), with null for anything PHP cannot decode (malformed JSON or UTF-8, and the literal null). */
export function phpJsonDecode(raw: Buffer | string): PhpValue {
  try {
    const text = typeof raw === "string" ? raw : STRICT_UTF8.decode(raw);
    return JSON.parse(text) as PhpValue;
  } catch {
    return null;
  }
}

/** `(array)$value`: scalars become one-element lists, null becomes an empty array. */
export function toPhpArray(value: PhpValue | undefined): PhpValue[] | PhpAssoc {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value) || isAssoc(value)) return value;
  return [value];
}

/** The values of a PHP array in iteration order (foreach). */
export function phpValues(value: PhpValue[] | PhpAssoc): PhpValue[] {
  return Array.isArray(value) ? value : Object.values(value);
}
