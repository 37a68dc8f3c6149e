// Sealing of sign-up passwords while their mailbox is not yet created (the worker needs them to retry).
// AES-256-GCM with a random 96-bit IV; the user id is bound as associated data, so a sealed value copied
// to another row does not open. Format: "v1.<iv>.<ciphertext>.<tag>", base64url parts.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { decodeSecretKey } from "../env";

export interface Sealer {
  seal(plaintext: string, boundTo: string): string;
  /** null when the value was sealed with another key or for another row, or was tampered with. */
  open(sealed: string, boundTo: string): string | null;
}

export function createSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new RangeError("the sealing key must be 32 bytes");
  return {
    seal(plaintext, boundTo) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(boundTo, "utf8"));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return ["v1", iv, body, cipher.getAuthTag()].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
    },
    open(sealed, boundTo) {
      const [version, iv, body, tag] = sealed.split(".");
      if (version !== "v1" || !iv || body === undefined || !tag) return null;
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAAD(Buffer.from(boundTo, "utf8"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        return null;
      }
    },
  };
}

/**
 * The configured key, or (outside production) one generated once and kept in the data directory with
 * owner-only permissions, so a development server can restart and still retry its pending mailboxes.
 */
export function loadSealingKey(configured: string | undefined, dataDir: string, inMemory: boolean): Buffer {
  if (configured) {
    const key = decodeSecretKey(configured);
    if (!key) throw new Error("MAILBOX_SECRET_KEY is not 32 bytes");
    return key;
  }
  if (inMemory) return randomBytes(32);
  const file = path.join(dataDir, "mailbox-secret.key");
  if (existsSync(file)) {
    const key = decodeSecretKey(readFileSync(file, "utf8"));
    if (key) return key;
    throw new Error(`${file} does not hold a 32-byte key; remove it to generate a new one (pending sign-ups will need a new password)`);
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return key;
}
