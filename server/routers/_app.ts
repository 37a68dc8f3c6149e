import { router } from "../trpc";
import { adminRouter } from "./admin";
import { authRouter } from "./auth";
import { mailboxRouter } from "./mailbox";

export const appRouter = router({
  admin: adminRouter,
  auth: authRouter,
  mailbox: mailboxRouter,
});

export type AppRouter = typeof appRouter;
