import { router } from "../trpc";
import { importRouter } from "./admin/import";
import { reconcileRouter } from "./admin/reconcile";
import { authRouter } from "./auth";
import { mailboxRouter } from "./mailbox";

export const appRouter = router({
  // NOTE: until the admin router (server/routers/admin/index.ts) exists on this branch, the admin-ops areas mount here.
  admin: router({ import: importRouter, reconcile: reconcileRouter }),
  auth: authRouter,
  mailbox: mailboxRouter,
});

export type AppRouter = typeof appRouter;
