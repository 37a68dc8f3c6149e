// Admin console operations: bulk onboarding from CSV (admin.import.*) and reconcile with Mailcow (admin.reconcile.*).
// Messages are validation codes (shared/i18n/validation.ts).
import { z } from "zod";
import { MailboxReasonSchema, MailboxStateSchema } from "./mailbox";

// ---------- bulk onboarding ----------

export const IMPORT_MAX_ROWS = 10_000;
/** 10,000 rows of a 64-character name, a 100-character display name and a quota fit with room to spare. */
export const IMPORT_MAX_CSV_CHARS = 2_000_000;

export const ImportCsvSchema = z
  .string({ error: "import.csvRequired" })
  .max(IMPORT_MAX_CSV_CHARS, "import.csvTooLarge")
  .refine((csv) => csv.replace(/^\uFEFF/, "").trim() !== "", "import.csvRequired");

export const ImportModeSchema = z.enum(["invitations", "direct"]);
export type ImportMode = z.infer<typeof ImportModeSchema>;

export const ImportPreviewInputSchema = z.object({ csv: ImportCsvSchema });
export const ImportStartInputSchema = z.object({ csv: ImportCsvSchema, mode: ImportModeSchema });
export const ImportStatusInputSchema = z.object({ id: z.string().trim().min(1).max(64) });

/** Why a row will not be imported. */
export const IMPORT_ROW_PROBLEMS = ["invalid", "reserved", "taken", "duplicate", "exists_in_mailcow", "quota_out_of_range"] as const;
export const ImportRowProblemSchema = z.enum(IMPORT_ROW_PROBLEMS);
export type ImportRowProblem = z.infer<typeof ImportRowProblemSchema>;

export const ImportPreviewRowSchema = z.object({
  /** 1-based row of the file, the header (if any) being row 1. */
  line: z.number().int(),
  /** As normalised (trimmed, lower-case) when it is valid; as written otherwise. */
  username: z.string(),
  displayName: z.string().nullable(),
  /** null: the platform's default quota. */
  quotaMiB: z.number().int().nullable(),
  ok: z.boolean(),
  /** Every problem of the row; `code` is a validation code with `params` (words via validationMessage). */
  problems: z.array(
    z.object({ kind: ImportRowProblemSchema, code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])).optional() }),
  ),
});
export type ImportPreviewRow = z.infer<typeof ImportPreviewRowSchema>;

export const ImportPreviewSchema = z.object({
  hasHeader: z.boolean(),
  rows: z.array(ImportPreviewRowSchema),
  totals: z.object({
    rows: z.number().int(),
    valid: z.number().int(),
    invalid: z.number().int(),
    /** Rows per problem kind (a row with two problems counts in both). */
    byProblem: z.record(ImportRowProblemSchema, z.number().int()),
  }),
  /** The domain's room against what the valid rows need; null when Mailcow has no such domain. */
  room: z
    .object({
      mailboxesLeft: z.number().int(),
      quotaLeftMiB: z.number().int(),
      maxQuotaPerMailboxMiB: z.number().int(),
      quotaNeededMiB: z.number().int(),
      fits: z.boolean(),
    })
    .nullable(),
  defaultQuotaMiB: z.number().int(),
});
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;

export const ImportRowStatusSchema = z.enum(["waiting", "created", "skipped", "failed"]);

export const ImportStatusSchema = z.object({
  id: z.string(),
  mode: ImportModeSchema,
  /** running: accounts (or invitations) are being created; done: all rows handled; failed: the job stopped. */
  state: z.enum(["running", "done", "failed"]),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
  total: z.number().int(),
  processed: z.number().int(),
  created: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  /** Direct mode: where the imported people's mailboxes are (live from the mailbox table). */
  mailboxes: z.object({ active: z.number().int(), inProgress: z.number().int(), needAttention: z.number().int() }),
  /** True when every row is handled and no mailbox of the import is still being created. */
  settled: z.boolean(),
  rows: z.array(
    z.object({
      line: z.number().int(),
      username: z.string(),
      status: ImportRowStatusSchema,
      /** A problem kind (skipped) or a validation code (failed). */
      reason: z.string().nullable(),
      userId: z.string().nullable(),
      invitationId: z.string().nullable(),
      mailbox: z.object({ state: MailboxStateSchema, reason: MailboxReasonSchema.nullable() }).nullable(),
    }),
  ),
  /**
   * The result as CSV (line,username,address,status,reason,secret). The passwords or invitation links are in it ONCE:
   * in the first answer after the accounts exist (`secretsIncluded`); later answers leave that column empty.
   */
  resultCsv: z.string().nullable(),
  secretsIncluded: z.boolean(),
});
export type ImportStatus = z.infer<typeof ImportStatusSchema>;

