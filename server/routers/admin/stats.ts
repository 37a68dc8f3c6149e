// admin.stats: usage statistics for the admin console (daily snapshots, see server/stats/).
import { TRPCError } from "@trpc/server";
import { NearFullSchema, StatsSeriesInputSchema, StatsSeriesSchema, StatsSummarySchema } from "../../../shared/schemas/stats";
import { isMailcowError } from "../../mailcow";
import { router } from "../../trpc";
import { adminLimitedProcedure } from "./procedure";

export const statsRouter = router({
  /** Totals, quota-use distribution, active users (30 days) by protocol, provisioning outcomes and times. */
  summary: adminLimitedProcedure.output(StatsSummarySchema).query(({ ctx }) => ctx.stats.summary()),

  /** One point per snapshot day in [from, to] (UTC days, inclusive). */
  series: adminLimitedProcedure
    .input(StatsSeriesInputSchema)
    .output(StatsSeriesSchema)
    .query(({ ctx, input }) => ctx.stats.series(input.metric, input.from, input.to)),

  /** Mailboxes at or above QUOTA_WARN_PERCENT now (live from Mailcow), fullest first. */
  nearFull: adminLimitedProcedure.output(NearFullSchema).query(async ({ ctx }) => {
    try {
      return await ctx.stats.nearFull();
    } catch (error) {
      if (isMailcowError(error)) throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "mailbox.mailcowUnavailable", cause: error });
      throw error;
    }
  }),
});
