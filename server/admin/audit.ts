// The audit log as the console reads it: filters by names (actor, target) as well as ids, pages, and CSV export.
import type { z } from "zod";
import type { AdminAuditEntry, AuditFilterSchema, ListAuditSchema } from "../../shared/schemas/admin";
import type { AuditEntry, AuditFilter } from "../audit/audit-log";
import { loadCsv } from "../on-demand";
import type { Services } from "../services";

export function toAuditEntry(entry: AuditEntry): AdminAuditEntry {
  return { ...entry, at: new Date(entry.at).toISOString() };
}

/** The console's filter as the audit log's (names → ids); null when it names nobody, so nothing can match. */
function toLogFilter(services: Pick<Services, "accounts">, input: z.output<typeof AuditFilterSchema>): AuditFilter | null {
  const filter: AuditFilter = {};
  if (input.actor) {
    const account = services.accounts.findByUsername(input.actor.toLowerCase()) ?? services.accounts.findById(input.actor);
    if (account) filter.actorId = account.id;
    else filter.actorName = input.actor;
  }
  if (input.target) {
    const account = services.accounts.findByUsername(input.target.toLowerCase()) ?? services.accounts.findById(input.target);
    if (account) filter.targetUserId = account.id;
    else filter.target = input.target;
  }
  if (input.action) filter.action = input.action;
  if (input.result) filter.result = input.result;
  if (input.from) filter.from = Date.parse(input.from);
  if (input.to) filter.to = Date.parse(input.to);
  return filter;
}

export function auditPage(services: Pick<Services, "accounts" | "audit">, input: z.output<typeof ListAuditSchema>) {
  const filter = toLogFilter(services, input);
  if (!filter) return { items: [], nextCursor: null };
  const entries = services.audit.list({ ...filter, limit: input.limit + 1, ...(input.cursor ? { before: input.cursor } : {}) });
  const page = entries.slice(0, input.limit);
  return { items: page.map(toAuditEntry), nextCursor: entries.length > input.limit ? page.at(-1)!.id : null };
}

const CSV_MAX_ROWS = 100_000;

/** The filtered log as CSV (newest first, at most 100,000 rows), for GET /admin/audit.csv. */
export async function auditCsv(services: Pick<Services, "accounts" | "audit">, input: z.output<typeof AuditFilterSchema>): Promise<string> {
  const filter = toLogFilter(services, input);
  const rows: AuditEntry[] = [];
  if (filter) {
    let before: number | undefined;
    while (rows.length < CSV_MAX_ROWS) {
      const page = services.audit.list({ ...filter, limit: 1000, ...(before ? { before } : {}) });
      rows.push(...page);
      if (page.length < 1000) break;
      before = page.at(-1)!.id;
    }
  }
  const Papa = await loadCsv();
  return Papa.unparse({
    fields: ["id", "at", "actor", "actorId", "action", "targetUserId", "target", "result", "ip", "detail"],
    data: rows.map((e) => [e.id, new Date(e.at).toISOString(), e.actorName, e.actorId ?? "", e.action, e.targetUserId ?? "", e.target ?? "", e.result, e.ip ?? "", e.detail ? JSON.stringify(e.detail) : ""]),
  }, { escapeFormulae: true });
}