// ---------- reconcile ----------

/**
 * missing: the platform's active mailbox is not in Mailcow; disabled: it is there but disabled; quota_changed: its
 * quota differs from the platform's; untagged: a mailbox without the user's tag holds a platform user's address (never
 * adopted); orphan: a mailbox with the platform's tags belongs to no platform user (e.g. after a restore).
 */
export const DRIFT_KINDS = ["missing", "disabled", "quota_changed", "untagged", "orphan"] as const;
export const DriftKindSchema = z.enum(DRIFT_KINDS);
export type DriftKind = z.infer<typeof DriftKindSchema>;

/**
 * reprovision: the user creates the mailbox again with a new password (needs_password); enable: enable it in Mailcow;
 * accept_quota: the platform records Mailcow's quota; restore_quota: Mailcow gets the platform's quota back;
 * mark_conflict: the user's mailbox shows as a conflict (the mailbox is left alone); remove_tags: the platform's tags
 * are removed from the orphan (it stays, no longer the platform's); delete_mailbox: the orphan is deleted (confirm).
 */
export const DRIFT_FIXES = ["reprovision", "enable", "accept_quota", "restore_quota", "mark_conflict", "remove_tags", "delete_mailbox"] as const;
export const DriftFixSchema = z.enum(DRIFT_FIXES);
export type DriftFix = z.infer<typeof DriftFixSchema>;

export const DriftItemSchema = z.object({
  /** Stable within a report: `<kind>:<address>`. */
  id: z.string(),
  kind: DriftKindSchema,
  address: z.string(),
  userId: z.string().nullable(),
  username: z.string().nullable(),
  mailcowQuotaMiB: z.number().int().nullable(),
  platformQuotaMiB: z.number().int().nullable(),
  /** The fixes offered, the proposed (and auto-fix) one first. */
  fixes: z.array(DriftFixSchema),
  fixed: z
    .object({ fix: DriftFixSchema, at: z.number(), result: z.enum(["ok", "refused", "failed"]), code: z.string().nullable(), auto: z.boolean() })
    .nullable(),
});
export type DriftItem = z.infer<typeof DriftItemSchema>;

export const ReconcileTriggerSchema = z.enum(["schedule", "admin", "restore"]);
export type ReconcileTrigger = z.infer<typeof ReconcileTriggerSchema>;

export const ReconcileReportSchema = z.object({
  id: z.number().int(),
  startedAt: z.number(),
  finishedAt: z.number(),
  trigger: ReconcileTriggerSchema,
  domain: z.string(),
  /** Set when Mailcow could not be asked: the report has no items then. */
  error: z.string().nullable(),
  platformMailboxes: z.number().int(),
  mailcowMailboxes: z.number().int(),
  counts: z.record(DriftKindSchema, z.number().int()),
  items: z.array(DriftItemSchema),
});
export type ReconcileReport = z.infer<typeof ReconcileReportSchema>;

export const ReconcileFixInputSchema = z.object({
  items: z
    .array(z.object({ id: z.string().min(1).max(400), fix: DriftFixSchema, confirm: z.boolean().optional() }))
    .min(1)
    .max(1000),
});
export type ReconcileFixInput = z.infer<typeof ReconcileFixInputSchema>;

export const ReconcileFixResultSchema = z.object({
  results: z.array(z.object({ id: z.string(), fix: DriftFixSchema, result: z.enum(["ok", "refused", "failed"]), code: z.string().nullable() })),
  report: ReconcileReportSchema,
});
export type ReconcileFixResult = z.infer<typeof ReconcileFixResultSchema>;
