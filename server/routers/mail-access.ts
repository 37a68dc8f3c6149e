// Mail access procedures, mounted in the mailbox router: mailbox.aliases.*, mailbox.appPasswords.*,
// mailbox.deviceSetup.*. Each is signed-in, rate-limited, works on the user's own active mailbox (the mailbox
// service checks the owner tag) and writes an audit entry for changes (names and addresses, never a password).
import { z } from "zod";
import {
  AddAliasSchema,
  AddTemporaryAliasSchema,
  AliasListSchema,
  AliasSummarySchema,
  AppPasswordSummarySchema,
  CreateAppPasswordSchema,
  CreatedAppPasswordSchema,
  DeviceSetupStartSchema,
  RemoveAliasSchema,
  RemoveTemporaryAliasSchema,
  RevokeAppPasswordSchema,
  TemporaryAliasSchema,
} from "../../shared/schemas/mail-access";
import type { UserAction } from "../auth/rate-limit";
import type { Context } from "../context";
import type { SessionUser } from "../auth/lucia";
import { mailAccessOf } from "../mail-features/mail-access";
import type { Result } from "../mailbox/problems";
import { protectedProcedure, router } from "../trpc";
import { unwrap } from "./problems";

type UserContext = Context & { user: SessionUser };

/** Counts the action against the user's budget, runs it, writes the audit entry, and unwraps the result. */
async function audited<T>(
  ctx: UserContext,
  action: UserAction,
  target: string | null,
  run: () => Promise<Result<T>>,
  detail: (value: T) => Record<string, unknown> | null = () => null,
): Promise<T> {
  await ctx.limits.userAction(ctx.user.id, action);
  const result = await run();
  const base = { actorId: ctx.user.id, actorName: ctx.user.username, action, targetUserId: ctx.user.id, ip: ctx.ip };
  if (result.ok) {
    const value = result.value;
    ctx.audit.record({ ...base, target: target ?? null, result: "ok", detail: detail(value) });
  } else {
    const problem = result.problem;
    ctx.audit.record({
      ...base,
      target,
      result: problem.kind === "field" || problem.kind === "not_active" ? "refused" : "failed",
      detail: problem.kind === "field" ? { code: problem.code } : { problem: problem.kind },
    });
  }
  return unwrap(result);
}

/** Reads: rate-limited (a larger budget), not audited. */
async function read<T>(ctx: UserContext, action: UserAction, run: () => Promise<Result<T>>): Promise<T> {
  await ctx.limits.userAction(ctx.user.id, action);
  return unwrap(await run());
}

export const aliasesRouter = router({
  /** The user's personal aliases (the platform's, removable; an administrator's, read-only) and temporary ones. */
  list: protectedProcedure.output(AliasListSchema).query(({ ctx }) => read(ctx, "mailbox.aliases.list", () => mailAccessOf(ctx).aliases.list(ctx.user.id))),

  /** Adds `<localPart>@<domain>` delivering to the user's mailbox, with "send as" allowed. */
  add: protectedProcedure
    .input(AddAliasSchema)
    .output(AliasSummarySchema)
    .mutation(({ ctx, input }) => audited(ctx, "mailbox.aliases.add", input.localPart, () => mailAccessOf(ctx).aliases.add(ctx.user.id, input.localPart), (alias) => ({ address: alias.address }))),

  /** Removes one of the aliases the platform made for this user. */
  remove: protectedProcedure
    .input(RemoveAliasSchema)
    .output(z.object({ address: z.string() }))
    .mutation(({ ctx, input }) => audited(ctx, "mailbox.aliases.remove", input.address, () => mailAccessOf(ctx).aliases.remove(ctx.user.id, input.address))),

  /** A disposable address (Mailcow's time-limited alias) for `days` days. */
  addTemporary: protectedProcedure
    .input(AddTemporaryAliasSchema)
    .output(TemporaryAliasSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, "mailbox.aliases.add", null, () => mailAccessOf(ctx).aliases.addTemporary(ctx.user.id, input.days), (alias) => ({ temporary: alias.address, days: input.days })),
    ),

  /** Deletes one of the mailbox's temporary addresses. */
  removeTemporary: protectedProcedure
    .input(RemoveTemporaryAliasSchema)
    .output(z.object({ address: z.string() }))
    .mutation(({ ctx, input }) => audited(ctx, "mailbox.aliases.remove", input.address, () => mailAccessOf(ctx).aliases.removeTemporary(ctx.user.id, input.address), () => ({ temporary: true }))),
});

export const appPasswordsRouter = router({
  /** The mailbox's app passwords (never their hashes); the inbox's own is marked `usedBy: "inbox"`. */
  list: protectedProcedure.output(z.array(AppPasswordSummarySchema)).query(({ ctx }) => read(ctx, "mailbox.appPasswords.list", () => mailAccessOf(ctx).appPasswords.list(ctx.user.id))),

  /** Creates one; the answer holds the password, once (the platform keeps no copy). */
  create: protectedProcedure
    .input(CreateAppPasswordSchema)
    .output(CreatedAppPasswordSchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, "mailbox.appPasswords.create", input.name, () => mailAccessOf(ctx).appPasswords.create(ctx.user.id, input.name, input.protocols), (made) => ({
        id: made.appPassword.id,
        protocols: made.appPassword.protocols,
      })),
    ),

  /** Revokes one of the mailbox's app passwords (the inbox's own only with `confirmInbox`). */
  revoke: protectedProcedure
    .input(RevokeAppPasswordSchema)
    .output(AppPasswordSummarySchema)
    .mutation(({ ctx, input }) =>
      audited(ctx, "mailbox.appPasswords.revoke", String(input.id), () => mailAccessOf(ctx).appPasswords.revoke(ctx.user.id, input.id, input.confirmInbox === true), (gone) => ({
        name: gone.name,
        usedBy: gone.usedBy,
      })),
    ),
});

export const deviceSetupRouter = router({
  /** A single-use link (for a QR code) that sets a phone up with a new app password; valid DEVICE_SETUP_TTL_MINUTES. */
  start: protectedProcedure
    .output(DeviceSetupStartSchema)
    .mutation(({ ctx }) => audited(ctx, "mailbox.deviceSetup.start", null, () => mailAccessOf(ctx).deviceSetup.start(ctx.user.id), (link) => ({ expiresAt: link.expiresAt }))),
});
