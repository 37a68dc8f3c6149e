import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { ActionInputSchema, AdminPersonSchema, ListMailboxesSchema, MailboxPageSchema, PerformResultSchema, PreviewSchema } from "../../../shared/schemas/admin";
import { performAction, previewAction } from "../../admin/actions";
import { listMailboxes } from "../../admin/list";
import { personPage } from "../../admin/person";
import { fieldError, router } from "../../trpc";
import { actorOf, adminLimitedProcedure } from "./procedure";

export const mailboxesRouter = router({
  list: adminLimitedProcedure
    .input(ListMailboxesSchema)
    .output(MailboxPageSchema)
    .query(({ ctx, input }) => listMailboxes(ctx.db, ctx.mailDomain, input)),

  get: adminLimitedProcedure
    .input(z.object({ userId: z.string().min(1).max(64) }))
    .output(AdminPersonSchema)
    .query(async ({ ctx, input }) => {
      const person = await personPage(ctx, input.userId);
      if (!person) throw new TRPCError({ code: "NOT_FOUND", message: "admin.userNotFound" });
      return person;
    }),

  /** A dry run: who would be changed, who skipped and why. Nothing changes. */
  preview: adminLimitedProcedure
    .input(ActionInputSchema)
    .output(PreviewSchema)
    .query(({ ctx, input }) => previewAction(ctx, input.action, input.target, actorOf(ctx))),

  /** Starts the action as a job (progress: admin.jobs.status); each person is audited. */
  perform: adminLimitedProcedure
    .input(ActionInputSchema)
    .output(PerformResultSchema)
    .mutation(async ({ ctx, input }) => {
      const started = await performAction(ctx, input.action, input.target, actorOf(ctx));
      if (!started.ok) {
        const { code, params } = started.blocked;
        if (code === "mailbox.mailcowUnavailable") throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: code });
        const field = input.action.type === "setQuota" ? "quotaMiB" : input.action.type === "resolveConflict" ? "newUsername" : "_form";
        throw fieldError("PRECONDITION_FAILED", field, code, params);
      }
      return { jobId: started.jobId, total: started.total };
    }),
});
