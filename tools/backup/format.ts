// The backup file format (one file, `.pmbak`):
//
//   PLATFORM-MAIL-BACKUP/1\n        magic line
//   {"manifest":{…},…}\n            header: one line of JSON (below)
//   <payloadBytes bytes>            gzip of the SQLite database file; AES-256-GCM-encrypted when `encryption` is set
//
// The header carries the manifest (app version, creation time, schema version = PRAGMA user_version, row counts
// per table, size and SHA-256 of the database file), the SHA-256 and length of the payload (corruption and
// truncation are found before anything is decompressed), and for encrypted backups the scrypt parameters, salt,
// IV, GCM tag and a key check (a wrong passphrase is told apart from a damaged file). The manifest stays readable
// without the passphrase (row counts, not contents) and is authenticated as GCM associated data.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { promisify } from "node:util";
import { gunzip as gunzipCallback, gzip as gzipCallback } from "node:zlib";
import { z } from "zod";

const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);
const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: ScryptOptions) => Promise<Buffer>;

export const MAGIC = "PLATFORM-MAIL-BACKUP/1\n";
export const EXTENSION = ".pmbak";
/** The header line is small (a manifest of a few tables); anything longer is not a header. */
const MAX_HEADER_BYTES = 64 * 1024;

/** A backup that cannot be used: corrupt, truncated, wrong passphrase, unknown schema. The message says which. */
export class BackupError extends Error {
  constructor(
    message: string,
    readonly code: "not_a_backup" | "damaged" | "truncated" | "passphrase_needed" | "wrong_passphrase" | "schema_too_new" | "inconsistent",
  ) {
    super(message);
    this.name = "BackupError";
  }
}

