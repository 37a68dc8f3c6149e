// The admin console's API (admin.* procedures): inputs and answers. Messages are validation codes
// (shared/i18n/validation.ts). Times in answers are ISO strings.
import { z } from "zod";
import { SessionSummarySchema } from "./account";
import { DisplayNameSchema, UsernameSchema } from "./auth";
import { MailboxReasonSchema, MailboxStateSchema } from "./mailbox";

// ---------- registration ----------

/** open: anyone may sign up; invite: only with an invitation; closed: nobody. */
export const REGISTRATION_MODES = ["open", "invite", "closed"] as const;
export const RegistrationModeSchema = z.enum(REGISTRATION_MODES);
export type RegistrationMode = z.infer<typeof RegistrationModeSchema>;

/** An invitation token as it travels in a link (base64url of 32 random bytes). */
export const InvitationTokenSchema = z
  .string({ error: "invitation.invalid" })
  .trim()
  .regex(/^[A-Za-z0-9_-]{22,128}$/, "invitation.invalid");

/** auth.signupInfo: what the sign-up page needs before it shows a form. */
export const SignupInfoInputSchema = z.object({ invitation: z.string().max(200).optional() }).optional();
export const SignupInfoSchema = z.object({
  domain: z.string(),
  mode: RegistrationModeSchema,
  /** Present when an invitation was asked about: usable or not, and the username it fixes (if any). */
  invitation: z
    .object({
      valid: z.boolean(),
      /** Why not: "invitation.invalid" | "invitation.expired" | "invitation.used" | "invitation.revoked". */
      problem: z.string().nullable(),
      username: z.string().nullable(),
      displayName: z.string().nullable(),
      expiresAt: z.string().nullable(),
    })
    .nullable(),
});
export type SignupInfo = z.infer<typeof SignupInfoSchema>;

// ---------- invitations ----------

const InvitationNoteSchema = z.string().trim().max(500, "field.tooLong");

/** One invitation (`{}`, optionally with a username), N blank ones (`{ count }`), or one per name (`{ usernames }`). */
export const CreateInvitationsSchema = z.union([
  z.strictObject({ usernames: z.array(UsernameSchema).min(1, "field.required").max(10_000, "field.tooMany"), note: InvitationNoteSchema.optional() }),
  z.strictObject({ count: z.number().int().min(1).max(10_000, "field.tooMany"), note: InvitationNoteSchema.optional() }),
  z.strictObject({ username: UsernameSchema.optional(), displayName: DisplayNameSchema.optional(), note: InvitationNoteSchema.optional() }),
]);
export type CreateInvitationsInput = z.infer<typeof CreateInvitationsSchema>;

export const INVITATION_STATUSES = ["active", "used", "expired", "revoked"] as const;
export const InvitationStatusSchema = z.enum(INVITATION_STATUSES);

/** Returned once, at creation: the token is not stored (only its hash), so the link cannot be shown again. */
export const CreatedInvitationSchema = z.object({
  id: z.string(),
  username: z.string().nullable(),
  link: z.string(),
  token: z.string(),
  expiresAt: z.string(),
});
export const CreateInvitationsResultSchema = z.object({
  invitations: z.array(CreatedInvitationSchema),
  /** Names refused (taken, reserved, already invited and unused) with the reason code. */
  refused: z.array(z.object({ username: z.string(), code: z.string() })),
});

export const ListInvitationsSchema = z.object({
  status: InvitationStatusSchema.optional(),
  search: z.string().trim().max(100).optional(),
  /** The id of the last invitation of the previous page (newest first). */
  cursor: z.string().max(64).optional(),
  limit: z.number().int().min(1).max(500).default(50),
});
export const InvitationSchema = z.object({
  id: z.string(),
  username: z.string().nullable(),
  displayName: z.string().nullable(),
  note: z.string().nullable(),
  status: InvitationStatusSchema,
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
  usedByUserId: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type Invitation = z.infer<typeof InvitationSchema>;
export const InvitationPageSchema = z.object({ items: z.array(InvitationSchema), nextCursor: z.string().nullable() });

export const RevokeInvitationsSchema = z.object({ ids: z.array(z.string().min(1).max(64)).min(1).max(10_000) });
export const RevokeInvitationsResultSchema = z.object({ revoked: z.number().int(), notRevocable: z.array(z.string()) });

// ---------- mailboxes table ----------

/**
 * The list's filter (also a bulk action's target). `quotaAbovePercent` and `lastLoginBefore` use the latest figures
 * the platform has about each mailbox (the mailbox_figures table: written when an admin opens a person's page, and by
 * the daily usage snapshots); a mailbox without figures never matches them.
 */
export const MailboxFilterSchema = z.object({
  /** Part of the username or display name (case-insensitive for Latin letters); "ada@<domain>" searches "ada". */
  search: z.string().trim().max(200).optional(),
  states: z.array(MailboxStateSchema).max(MailboxStateSchema.options.length).optional(),
  reasons: z.array(MailboxReasonSchema).max(MailboxReasonSchema.options.length).optional(),
  quotaAbovePercent: z.number().min(0).max(1000).optional(),
  /** ISO date or date-time: mailboxes whose last login (IMAP/SMTP/POP3/SSO, the latest) is before it, or never. */
  lastLoginBefore: z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: "field.invalid" }).optional(),
  admin: z.boolean().optional(),
  /** Include accounts being deleted (default: yes). */
  includeDeleted: z.boolean().optional(),
});
export type MailboxFilter = z.infer<typeof MailboxFilterSchema>;

