// Mail settings of the user's own mailbox, mounted under `mailbox`: forwarding, out-of-office (vacation) and the
// spam level. Rate limits, input and the audit entry here; everything else in the mail settings service
// (server/mail-features/filters-service.ts). Audit details hold counts, flags and dates, never a message body.
import {
  ForwardingSetSchema,
  ForwardingStateSchema,
  SpamLevelSetSchema,
  SpamLevelStateSchema,
  VacationSetSchema,
  VacationStateSchema,
} from "../../shared/schemas/mail-settings";
import type { UserAction } from "../auth/rate-limit";
import type { Context } from "../context";
import type { SessionUser } from "../auth/lucia";
import type { Result } from "../mailbox/problems";
import { protectedProcedure, router } from "../trpc";
import { unwrap } from "./problems";

type SignedIn = Context & { user: SessionUser };

/** Rate limit, run, write the audit entry (ok / refused / failed), and answer or throw the problem. */
async function audited<T>(ctx: SignedIn, action: UserAction, detail: Record<string, unknown> | null, run: () => Promise<Result<T>>): Promise<T> {
  await ctx.limits.userAction(ctx.user.id, action);
  const result = await run();
  const isRead = action.endsWith(".get");
  if (!isRead || !result.ok) {
    const problem = result.ok ? null : result.problem;
    ctx.audit.record({
      actorId: ctx.user.id,
      actorName: ctx.user.username,
      action,
      targetUserId: ctx.user.id,
      target: ctx.mailboxes.address(ctx.user.id, ctx.user.username),
      result: !problem ? "ok" : problem.kind === "field" || problem.kind === "not_active" ? "refused" : "failed",
      detail: problem ? { ...detail, problem: problem.kind === "field" ? problem.code : problem.kind } : detail,
      ip: ctx.ip,
    });
  }
  return unwrap(result);
}

export const forwardingRouter = router({
  /** The stored forwarding, the operator's policy, and an active filter made outside the platform (if any). */
  get: protectedProcedure
    .output(ForwardingStateSchema)
    .query(({ ctx }) => audited(ctx, "mailbox.forwarding.get", null, () => ctx.mailSettings.forwardingGet(ctx.user.id))),

  /** Forwards to `to` (keeping a copy unless `keepCopy: false`); `replaceForeign` confirms turning a foreign filter off. */
  set: protectedProcedure
    .input(ForwardingSetSchema)
    .output(ForwardingStateSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, "mailbox.forwarding.set", { targets: input.to.length, keepCopy: input.keepCopy, replaceForeign: input.replaceForeign === true }, () =>
        ctx.mailSettings.forwardingSet(ctx.user.id, input),
      ),
    ),

  disable: protectedProcedure
    .output(ForwardingStateSchema)
    .mutation(({ ctx }) => audited(ctx, "mailbox.forwarding.disable", null, () => ctx.mailSettings.forwardingDisable(ctx.user.id))),
});

export const vacationRouter = router({
  get: protectedProcedure
    .output(VacationStateSchema)
    .query(({ ctx }) => audited(ctx, "mailbox.vacation.get", null, () => ctx.mailSettings.vacationGet(ctx.user.id))),

  /** Out-of-office with a subject and plain-text message, optionally from/until (YYYY-MM-DD, inclusive). */
  set: protectedProcedure
    .input(VacationSetSchema)
    .output(VacationStateSchema)
    .mutation(({ ctx, input }) =>
      audited(
        ctx,
        "mailbox.vacation.set",
        { from: input.from ?? null, until: input.until ?? null, replaceForeign: input.replaceForeign === true },
        () => ctx.mailSettings.vacationSet(ctx.user.id, input),
      ),
    ),

  disable: protectedProcedure
    .output(VacationStateSchema)
    .mutation(({ ctx }) => audited(ctx, "mailbox.vacation.disable", null, () => ctx.mailSettings.vacationDisable(ctx.user.id))),
});

export const spamLevelRouter = router({
  /** relaxed / default / strict / custom, with Mailcow's two thresholds. */
  get: protectedProcedure
    .output(SpamLevelStateSchema)
    .query(({ ctx }) => audited(ctx, "mailbox.spamLevel.get", null, () => ctx.mailSettings.spamLevelGet(ctx.user.id))),

  /** `{ level }` (default restores Mailcow's default) or `{ low, high }`. */
  set: protectedProcedure
    .input(SpamLevelSetSchema)
    .output(SpamLevelStateSchema)
    .mutation(({ ctx, input }) => audited(ctx, "mailbox.spamLevel.set", { ...input }, () => ctx.mailSettings.spamLevelSet(ctx.user.id, input))),
});
