import { router } from "../trpc";
import { adminRouter } from "./admin";
import { authRouter } from "./auth";
import { mailRouter } from "./mail";
import { mailboxRouter } from "./mailbox";

export const appRouter = router({
  admin: adminRouter,
  auth: authRouter,
  mailbox: mailboxRouter,
  mail: mailRouter,
});

export type AppRouter = typeof appRouter;