export const ManifestSchema = z.object({
  app: z.literal("platform-mail"),
  appVersion: z.string(),
  createdAt: z.iso.datetime(),
  schemaVersion: z.number().int().min(0),
  tables: z.record(z.string(), z.number().int().min(0)),
  databaseBytes: z.number().int().positive(),
  databaseSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Manifest = z.infer<typeof ManifestSchema>;

const b64 = z.base64();
const EncryptionSchema = z.object({
  cipher: z.literal("aes-256-gcm"),
  kdf: z.literal("scrypt"),
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
  salt: b64,
  iv: b64,
  tag: b64,
  keyCheck: b64,
});

const HeaderSchema = z.object({
  manifest: ManifestSchema,
  compression: z.literal("gzip"),
  encryption: EncryptionSchema.nullable(),
  payloadBytes: z.number().int().positive(),
  payloadSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Header = z.infer<typeof HeaderSchema>;

/** OWASP's scrypt minimum (N=2^17, r=8, p=1): 128 MiB and a few hundred ms per derivation, once per backup. */
export const SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;

export const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

async function deriveKeys(passphrase: string, salt: Buffer, params: ScryptCost) {
  const bytes = await scrypt(passphrase, salt, 64, { ...params, maxmem: 256 * params.N * params.r + 32 * 1024 * 1024 });
  return { cipherKey: bytes.subarray(0, 32), checkKey: bytes.subarray(32) };
}
const keyCheck = (checkKey: Buffer) => createHmac("sha256", checkKey).update("platform-mail backup key check").digest();

export type ScryptCost = { N: number; r: number; p: number };

/** Packs a database file into the container (`cost`: scrypt's, stored in the header; lower only in tests). */
export async function pack(database: Buffer, manifest: Manifest, passphrase: string | null, cost: ScryptCost = SCRYPT): Promise<Buffer> {
  const compressed = await gzip(database, { level: 9 });
  let payload = compressed;
  let encryption: Header["encryption"] = null;
  if (passphrase !== null) {
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const { cipherKey, checkKey } = await deriveKeys(passphrase, salt, cost);
    const cipher = createCipheriv("aes-256-gcm", cipherKey, iv);
    cipher.setAAD(Buffer.from(JSON.stringify(manifest)));
    payload = Buffer.concat([cipher.update(compressed), cipher.final()]);
    encryption = {
      cipher: "aes-256-gcm",
      kdf: "scrypt",
      ...cost,
      salt: salt.toString("base64"),
      iv: iv.toString("base64"),
      tag: cipher.getAuthTag().toString("base64"),
      keyCheck: keyCheck(checkKey).toString("base64"),
    };
  }
  const header: Header = { manifest, compression: "gzip", encryption, payloadBytes: payload.length, payloadSha256: sha256(payload) };
  return Buffer.concat([Buffer.from(MAGIC), Buffer.from(`${JSON.stringify(header)}\n`), payload]);
}

/** Reads and checks the magic line and the header; the payload is what follows. */
export function readHeader(file: Buffer): { header: Header; payload: Buffer } {
  if (file.length < MAGIC.length || file.subarray(0, MAGIC.length).toString("latin1") !== MAGIC) {
    throw new BackupError("This is not a Platform Mail backup (the file does not start with PLATFORM-MAIL-BACKUP/1)", "not_a_backup");
  }
  const end = file.indexOf(0x0a, MAGIC.length);
  if (end < 0 || end - MAGIC.length > MAX_HEADER_BYTES) {
    throw new BackupError("The backup is truncated or damaged: its header is incomplete", end < 0 ? "truncated" : "damaged");
  }
  let header: Header;
  try {
    header = HeaderSchema.parse(JSON.parse(file.subarray(MAGIC.length, end).toString("utf8")));
  } catch {
    throw new BackupError("The backup is damaged: its header is not valid", "damaged");
  }
  const payload = file.subarray(end + 1);
  if (payload.length < header.payloadBytes) {
    throw new BackupError(
      `The backup is truncated: ${payload.length} of ${header.payloadBytes} payload bytes are there (an interrupted copy?)`,
      "truncated",
    );
  }
  if (payload.length > header.payloadBytes) {
    throw new BackupError(`The backup is damaged: ${payload.length - header.payloadBytes} unexpected bytes after the payload`, "damaged");
  }
  if (sha256(payload) !== header.payloadSha256) {
    throw new BackupError("The backup is damaged: the payload's SHA-256 checksum does not match the header", "damaged");
  }
  return { header, payload };
}

/** Checks everything and returns the database file's bytes. */
export async function unpack(file: Buffer, passphrase: string | null): Promise<{ manifest: Manifest; database: Buffer; encrypted: boolean }> {
  const { header, payload } = readHeader(file);
  let compressed = payload;
  if (header.encryption) {
    const enc = header.encryption;
    if (passphrase === null) {
      throw new BackupError("The backup is encrypted: give its passphrase with --passphrase-file <file> or BACKUP_PASSPHRASE", "passphrase_needed");
    }
    const { cipherKey, checkKey } = await deriveKeys(passphrase, Buffer.from(enc.salt, "base64"), enc);
    const expected = Buffer.from(enc.keyCheck, "base64");
    const actual = keyCheck(checkKey);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      throw new BackupError("Wrong passphrase: the backup cannot be decrypted with it", "wrong_passphrase");
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", cipherKey, Buffer.from(enc.iv, "base64"));
      decipher.setAAD(Buffer.from(JSON.stringify(header.manifest)));
      decipher.setAuthTag(Buffer.from(enc.tag, "base64"));
      compressed = Buffer.concat([decipher.update(payload), decipher.final()]);
    } catch {
      throw new BackupError("The backup is damaged: decryption failed its integrity check (the manifest or payload was altered)", "damaged");
    }
  }
  let database: Buffer;
  try {
    database = await gunzip(compressed);
  } catch {
    throw new BackupError("The backup is damaged: the compressed database cannot be read", "damaged");
  }
  if (database.length !== header.manifest.databaseBytes || sha256(database) !== header.manifest.databaseSha256) {
    throw new BackupError("The backup is damaged: the database's SHA-256 checksum does not match the manifest", "damaged");
  }
  return { manifest: header.manifest, database, encrypted: header.encryption !== null };
}
