import { TRPCError } from "@trpc/server";
import { JobStatusInputSchema, JobStatusSchema } from "../../../shared/schemas/admin";
import { adminCore } from "../../admin/core";
import { router } from "../../trpc";
import { adminProcedure } from "../../trpc";

export const jobsRouter = router({
  /**
   * A bulk action's progress. Temporary passwords and reset links it made are in `secrets` of the first read after it
   * finished, and never again. Polled by the console, so it does not count against the admin rate limit.
   */
  status: adminProcedure
    .input(JobStatusInputSchema)
    .output(JobStatusSchema)
    .query(({ ctx, input }) => {
      const status = adminCore(ctx).jobs.status(input.id, ctx.user.id);
      if (!status) throw new TRPCError({ code: "NOT_FOUND", message: "admin.jobNotFound" });
      return status;
    }),
});
