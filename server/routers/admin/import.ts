// admin.import.*: bulk onboarding from CSV (server/admin/import.ts does the work).
import { TRPCError } from "@trpc/server";
import {
  ImportPreviewInputSchema,
  ImportPreviewSchema,
  ImportStartInputSchema,
  ImportStatusInputSchema,
  ImportStatusSchema,
} from "../../../shared/schemas/admin-ops";
import { ImportFileError, type AdminActor } from "../../admin/import";
import { isMailcowError } from "../../mailcow";
import { adminProcedure, fieldError, router } from "../../trpc";
import type { Context } from "../../context";

export function adminActor(ctx: Pick<Context, "ip"> & { user: { id: string; username: string } }): AdminActor {
  return { id: ctx.user.id, name: ctx.user.username, ip: ctx.ip };
}

/** A refused file becomes a field error on `csv`; Mailcow out of reach, SERVICE_UNAVAILABLE. */
async function mapImportErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ImportFileError) throw fieldError("BAD_REQUEST", "csv", error.code, error.params);
    if (isMailcowError(error)) throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "mailbox.mailcowUnavailable", cause: error });
    throw error;
  }
}

export const importRouter = router({
  /** Every row with its problems (taken, reserved, invalid, duplicate, exists in Mailcow, quota) and the totals. */
  preview: adminProcedure
    .input(ImportPreviewInputSchema)
    .output(ImportPreviewSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.limits.userAction(ctx.user.id, "admin.import");
      return mapImportErrors(() => ctx.imports.preview(input.csv));
    }),

  /** Validates again and starts the background job; follow it with admin.import.status. */
  start: adminProcedure
    .input(ImportStartInputSchema)
    .output(ImportStatusSchema)
    .mutation(async ({ ctx, input }) => {
      await ctx.limits.userAction(ctx.user.id, "admin.import");
      const { id } = await mapImportErrors(() => ctx.imports.start(input.csv, input.mode, adminActor(ctx)));
      // NOTE: the job has only just started, so this answer never carries the result CSV's secrets.
      const status = ctx.imports.status(id);
      if (!status) throw new TRPCError({ code: "NOT_FOUND", message: "import.notFound" });
      return status;
    }),

  /** Progress and per-row results; the first answer after the accounts exist carries the passwords or links (once). */
  status: adminProcedure
    .input(ImportStatusInputSchema)
    .output(ImportStatusSchema)
    .query(({ ctx, input }) => {
      const status = ctx.imports.status(input.id);
      if (!status) throw new TRPCError({ code: "NOT_FOUND", message: "import.notFound" });
      return status;
    }),
});
