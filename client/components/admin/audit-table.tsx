// Audit entries as a table: who, what, target, when, result, from which IP.
import { DataTable, tdClass } from "./ui";
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
    <DataTable
      label={label}
      caption
      testId="audit-table"
      columns={[w("audit.col.time"), w("audit.col.actor"), w("audit.col.action"), w("audit.col.target"), w("audit.col.result"), w("audit.col.ip")]}
      empty={entries.length === 0 && w("common.empty")}
    >
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
    </DataTable>
  );
}
