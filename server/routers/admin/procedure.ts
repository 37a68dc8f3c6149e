// The base of every admin.* procedure: a signed-in admin (FORBIDDEN otherwise), within the per-admin rate limit.
import { adminCore } from "../../admin/core";
import type { Actor } from "../../admin/actions";
import { adminProcedure } from "../../trpc";

export const adminLimitedProcedure = adminProcedure.use(async function limitAdmin({ ctx, next }) {
  await adminCore(ctx).limit(ctx.user.id);
  return next();
});

/** Who is acting, for the audit log. */
export function actorOf(ctx: { user: { id: string; username: string }; ip: string }): Actor {
  return { id: ctx.user.id, name: ctx.user.username, ip: ctx.ip };
}
