import {
  CreateInvitationsResultSchema,
  CreateInvitationsSchema,
  InvitationPageSchema,
  ListInvitationsSchema,
  RevokeInvitationsResultSchema,
  RevokeInvitationsSchema,
} from "../../../shared/schemas/admin";
import { adminCore } from "../../admin/core";
import { router } from "../../trpc";
import { adminLimitedProcedure } from "./procedure";

export const invitationsRouter = router({
  /** One invitation, `{ count }` blank ones, or one per name in `{ usernames }`; links are in this answer only. */
  create: adminLimitedProcedure
    .input(CreateInvitationsSchema)
    .output(CreateInvitationsResultSchema)
    .mutation(({ ctx, input }) => {
      const result = adminCore(ctx).invitations.create(input, ctx.user.id);
      ctx.audit.record({
        actorId: ctx.user.id,
        actorName: ctx.user.username,
        action: "admin.invitations.create",
        result: result.invitations.length ? "ok" : "refused",
        detail: { created: result.invitations.length, refused: result.refused.length, ids: result.invitations.slice(0, 100).map((i) => i.id) },
        ip: ctx.ip,
      });
      return result;
    }),
  list: adminLimitedProcedure
    .input(ListInvitationsSchema)
    .output(InvitationPageSchema)
    .query(({ ctx, input }) => adminCore(ctx).invitations.list(input)),
  revoke: adminLimitedProcedure
    .input(RevokeInvitationsSchema)
    .output(RevokeInvitationsResultSchema)
    .mutation(({ ctx, input }) => {
      const result = adminCore(ctx).invitations.revoke(input.ids);
      ctx.audit.record({
        actorId: ctx.user.id,
        actorName: ctx.user.username,
        action: "admin.invitations.revoke",
        target: input.ids.length === 1 ? input.ids[0] : null,
        result: result.revoked ? "ok" : "refused",
        detail: { revoked: result.revoked, notRevocable: result.notRevocable.length },
        ip: ctx.ip,
      });
      return result;
    }),
});