/**
 * Sorting by a mailbox column (state, updatedAt) lists the accounts that have a mailbox row; by a figure (quotaUse,
 * lastLogin), the mailboxes with figures (each sort walks that table's index).
 */
export const ADMIN_SORT_FIELDS = ["username", "displayName", "createdAt", "state", "updatedAt", "quotaUse", "lastLogin"] as const;
export const ListMailboxesSchema = z.object({
  filter: MailboxFilterSchema.default({}),
  sort: z.object({ field: z.enum(ADMIN_SORT_FIELDS), dir: z.enum(["asc", "desc"]).default("asc") }).default({ field: "username", dir: "asc" }),
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ListMailboxesInput = z.input<typeof ListMailboxesSchema>;

export const AdminMailboxRowSchema = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  address: z.string(),
  state: MailboxStateSchema,
  reason: MailboxReasonSchema.nullable(),
  admin: z.boolean(),
  createdAt: z.string(),
  deletedAt: z.string().nullable(),
  /** When the mailbox row last changed (null: no mailbox row). */
  updatedAt: z.string().nullable(),
  attempts: z.number().int(),
  /** Latest known figures; null when none were taken yet. */
  quotaPercent: z.number().nullable(),
  lastLoginAt: z.string().nullable(),
  figuresAt: z.string().nullable(),
});
export type AdminMailboxRow = z.infer<typeof AdminMailboxRowSchema>;

export const MailboxPageSchema = z.object({
  items: z.array(AdminMailboxRowSchema),
  /** Rows matching the filter; with `totalExact` false, "at least this many" (wide filters are counted up to 10,000). */
  total: z.number().int(),
  totalExact: z.boolean(),
  nextOffset: z.number().int().nullable(),
  /** Every account by mailbox state (not filtered): the counters at the top of the table. */
  counts: z.record(z.string(), z.number().int()),
});

// ---------- a person's page ----------

export const StateTransitionSchema = z.object({
  from: z.string().nullable(),
  to: z.string(),
  reason: z.string().nullable(),
  at: z.string(),
});

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string(),
  action: z.string(),
  targetUserId: z.string().nullable(),
  target: z.string().nullable(),
  result: z.enum(["ok", "refused", "failed"]),
  detail: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
});
export type AdminAuditEntry = z.infer<typeof AuditEntrySchema>;

export const LiveFiguresSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("ok"),
    active: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    quotaBytes: z.number(),
    quotaUsedBytes: z.number(),
    percentInUse: z.number().nullable(),
    messages: z.number(),
    forcePasswordUpdate: z.boolean(),
    lastLoginAt: z.string().nullable(),
  }),
  /** No active mailbox of this user to ask about (or it is not the platform's any more). */
  z.object({ status: z.literal("not_active") }),
  z.object({ status: z.literal("unavailable") }),
]);

export const AdminPersonSchema = z.object({
  account: z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string().nullable(),
    email: z.string(),
    createdAt: z.string(),
    deletedAt: z.string().nullable(),
    admin: z.boolean(),
    totpEnabled: z.boolean(),
  }),
  mailbox: z
    .object({
      address: z.string(),
      state: MailboxStateSchema,
      reason: MailboxReasonSchema.nullable(),
      attempts: z.number().int(),
      nextAttemptAt: z.string().nullable(),
      deleteAfter: z.string().nullable(),
      createdAt: z.string(),
      updatedAt: z.string(),
      provisionedAt: z.string().nullable(),
      note: z.string().nullable(),
    })
    .nullable(),
  history: z.array(StateTransitionSchema),
  live: LiveFiguresSchema,
  sessions: z.array(SessionSummarySchema),
  audit: z.array(AuditEntrySchema),
});
export type AdminPerson = z.infer<typeof AdminPersonSchema>;

// ---------- actions ----------

export const ADMIN_ACTION_TYPES = [
  "retry",
  "disable",
  "enable",
  "setQuota",
  "resetMailboxPassword",
  "signOut",
  "resetPlatformPassword",
  "delete",
  "resolveConflict",
] as const;
export type AdminActionType = (typeof ADMIN_ACTION_TYPES)[number];

