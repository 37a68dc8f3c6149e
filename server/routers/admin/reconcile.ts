// admin.reconcile.*: the platform's mailboxes against Mailcow's (server/admin/reconcile.ts does the work).
import { TRPCError } from "@trpc/server";
import { ReconcileFixInputSchema, ReconcileFixResultSchema, ReconcileReportSchema } from "../../../shared/schemas/admin-ops";
import { adminProcedure, router } from "../../trpc";
import { adminActor } from "./import";

export const reconcileRouter = router({
  /** Compares now (one Mailcow listing) and answers with the new report (a run already going on is joined). */
  run: adminProcedure.output(ReconcileReportSchema).mutation(async ({ ctx }) => {
    await ctx.limits.userAction(ctx.user.id, "admin.reconcile");
    return ctx.reconciler.run("admin", adminActor(ctx));
  }),

  /** The latest report (null before the first run). */
  report: adminProcedure.output(ReconcileReportSchema.nullable()).query(({ ctx }) => ctx.reconciler.report()),

  /** Applies the chosen fixes to items of the latest report; each is checked against Mailcow again first. */
  fix: adminProcedure
    .input(ReconcileFixInputSchema)
    .output(ReconcileFixResultSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.limits.userAction(ctx.user.id, "admin.reconcile");
      const result = await ctx.reconciler.fix(input, adminActor(ctx));
      if (!result) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "reconcile.noReport" });
      return result;
    }),
});
