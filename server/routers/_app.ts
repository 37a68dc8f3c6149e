import { router } from "../trpc";
import { authRouter } from "./auth";
import { mailboxRouter } from "./mailbox";

export const appRouter = router({
  auth: authRouter,
  mailbox: mailboxRouter,
});

export type AppRouter = typeof appRouter;