export const AdminActionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("retry") }),
  z.object({ type: z.literal("disable") }),
  z.object({ type: z.literal("enable") }),
  /** MiB, 0 = unlimited (checked against the domain's room before anything changes). */
  z.object({ type: z.literal("setQuota"), quotaMiB: z.number({ error: "quota.invalid" }).int("quota.invalid").min(0, "quota.invalid").max(100_000_000, "quota.invalid") }),
  z.object({ type: z.literal("resetMailboxPassword") }),
  z.object({ type: z.literal("signOut") }),
  z.object({ type: z.literal("resetPlatformPassword") }),
  z.object({ type: z.literal("delete") }),
  /**
   * A `conflict` mailbox: "rename" gives the platform user `newUsername` (a free name) and provisions a mailbox under
   * it; "leave" keeps the state and records `note`. A mailbox the platform did not create is never adopted.
   */
  z.object({
    type: z.literal("resolveConflict"),
    resolution: z.enum(["rename", "leave"]),
    newUsername: UsernameSchema.optional(),
    note: z.string().trim().max(500, "field.tooLong").optional(),
  }),
]);
export type AdminAction = z.infer<typeof AdminActionSchema>;

export const ActionTargetSchema = z.union([
  z.object({ userIds: z.array(z.string().min(1).max(64)).min(1, "field.required").max(100_000) }),
  z.object({ filter: MailboxFilterSchema }),
]);
export type ActionTarget = z.infer<typeof ActionTargetSchema>;

export const ActionInputSchema = z.object({ action: AdminActionSchema, target: ActionTargetSchema });
export type ActionInput = z.infer<typeof ActionInputSchema>;

/**
 * Why a person is skipped: "no_account", "deleted", "no_mailbox", "not_active" (the action needs an active mailbox),
 * "not_retryable" (state), "not_conflict", "self" (an admin does not sign out or delete themselves here),
 * "already" (nothing to change), "quota_room" (the domain has no room for it).
 */
export const PreviewItemSchema = z.object({
  userId: z.string(),
  username: z.string().nullable(),
  outcome: z.enum(["will", "skip"]),
  why: z.string().nullable(),
});
export const PreviewSchema = z.object({
  total: z.number().int(),
  will: z.number().int(),
  skipped: z.number().int(),
  /** Skips by reason code: { not_active: 3 }. */
  skippedBy: z.record(z.string(), z.number().int()),
  /** The first 500 people with their outcome. */
  items: z.array(PreviewItemSchema),
  /** Problems that stop the whole action (e.g. a quota above the domain's maximum), with Mailcow's figures. */
  blocked: z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) }).nullable(),
});
export type ActionPreview = z.infer<typeof PreviewSchema>;

export const PerformResultSchema = z.object({ jobId: z.string(), total: z.number().int() });

// ---------- jobs ----------

export const JobItemSchema = z.object({
  userId: z.string(),
  username: z.string().nullable(),
  result: z.enum(["ok", "skipped", "failed"]),
  /** A validation code (skip reason or failure) — words in the client's language. */
  code: z.string().nullable(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).nullable(),
});
/** Secrets created by the job (temporary mailbox passwords, password-reset links): returned by ONE status read. */
export const JobSecretSchema = z.object({
  userId: z.string(),
  username: z.string().nullable(),
  temporaryPassword: z.string().optional(),
  resetLink: z.string().optional(),
});
export const JobStatusSchema = z.object({
  id: z.string(),
  action: z.string(),
  state: z.enum(["running", "done"]),
  total: z.number().int(),
  done: z.number().int(),
  ok: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** The last 1,000 finished items. */
  items: z.array(JobItemSchema),
  secrets: z.array(JobSecretSchema),
  /** True when secrets were made and already handed out by an earlier read. */
  secretsDelivered: z.boolean(),
});
export type JobStatus = z.infer<typeof JobStatusSchema>;
export const JobStatusInputSchema = z.object({ id: z.string().min(1).max(64) });

// ---------- audit ----------

export const AuditFilterSchema = z.object({
  /** A username, or "cli" / "system". */
  actor: z.string().trim().max(100).optional(),
  /** A user id or a username (the person acted on), or any other target text (an address, an invitation id). */
  target: z.string().trim().max(320).optional(),
  /** Exact action or a prefix ending in "." ("admin." → every admin action). */
  action: z.string().trim().max(100).optional(),
  result: z.enum(["ok", "refused", "failed"]).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export const ListAuditSchema = AuditFilterSchema.extend({
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(500).default(50),
});
export const AuditPageSchema = z.object({ items: z.array(AuditEntrySchema), nextCursor: z.number().int().nullable() });

// ---------- platform password reset (public page /reset/:token) ----------

export const ResetTokenSchema = z.string().trim().regex(/^[A-Za-z0-9_-]{22,128}$/, "reset.invalid");
