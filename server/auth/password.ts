// Account passwords: argon2id with the OWASP-recommended minimum (m=19456 KiB, t=2, p=1).
import { hash, verify } from "@node-rs/argon2";

// NOTE: argon2id is @node-rs/argon2's default algorithm; its `Algorithm` const enum cannot be imported
// under isolatedModules, so the algorithm is left implicit and pinned by a test on the PHC prefix.
const PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
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
