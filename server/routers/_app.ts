import { router } from "../trpc";
import { authRouter } from "./auth";
import { mailRouter } from "./mail";
import { mailboxRouter } from "./mailbox";

export const appRouter = router({
  auth: authRouter,
  mailbox: mailboxRouter,
  mail: mailRouter,
});

export type AppRouter = typeof appRouter;
