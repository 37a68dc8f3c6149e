import { router } from "../trpc";
import { adminRouter } from "./admin";
import { authRouter } from "./auth";
import { mailboxRouter } from "./mailbox";

export const appRouter = router({
  auth: authRouter,
  mailbox: mailboxRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
