import { AuditPageSchema, ListAuditSchema } from "../../../shared/schemas/admin";
import { auditPage } from "../../admin/audit";
import { router } from "../../trpc";
import { adminLimitedProcedure } from "./procedure";

export const auditRouter = router({
  /** Newest first; `cursor` is the previous page's `nextCursor`. CSV: GET /admin/audit.csv with the same filters. */
  list: adminLimitedProcedure
    .input(ListAuditSchema)
    .output(AuditPageSchema)
    .query(({ ctx, input }) => auditPage(ctx, input)),
});
