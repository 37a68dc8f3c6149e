// GET /admin/audit.csv: the audit log as CSV, with admin.audit.list's filters as query parameters
// (?actor=&target=&action=&result=&from=&to=). A signed-in admin only; the export itself is audited.
import type { FastifyPluginAsync } from "fastify";
import { AuditFilterSchema } from "../../shared/schemas/admin";
import { adminCore } from "../admin/core";
import { auditCsv } from "../admin/audit";
import type { Services } from "../services";

export const adminAuditRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  app.get("/admin/audit.csv", async (req, reply) => {
    const sessionId = req.cookies[services.sessions.cookieName];
    const validated = sessionId ? await services.sessions.validate(sessionId) : null;
    const text = (status: number, body: string) => reply.code(status).type("text/plain; charset=utf-8").header("cache-control", "no-store").send(body);
    if (!validated) return text(401, "Sign in first.\n");
    if (!services.accounts.isAdmin(validated.user.id)) return text(403, "Only administrators may export the audit log.\n");
    try {
      await adminCore(services).limit(validated.user.id);
    } catch {
      return text(429, "Too many requests; try again in a minute.\n");
    }
    const parsed = AuditFilterSchema.safeParse(req.query ?? {});
    if (!parsed.success) return text(400, `Bad filter: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}\n`);
    const csv = await auditCsv(services, parsed.data);
    services.audit.record({
      actorId: validated.user.id,
      actorName: validated.user.username,
      action: "admin.audit.export",
      result: "ok",
      detail: { filter: parsed.data, bytes: csv.length },
      ip: req.ip,
    });
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="audit-${new Date(services.now()).toISOString().slice(0, 10)}.csv"`)
      .header("cache-control", "no-store")
      .send(`\uFEFF${csv}\r\n`);
  });
};
