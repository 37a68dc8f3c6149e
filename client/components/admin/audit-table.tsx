// Audit entries as a table: who, what, target, when, result, from which IP.
import { TableFrame, tdClass, thClass } from "./ui";
import { useAdminWords } from "./words";
import { useI18n } from "../../i18n";
import type { RouterOutputs } from "../../trpc";

export type AuditEntry = RouterOutputs["admin"]["audit"]["list"]["items"][number];

const RESULT_TONE: Record<AuditEntry["result"], string> = {
  ok: "text-green-800",
  refused: "text-amber-900",
  failed: "text-red-800",
};

export function AuditTable({ entries, label }: { entries: readonly AuditEntry[]; label: string }) {
  const w = useAdminWords();
  const { formatDate } = useI18n();
  return (
    <TableFrame label={label}>
      <table className="min-w-full divide-y divide-gray-200" data-testid="audit-table">
        <caption className="sr-only">{label}</caption>
        <thead className="bg-gray-50">
          <tr>
            <th scope="col" className={thClass}>{w("audit.col.time")}</th>
            <th scope="col" className={thClass}>{w("audit.col.actor")}</th>
            <th scope="col" className={thClass}>{w("audit.col.action")}</th>
            <th scope="col" className={thClass}>{w("audit.col.target")}</th>
            <th scope="col" className={thClass}>{w("audit.col.result")}</th>
            <th scope="col" className={thClass}>{w("audit.col.ip")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100">
          {entries.map((entry) => (
            <tr key={entry.id} data-action={entry.action}>
              <td className={`${tdClass} whitespace-nowrap`}>{formatDate(entry.at, { dateStyle: "short", timeStyle: "medium" })}</td>
              <td className={tdClass}>{entry.actorName}</td>
              <td className={`${tdClass} font-mono text-xs`}>{entry.action}</td>
              <td className={`${tdClass} break-all`}>{entry.target ?? "—"}</td>
              <td className={`${tdClass} font-medium ${RESULT_TONE[entry.result]}`}>{w(`audit.result.${entry.result}`)}</td>
              <td className={`${tdClass} whitespace-nowrap font-mono text-xs`}>{entry.ip ?? "—"}</td>
            </tr>
          ))}
          {entries.length === 0 && (
            <tr>
              <td colSpan={6} className={`${tdClass} py-6 text-center text-gray-600`}>
                {w("common.empty")}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </TableFrame>
  );
}
