// admin.import.*: bulk onboarding from CSV (server/admin/import.ts does the work).
import { TRPCError } from "@trpc/server";
import {
  ImportPreviewInputSchema,
  ImportPreviewSchema,
  ImportStartInputSchema,
  ImportStatusInputSchema,
  ImportStatusSchema,
} from "../../../shared/schemas/admin-ops";
import { adminCore } from "../../admin/core";
import { ImportFileError, type InvitationMaker } from "../../admin/import";
import { isMailcowError } from "../../mailcow";
import type { Services } from "../../services";
import { fieldError, router } from "../../trpc";
import { actorOf, adminLimitedProcedure } from "./procedure";

/** One invitation per imported row, with the username (and display name) pre-set, through the invitations module. */
function invitationMaker(services: Services): InvitationMaker {
  const invitations = adminCore(services).invitations;
  return ({ username, displayName, actor }) => {
    const { invitations: made, refused } = invitations.create({ username, ...(displayName ? { displayName } : {}), note: "CSV import" }, actor.id);
    const invitation = made[0];
    if (!invitation) return { refused: refused[0]?.code ?? "invitation.invalid" };
    services.audit.record({
      actorId: actor.id,
      actorName: actor.name,
      action: "admin.import.createInvitation",
      target: username,
      result: "ok",
      detail: { invitationId: invitation.id },
      ip: actor.ip,
    });
    return { id: invitation.id, link: invitation.link };
  };
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
  preview: adminLimitedProcedure
    .input(ImportPreviewInputSchema)
    .output(ImportPreviewSchema)
    .mutation(async ({ ctx, input }) => {
      return mapImportErrors(() => ctx.imports.preview(input.csv));
    }),

  /** Validates again and starts the background job; follow it with admin.import.status. */
  start: adminLimitedProcedure
    .input(ImportStartInputSchema)
    .output(ImportStatusSchema)
    .mutation(async ({ ctx, input }) => {
      const { id } = await mapImportErrors(() => ctx.imports.start(input.csv, input.mode, actorOf(ctx), input.mode === "invitations" ? invitationMaker(ctx) : null));
      // NOTE: this answer never carries the secrets (even when a small job is already done): status does, once.
      const status = ctx.imports.status(id, { deliverSecrets: false });
      if (!status) throw new TRPCError({ code: "NOT_FOUND", message: "import.notFound" });
      return status;
    }),

  /** Progress and per-row results; the first answer after the accounts exist carries the passwords or links (once). */
  status: adminLimitedProcedure
    .input(ImportStatusInputSchema)
    .output(ImportStatusSchema)
    .query(({ ctx, input }) => {
      const status = ctx.imports.status(input.id);
      if (!status) throw new TRPCError({ code: "NOT_FOUND", message: "import.notFound" });
      return status;
    }),
});
