// Zero-typing phone set-up: the Mail page asks for a link (shown as a QR code); the phone opens it once within
// DEVICE_SETUP_TTL_MINUTES and gets a NEW app password (IMAP + SMTP) named after the device, inside an Apple profile
// or on a page to copy from. The token is 256 random bits; only its SHA-256 is stored, and it is spent on first use,
// so nothing in the link is a secret afterwards.
import { createHash, randomBytes } from "node:crypto";
import Bowser from "bowser";
import type { DeviceSetupStart } from "../../shared/schemas/mail-access";
import type { AccountRow } from "../auth/accounts";
import { ok, type Result } from "../mailbox/problems";
import type { MailFeatureDeps } from "./aliases";
import type { AppPasswordsFeature } from "./app-passwords";

export const DEVICE_SETUP_PATH = "/mail/device/";
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export type DeviceKind = "apple" | "other";

/** The device as its User-Agent says: Apple devices get a profile, others a page. And a name for the app password. */
export function describeDevice(userAgent: string | null, at: number): { kind: DeviceKind; label: string } {
  const parsed = userAgent ? Bowser.parse(userAgent) : null;
  const os = parsed?.os.name ?? "";
  const type = parsed?.platform.type ?? "";
  const model = parsed?.platform.model ?? "";
  const apple = os === "iOS" || os === "macOS" || os === "iPadOS";
  let device: string;
  if (model && /^(iPhone|iPad|iPod)$/.test(model)) device = model;
  else if (os === "macOS") device = "Mac";
  else if (os) device = `${os} ${type === "tablet" ? "tablet" : type === "mobile" ? "phone" : "device"}`;
  else device = "Device";
  return { kind: apple ? "apple" : "other", label: `${device} · ${new Date(at).toISOString().slice(0, 10)}` };
}

export type DeviceSetupOutcome =
  | { kind: "ready"; userId: string; username: string; device: DeviceKind; address: string; displayName: string; password: string; appPasswordName: string; appPasswordId: number }
  /** Unknown, expired or used: the same answer for each (410), so the link tells nobody which. */
  | { kind: "gone" }
  /** Mailcow could not make the app password: the link stays usable until it expires. */
  | { kind: "unavailable" };

interface TokenRow {
  token_hash: string;
  user_id: string;
  expires_at: number;
  used_at: number | null;
}

export function createDeviceSetup(
  deps: Pick<MailFeatureDeps, "db" | "config" | "mailboxes" | "now"> & {
    appPasswords: Pick<AppPasswordsFeature, "createFor">;
    findAccount: (userId: string) => Pick<AccountRow, "username" | "display_name" | "deleted_at"> | null;
  },
) {
  const { db, now, config } = deps;
  const insert = db.prepare("INSERT INTO device_setup_token (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)");
  const sweep = db.prepare("DELETE FROM device_setup_token WHERE expires_at < ?");
  const find = db.prepare<[string], TokenRow>("SELECT token_hash, user_id, expires_at, used_at FROM device_setup_token WHERE token_hash = ?");
  const spend = db.prepare("UPDATE device_setup_token SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?");
  const unspend = db.prepare("UPDATE device_setup_token SET used_at = NULL WHERE token_hash = ?");
  const ttlMs = () => config.DEVICE_SETUP_TTL_MINUTES * 60_000;

  return {
    /** A new single-use link for the user's own active mailbox. */
    async start(userId: string): Promise<Result<DeviceSetupStart>> {
      return deps.mailboxes.withOwnedMailbox(userId, async () => {
        const at = now();
        // Spent and expired links are kept a day (for the 410 page), then dropped.
        sweep.run(at - 86_400_000);
        const token = randomBytes(32).toString("base64url");
        const expiresAt = at + ttlMs();
        insert.run(hashToken(token), userId, at, expiresAt);
        const path = `${DEVICE_SETUP_PATH}${token}`;
        const origin = config.APP_ORIGIN ? new URL(config.APP_ORIGIN).origin : null;
        return ok({ path, url: origin ? `${origin}${path}` : null, expiresAt: new Date(expiresAt).toISOString(), ttlSeconds: Math.round(ttlMs() / 1000) });
      });
    },

    /** Spends the token and makes the device's app password. */
    async consume(token: string, userAgent: string | null): Promise<DeviceSetupOutcome> {
      if (!TOKEN.test(token)) return { kind: "gone" };
      const hash = hashToken(token);
      const row = find.get(hash);
      const at = now();
      if (!row || spend.run(at, hash, at).changes !== 1) return { kind: "gone" };
      const account = deps.findAccount(row.user_id);
      if (!account || account.deleted_at !== null) return { kind: "gone" };
      const device = describeDevice(userAgent, at);
      const made = await deps.mailboxes.withOwnedMailbox(row.user_id, async (owned) => {
        const created = await deps.appPasswords.createFor(owned.address, device.label, ["imap", "smtp"]);
        return created.ok ? ok({ address: owned.address, ...created.value }) : created;
      });
      if (!made.ok) {
        if (made.problem.kind === "not_active") return { kind: "gone" };
        // No password was issued: the link may be tried again while it lasts.
        unspend.run(hash);
        return { kind: "unavailable" };
      }
      return {
        kind: "ready",
        userId: row.user_id,
        username: account.username,
        device: device.kind,
        address: made.value.address,
        displayName: account.display_name ?? account.username,
        password: made.value.password,
        appPasswordName: made.value.appPassword.name,
        appPasswordId: made.value.appPassword.id,
      };
    },
  };
}
export type DeviceSetupFeature = ReturnType<typeof createDeviceSetup>;

