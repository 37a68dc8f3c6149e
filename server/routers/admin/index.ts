// admin.*: the admin console's procedures (adminProcedure: signed in with the admin role).
import { router } from "../../trpc";
import { statsRouter } from "./stats";

export const adminRouter = router({
  stats: statsRouter,
});
