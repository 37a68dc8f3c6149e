// Mail settings of the user's own mailbox: forwarding, out-of-office (vacation) and the spam level. Messages are
// codes (shared/i18n/mail-settings.ts), turned into words by whoever shows them.
import { z } from "zod";

/** A calendar date YYYY-MM-DD that exists (no 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Set when the user confirmed that an active filter made outside the platform (in Mailcow's UI) may be turned off. */
const replaceForeign = z.boolean().optional();

/** An active prefilter of the mailbox that the platform did not write; null when there is none. */
export const ForeignFilterSchema = z.object({ description: z.string() }).nullable();

// ---------- forwarding ----------

/** Hard ceiling of the form; the operator's FORWARDING_MAX_TARGETS (at most 50) is checked by the server. */
export const FORWARDING_TARGETS_CEILING = 50;

export const ForwardingSetSchema = z.object({
  to: z
    .array(z.string({ error: "forwarding.addressRequired" }).trim().min(1, "forwarding.addressRequired").max(254, "forwarding.invalidAddress"), {
      error: "forwarding.noTargets",
    })
    .min(1, "forwarding.noTargets")
    .max(FORWARDING_TARGETS_CEILING, "forwarding.tooMany"),
  /** Keep a copy in the mailbox (default); otherwise the mail only goes on. */
  keepCopy: z.boolean().default(true),
  replaceForeign,
});
export type ForwardingSetInput = z.input<typeof ForwardingSetSchema>;

export const ForwardingStateSchema = z.object({
  enabled: z.boolean(),
  to: z.array(z.string()),
  keepCopy: z.boolean(),
  foreignFilter: ForeignFilterSchema,
  /** The operator's policy, so the form can say what is allowed before anything is sent. */
  policy: z.object({
    external: z.enum(["allow", "deny"]),
    allowedDomains: z.array(z.string()),
    companyDomain: z.string(),
    maxTargets: z.number().int(),
  }),
});
export type ForwardingState = z.infer<typeof ForwardingStateSchema>;

// ---------- out-of-office ----------

const date = z.string().refine(isCalendarDate, "vacation.date");

export const VACATION_SUBJECT_MAX = 200;
export const VACATION_MESSAGE_MAX = 10_000;

export const VacationSetSchema = z
  .object({
    subject: z
      .string({ error: "vacation.subjectRequired" })
      .trim()
      .min(1, "vacation.subjectRequired")
      .max(VACATION_SUBJECT_MAX, "vacation.subjectTooLong"),
    message: z
      .string({ error: "vacation.messageRequired" })
      .refine((text) => text.trim() !== "", "vacation.messageRequired")
      .refine((text) => text.length <= VACATION_MESSAGE_MAX, "vacation.messageTooLong"),
    /** First day (inclusive), the mail server's local date. */
    from: date.optional(),
    /** Last day (inclusive). */
    until: date.optional(),
    replaceForeign,
  })
  .refine((v) => v.from === undefined || v.until === undefined || v.from <= v.until, { path: ["until"], message: "vacation.dateOrder" });
export type VacationSetInput = z.input<typeof VacationSetSchema>;

export const VacationStateSchema = z.object({
  enabled: z.boolean(),
  subject: z.string(),
  message: z.string(),
  from: z.string().nullable(),
  until: z.string().nullable(),
  /** One reply per sender per this many days (VACATION_DAYS). */
  days: z.number().int(),
  foreignFilter: ForeignFilterSchema,
});
export type VacationState = z.infer<typeof VacationStateSchema>;

// ---------- spam level ----------

export const SPAM_LEVELS = ["relaxed", "default", "strict", "custom"] as const;
export type SpamLevel = (typeof SPAM_LEVELS)[number];

/**
 * The two named levels besides Mailcow's default (rspamd scores: above `low` mail goes to Junk, above `high` it is
 * rejected). Mailcow's own default is 5 / 15 when rspamd's settings are not changed.
 */
export const SPAM_PRESETS = {
  relaxed: { low: 10, high: 25 },
  strict: { low: 3, high: 10 },
} as const;

const score = z.number({ error: "spam.number" }).min(0, "spam.number").max(100, "spam.number");

export const SpamCustomSchema = z
  .object({ low: score, high: score })
  .refine((v) => v.low < v.high, { path: ["high"], message: "spam.order" });

export const SpamLevelSetSchema = z.union([z.object({ level: z.enum(["relaxed", "default", "strict"]) }).strict(), SpamCustomSchema]);
export type SpamLevelSetInput = z.input<typeof SpamLevelSetSchema>;

export const SpamLevelStateSchema = z.object({
  level: z.enum(SPAM_LEVELS),
  low: z.number(),
  high: z.number(),
});
export type SpamLevelState = z.infer<typeof SpamLevelStateSchema>;
