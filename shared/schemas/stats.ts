import { z } from "zod";

/** Daily series the admin statistics page can chart (one point per snapshot day). */
export const STATS_METRICS = ["used_bytes", "allocated_bytes", "mailboxes", "active_users", "near_full"] as const;
export const StatsMetricSchema = z.enum(STATS_METRICS, { error: "stats.metric" });
export type StatsMetric = z.infer<typeof StatsMetricSchema>;

/** The longest range one series request may cover (days). */
export const MAX_SERIES_DAYS = 800;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "stats.day").refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), "stats.day");

export const StatsSeriesInputSchema = z
  .object({ metric: StatsMetricSchema, from: day, to: day })
  .refine((v) => v.from <= v.to, { path: ["to"], message: "stats.range" })
  .refine((v) => (Date.parse(v.to) - Date.parse(v.from)) / 86_400_000 <= MAX_SERIES_DAYS, { path: ["to"], message: "stats.rangeTooLong" });
export type StatsSeriesInput = z.infer<typeof StatsSeriesInputSchema>;

export const StatsPointSchema = z.object({ day: z.string(), value: z.number() });
export const StatsSeriesSchema = z.object({ metric: StatsMetricSchema, from: z.string(), to: z.string(), points: z.array(StatsPointSchema) });
export type StatsSeries = z.infer<typeof StatsSeriesSchema>;

export const QuotaBucketSchema = z.object({
  /** Percent of the quota, inclusive. */
  from: z.number(),
  /** Percent, exclusive; null: no upper bound. */
  to: z.number().nullable(),
  count: z.number().int(),
});

export const StatsSummarySchema = z.object({
  /** The latest snapshot's day and time; null before the first one. */
  snapshotDay: z.string().nullable(),
  takenAt: z.string().nullable(),
  thresholds: z.object({ warnPercent: z.number(), criticalPercent: z.number() }),
  totals: z.object({
    accounts: z.number().int(),
    mailboxes: z.number().int(),
    usedBytes: z.number(),
    allocatedBytes: z.number(),
    messages: z.number(),
    nearFull: z.number().int(),
  }),
  quotaDistribution: z.object({ buckets: z.array(QuotaBucketSchema), unlimited: z.number().int() }),
  /** Mailboxes with a login within `days` of the snapshot, by protocol (`any`: at least one of them). */
  activeUsers: z.object({ days: z.number().int(), imap: z.number().int(), smtp: z.number().int(), webmail: z.number().int(), any: z.number().int() }),
  provisioning: z.object({
    /** Mailbox records by stored state now. */
    states: z.array(z.object({ state: z.string(), count: z.number().int() })),
    /** How creation attempts ended in the last 30 days (leaving provisioning/pending), by the state reached. */
    outcomes: z.array(z.object({ state: z.string(), count: z.number().int() })),
    /** From sign-up to the mailbox existing in Mailcow (mailboxes created so far). */
    durations: z.object({
      count: z.number().int(),
      medianSeconds: z.number().nullable(),
      p90Seconds: z.number().nullable(),
      maxSeconds: z.number().nullable(),
    }),
  }),
});
export type StatsSummary = z.infer<typeof StatsSummarySchema>;

export const NearFullSchema = z.object({
  items: z.array(
    z.object({
      userId: z.string(),
      username: z.string(),
      address: z.string(),
      usedBytes: z.number(),
      quotaBytes: z.number(),
      percent: z.number(),
      level: z.enum(["warning", "critical"]),
    }),
  ),
});
export type NearFull = z.infer<typeof NearFullSchema>;
