// admin.reconcile.*: the platform's mailboxes against Mailcow's (server/admin/reconcile.ts does the work).
import { TRPCError } from "@trpc/server";
import { ReconcileFixInputSchema, ReconcileFixResultSchema, ReconcileReportSchema } from "../../../shared/schemas/admin-ops";
import { router } from "../../trpc";
import { actorOf, adminLimitedProcedure } from "./procedure";

export const reconcileRouter = router({
  /** Compares now (one Mailcow listing) and answers with the new report (a run already going on is joined). */
  run: adminLimitedProcedure.output(ReconcileReportSchema).mutation(async ({ ctx }) => {
    return ctx.reconciler.run("admin", actorOf(ctx));
  }),

  /** The latest report (null before the first run). */
  report: adminLimitedProcedure.output(ReconcileReportSchema.nullable()).query(({ ctx }) => ctx.reconciler.report()),

  /** Applies the chosen fixes to items of the latest report; each is checked against Mailcow again first. */
  fix: adminLimitedProcedure
    .input(ReconcileFixInputSchema)
    .output(ReconcileFixResultSchema)
    .mutation(async ({ ctx, input }) => {
        const result = await ctx.reconciler.fix(input, actorOf(ctx));
      if (!result) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "reconcile.noReport" });
      return result;
    }),
});
