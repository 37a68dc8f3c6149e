// Two-factor sign-in with TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits, as every authenticator app
// expects) and one-time recovery codes.
// - The secret is sealed at rest with MAILBOX_SECRET_KEY (AES-256-GCM, bound to the user), never returned after setup.
// - A code is accepted for the current step and one step either side (clock drift), and each step only once.
// - Recovery codes are 80-bit random values stored as SHA-256 (docs/decisions/009-account-security.md).
import { createHash, randomBytes } from "node:crypto";
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { createTOTPKeyURI, generateHOTP } from "@oslojs/otp";
import type { Db } from "../db/open-database";
import type { Sealer } from "../provisioning/seal";

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one. */
const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 10;
const ISSUER = "Platform Mail";

interface TotpRow {
  user_id: string;
  sealed_secret: string;
  enabled_at: number | null;
  last_step: number | null;
}

export interface TotpSetup {
  /** Base32, for typing into an app by hand. */
  secret: string;
  /** otpauth:// URI, for the QR code. */
  uri: string;
}

export type EnableResult = { ok: true; recoveryCodes: string[] } | { ok: false; reason: "not_set_up" | "already_enabled" | "wrong_code" };
/** "missing": TOTP is on and no code was given; "wrong": a code was given and it is not valid (or already used). */
export type SecondFactor = "not_enabled" | "ok" | "missing" | "wrong";

/** The code an authenticator app shows at `nowMs` for this key (tests compute codes with it). */
export function totpCode(key: Uint8Array, nowMs: number): string {
  return generateHOTP(key, BigInt(Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS)), TOTP_DIGITS);
}

/** "abcd efgh…" or "ABCD-EFGH-…" → the canonical form the hash is taken of. */
export function normalizeRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, "");
}

const hashRecoveryCode = (code: string) => createHash("sha256").update(normalizeRecoveryCode(code), "utf8").digest("hex");

function newRecoveryCode(): string {
  // 10 random bytes = 80 bits = 16 base32 characters, shown in groups of four.
  return encodeBase32UpperCaseNoPadding(randomBytes(10)).match(/.{4}/g)!.join("-");
}

export function createTotpStore({ db, sealer, now }: { db: Db; sealer: Sealer; now: () => number }) {
  const get = db.prepare<[string], TotpRow>("SELECT user_id, sealed_secret, enabled_at, last_step FROM user_totp WHERE user_id = ?");
  const upsertPending = db.prepare(
    `INSERT INTO user_totp (user_id, sealed_secret, enabled_at, last_step, created_at) VALUES (?, ?, NULL, NULL, ?)
     ON CONFLICT(user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret, enabled_at = NULL, last_step = NULL,
       created_at = excluded.created_at WHERE user_totp.enabled_at IS NULL`,
  );
  const markEnabled = db.prepare("UPDATE user_totp SET enabled_at = ?, last_step = ? WHERE user_id = ? AND enabled_at IS NULL");
  // Only a later step: the same code (or an older one) never counts twice.
  const useStep = db.prepare("UPDATE user_totp SET last_step = ? WHERE user_id = ? AND (last_step IS NULL OR last_step < ?)");
  const remove = db.prepare("DELETE FROM user_totp WHERE user_id = ?");
  const removeCodes = db.prepare("DELETE FROM user_recovery_code WHERE user_id = ?");
  const insertCode = db.prepare("INSERT INTO user_recovery_code (user_id, code_hash, used_at) VALUES (?, ?, NULL)");
  const useCode = db.prepare("UPDATE user_recovery_code SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL");
  const codesLeft = db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM user_recovery_code WHERE user_id = ? AND used_at IS NULL");

  const bound = (userId: string) => `totp:${userId}`;
  const keyOf = (row: TotpRow): Uint8Array | null => {
    const secret = sealer.open(row.sealed_secret, bound(row.user_id));
    return secret ? decodeBase32IgnorePadding(secret) : null;
  };

  /** The step a code belongs to (within the window), or null. */
  function matchingStep(key: Uint8Array, code: string): number | null {
    if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) return null;
    const current = Math.floor(now() / 1000 / TOTP_PERIOD_SECONDS);
    for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
      if (generateHOTP(key, BigInt(step), TOTP_DIGITS) === code) return step;
    }
    return null;
  }

  const store = {
    isEnabled: (userId: string) => get.get(userId)?.enabled_at != null,

    status(userId: string) {
      const enabled = store.isEnabled(userId);
      return { enabled, recoveryCodesLeft: enabled ? (codesLeft.get(userId)?.n ?? 0) : 0 };
    },

    /** A new secret waiting for its first code; null when TOTP is already on (disable it first). */
    setup(userId: string, accountName: string): TotpSetup | null {
      if (store.isEnabled(userId)) return null;
      const key = randomBytes(20);
      const secret = encodeBase32UpperCaseNoPadding(key);
      const changed = upsertPending.run(userId, sealer.seal(secret, bound(userId)), now()).changes;
      if (changed !== 1) return null;
      return { secret, uri: createTOTPKeyURI(ISSUER, accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS) };
    },

    /** Confirms the pending secret with a code from the app; answers the recovery codes (shown once). */
    enable(userId: string, code: string): EnableResult {
      const row = get.get(userId);
      if (!row) return { ok: false, reason: "not_set_up" };
      if (row.enabled_at !== null) return { ok: false, reason: "already_enabled" };
      const key = keyOf(row);
      const step = key ? matchingStep(key, code) : null;
      if (step === null) return { ok: false, reason: "wrong_code" };
      const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
      const enabled = db.transaction(() => {
        if (markEnabled.run(now(), step, userId).changes !== 1) return false;
        removeCodes.run(userId);
        for (const c of recoveryCodes) insertCode.run(userId, hashRecoveryCode(c));
        return true;
      })();
      return enabled ? { ok: true, recoveryCodes } : { ok: false, reason: "already_enabled" };
    },

    /** A TOTP code for an enabled user; a valid code is used up (its step cannot be used again). */
    verifyCode(userId: string, code: string): boolean {
      const row = get.get(userId);
      if (!row || row.enabled_at === null) return false;
      const key = keyOf(row);
      const step = key ? matchingStep(key, code) : null;
      return step !== null && useStep.run(step, userId, step).changes === 1;
    },

    /** A recovery code; each works once. */
    useRecoveryCode(userId: string, code: string): boolean {
      if (!store.isEnabled(userId)) return false;
      return useCode.run(now(), userId, hashRecoveryCode(code)).changes === 1;
    },

    /** The second step of a sign-in (or of a sensitive action): a TOTP code or a recovery code. */
    check(userId: string, input: { totp?: string | undefined; recoveryCode?: string | undefined }): SecondFactor {
      if (!store.isEnabled(userId)) return "not_enabled";
      if (input.totp) return store.verifyCode(userId, input.totp) ? "ok" : "wrong";
      if (input.recoveryCode) return store.useRecoveryCode(userId, input.recoveryCode) ? "ok" : "wrong";
      return "missing";
    },

    disable(userId: string): void {
      db.transaction(() => {
        remove.run(userId);
        removeCodes.run(userId);
      })();
    },
  };
  return store;
}
export type TotpStore = ReturnType<typeof createTotpStore>;
