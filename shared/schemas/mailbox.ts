import { z } from "zod";
import { PasswordSchema } from "./auth";

/** What a user can be told about their mailbox (see docs/provisioning.md for the transitions). */
export const MAILBOX_STATES = [
  "provisioning", // being created right now
  "active",
  "pending", // creation failed for a passing reason; retried automatically
  "failed", // Mailcow refused for good (quota, policy): a person must act
  "needs_password", // the retry window passed: the user sets a password to try again
  "conflict", // the address belongs to a mailbox this platform did not create
  "disabled", // deactivated in Mailcow
  "deleting", // the account is being deleted
  "none", // no mailbox record (e.g. created before provisioning existed)
] as const;
export const MailboxStateSchema = z.enum(MAILBOX_STATES);
export type MailboxState = z.infer<typeof MailboxStateSchema>;

/** Why a mailbox is in its state; each has words in shared/i18n/mailbox.ts. */
export const MAILBOX_REASONS = [
  "creating",
  "mailcow_unreachable",
  "mailcow_error",
  "mailcow_auth",
  "mailcow_busy",
  "password_policy",
  "domain_full",
  "quota_exceeded",
  "mail_config",
  "address_taken",
  "retry_window_passed",
  "password_missing",
  "disabled_in_mailcow",
  "removed_in_mailcow",
  "account_deleted",
  "unexpected",
] as const;
export const MailboxReasonSchema = z.enum(MAILBOX_REASONS);
export type MailboxReason = z.infer<typeof MailboxReasonSchema>;

export const SecuritySchema = z.enum(["ssl", "starttls", "none"]);
export const ServerSettingsSchema = z.object({
  host: z.string(),
  port: z.number().int(),
  security: SecuritySchema,
  username: z.string(),
});
export type ServerSettings = z.infer<typeof ServerSettingsSchema>;

export const ClientSettingsSchema = z.object({
  webmailUrl: z.string(),
  imap: ServerSettingsSchema,
  smtp: ServerSettingsSchema,
});
export type ClientSettings = z.infer<typeof ClientSettingsSchema>;

const isoDate = z.string().nullable();

export const MailboxLiveSchema = z.object({
  active: z.boolean(),
  quotaBytes: z.number(),
  usedBytes: z.number(),
  /** null when the quota is unlimited. */
  percentUsed: z.number().nullable(),
  messages: z.number(),
  forcePasswordChange: z.boolean(),
  lastImapLogin: isoDate,
  lastSmtpLogin: isoDate,
  lastWebmailLogin: isoDate,
  name: z.string(),
});
export type MailboxLive = z.infer<typeof MailboxLiveSchema>;

/** How full the mailbox is against QUOTA_WARN_PERCENT / QUOTA_CRITICAL_PERCENT; null below both (or unlimited). */
export const QuotaAlertSchema = z.enum(["warning", "critical"]).nullable();
export type QuotaAlert = z.infer<typeof QuotaAlertSchema>;

export const MailboxInfoSchema = z.object({
  state: MailboxStateSchema,
  reason: MailboxReasonSchema.nullable(),
  /** The reason in the request's language, for API callers; the UI translates `reason` itself. */
  reasonText: z.string().nullable(),
  address: z.string(),
  /** Live figures from Mailcow; null while there is no mailbox or Mailcow cannot be reached. */
  live: MailboxLiveSchema.nullable(),
  /** True when Mailcow could not be asked just now (the state shown is the stored one). */
  liveUnavailable: z.boolean(),
  /** The live figures cross a quota threshold: the Mail page shows what to do. */
  quotaAlert: QuotaAlertSchema,
  /** When the next automatic attempt is due (pending). */
  nextAttemptAt: isoDate,
  attempts: z.number().int(),
  /** When the mailbox will be deleted for good (deleting). */
  deleteAfter: isoDate,
  settings: ClientSettingsSchema,
  demo: z.boolean(),
  /**
   * "unavailable" while the platform has paused every call to the mail server (it refused the platform's API key):
   * a problem of the platform, not of this mailbox.
   */
  mailServer: z.enum(["ok", "unavailable"]).optional(),
  /**
   * In demo mode with the mailstack, which of its services run (real IMAP, receiving over LMTP, SMTP submission);
   * null in the plain demo (simulated mailboxes) and outside demo mode.
   */
  demoMailstack: z.object({ imap: z.boolean(), lmtp: z.boolean(), smtp: z.boolean() }).nullable(),
  /** Out-of-office when it is on (from the platform's own settings, no Mailcow call): its last day, or null for open-ended. */
  vacation: z.object({ until: z.string().nullable() }).nullable().optional(),
});
export type MailboxInfo = z.infer<typeof MailboxInfoSchema>;

export const CreateMailboxSchema = z.object({ password: PasswordSchema });
export type CreateMailboxInput = z.infer<typeof CreateMailboxSchema>;

export const UpdateMailboxPasswordSchema = z.object({ newPassword: PasswordSchema });
export type UpdateMailboxPasswordInput = z.infer<typeof UpdateMailboxPasswordSchema>;

/** Mailcow's live password policy, as the forms show it. */
export const LivePasswordPolicySchema = z.object({
  minLength: z.number().int(),
  letters: z.boolean(),
  digits: z.boolean(),
  special: z.boolean(),
  lowerUpper: z.boolean(),
  /** False when Mailcow could not be asked: the platform policy alone applies for now. */
  available: z.boolean(),
});
export type LivePasswordPolicy = z.infer<typeof LivePasswordPolicySchema>;

/** mailbox.checkLogin: the mailbox password to try as typed (no policy: it checks an existing one). Never echoed. */
export const CheckLoginSchema = z.object({
  password: z.string({ error: "password.required" }).min(1, "password.required").max(1024),
});
export type CheckLoginInput = z.infer<typeof CheckLoginSchema>;

/** What an IMAP login with that password gave; words in shared/i18n/mailbox.ts (CHECK_LOGIN_TEXT). */
export const CHECK_LOGIN_RESULTS = [
  "ok", // logged in (and out again)
  "wrong_password", // the server refused the login (wrong password, or the mailbox may not log in)
  "unreachable", // no connection, no greeting or no answer in time
  "tls_error", // the TLS handshake or the certificate check failed
  "paused", // not tried: this server made too many failed mail logins lately (the mail server would ban it)
] as const;
export const CheckLoginResultSchema = z.object({
  result: z.enum(CHECK_LOGIN_RESULTS),
  /** From connecting to the answer to the login. */
  elapsedMs: z.number().int(),
  /** Where the check went: the IMAP settings the Mail page shows. */
  host: z.string(),
  port: z.number().int(),
  security: SecuritySchema,
  /** For "paused": when to try again. */
  retryAfterSeconds: z.number().int().optional(),
  /** True in the plain demo: the emulator checked the password (there is no IMAP server to log in to). */
  simulated: z.boolean().optional(),
});
export type CheckLoginResult = z.infer<typeof CheckLoginResultSchema>;
