// Account passwords: argon2id with the OWASP-recommended minimum (m=19456 KiB, t=2, p=1).
import { hash, verify } from "@node-rs/argon2";

// NOTE: argon2id is @node-rs/argon2's default algorithm; its `Algorithm` const enum cannot be imported
// under isolatedModules, so the algorithm is left implicit and pinned by a test on the PHC prefix.
const PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

/**
 * A password the platform GENERATED (a bulk import's one-time password, 20 random characters: over 110 bits). The
 * hash cost protects guessable passwords; no cost is needed against guessing 110 random bits, so the light
 * parameters (1 MiB, one pass) keep a 10,000-person import from spending minutes of CPU. verifyPassword reads the
 * parameters from the hash; the person replaces the password at first sign-in and gets the full-cost hash then.
 */
export function hashGeneratedPassword(password: string): Promise<string> {
  return hash(password, { memoryCost: 1024, timeCost: 1, parallelism: 1, outputLen: 32 });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// A real hash of a random string: verifying against it when the user does not exist costs the same
// as a real check, so "unknown user" and "wrong password" cannot be told apart by timing.
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}
