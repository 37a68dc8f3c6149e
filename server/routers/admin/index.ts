// admin.*: the admin console. Each area is its own file; add new ones here (import, reconcile, stats…).
import { router } from "../../trpc";
import { auditRouter } from "./audit";
import { importRouter } from "./import";
import { invitationsRouter } from "./invitations";
import { jobsRouter } from "./jobs";
import { mailboxesRouter } from "./mailboxes";
import { reconcileRouter } from "./reconcile";
import { statsRouter } from "./stats";

export const adminRouter = router({
  mailboxes: mailboxesRouter,
  invitations: invitationsRouter,
  audit: auditRouter,
  jobs: jobsRouter,
  import: importRouter,
  reconcile: reconcileRouter,
  stats: statsRouter,
});
