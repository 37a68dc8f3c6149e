import { z } from "zod";

// The account page's procedures: sessions and two-factor sign-in. Messages are validation codes.

/** A 6-digit TOTP code; spaces (as apps show "123 456") are ignored. */
export const TotpCodeSchema = z
  .string({ error: "totp.required" })
  .transform((code) => code.replace(/\s/g, ""))
  .pipe(z.string().min(1, "totp.required").regex(/^\d{6}$/, "totp.format"));

/** A TOTP code or a recovery code (for turning two-factor sign-in off, e.g. with the phone lost). */
export const SecondFactorCodeSchema = z.string({ error: "totp.required" }).trim().min(1, "totp.required").max(64, "totp.invalid");

export const SessionSummarySchema = z.object({
  /** A public handle of the session (not its secret id). */
  sessionId: z.string(),
  /** The session this request came with. */
  current: z.boolean(),
  browser: z.string().nullable(),
  os: z.string().nullable(),
  device: z.enum(["desktop", "mobile", "tablet", "unknown"]),
  ip: z.string().nullable(),
  createdAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  expiresAt: z.string(),
});
export type SessionSummary = z.infer<typeof SessionSummarySchema>;

/** auth.sessions.revoke: one session by its handle, or every session but this one. */
export const RevokeSessionSchema = z.union([
  z.object({ sessionId: z.string().min(1, "session.notFound").max(64, "session.notFound") }).strict(),
  z.literal("others"),
]);
export type RevokeSessionInput = z.infer<typeof RevokeSessionSchema>;

export const TotpStatusSchema = z.object({ enabled: z.boolean(), recoveryCodesLeft: z.number().int() });
export type TotpStatus = z.infer<typeof TotpStatusSchema>;

export const TotpSetupSchema = z.object({
  /** Base32, to type into an app by hand. */
  secret: z.string(),
  /** otpauth:// URI; the page draws it as a QR code. */
  uri: z.string(),
});
export type TotpSetup = z.infer<typeof TotpSetupSchema>;

export const TotpEnableSchema = z.object({
  code: TotpCodeSchema,
  password: z.string({ error: "password.required" }).min(1, "password.required").max(1024, "password.tooLong"),
});
export type TotpEnableInput = z.infer<typeof TotpEnableSchema>;

export const TotpEnableResultSchema = z.object({
  /** Ten one-time codes, shown this once; only their hashes are kept. */
  recoveryCodes: z.array(z.string()),
});

export const TotpDisableSchema = z.object({
  password: z.string({ error: "password.required" }).min(1, "password.required").max(1024, "password.tooLong"),
  code: SecondFactorCodeSchema,
});
export type TotpDisableInput = z.infer<typeof TotpDisableSchema>;
