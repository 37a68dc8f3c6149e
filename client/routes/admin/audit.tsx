// The audit log: filters (who, action, target, result, dates), newest first with "more", and a CSV export of
// everything the filter matches (built in the browser from the same pages).
import { FileDown } from "lucide-react";
import { useId, useState } from "react";
import { AuditTable, type AuditEntry } from "../../components/admin/audit-table";
import { downloadCsv, ErrorNote, inputClass, labelClass, PageHeader } from "../../components/admin/ui";
import { useAdminWords } from "../../components/admin/words";
import { primaryButtonClass, smallSecondaryButtonClass, Spinner } from "../../components/ui";
import { trpc, type RouterInputs } from "../../trpc";

type Filter = Omit<RouterInputs["admin"]["audit"]["list"], "cursor" | "limit">;
const RESULTS = ["ok", "refused", "failed"] as const satisfies readonly NonNullable<Filter["result"]>[];
/** The export stops here: a larger log is filtered first. */
const EXPORT_LIMIT = 50_000;

/** A date field (yyyy-mm-dd) → the start of that day, or of the next day for "to", in the browser's time zone. */
function dayBound(value: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00`);
  if (end) date.setDate(date.getDate() + 1);
  return date.toISOString();
}

export function Component() {
  const w = useAdminWords();
  const id = useId();
  const utils = trpc.useUtils();
  const [filter, setFilter] = useState<Filter>({});
  const list = trpc.admin.audit.list.useInfiniteQuery({ ...filter, limit: 50 }, { getNextPageParam: (page) => page.nextCursor ?? undefined, refetchOnMount: "always" });
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const entries = list.data?.pages.flatMap((page) => page.items) ?? [];

  async function exportCsv() {
    setExporting(true);
    setExportError(null);
    try {
      const rows: AuditEntry[] = [];
      let cursor: number | undefined;
      do {
        const page = await utils.admin.audit.list.fetch({ ...filter, cursor, limit: 500 });
        rows.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined && rows.length < EXPORT_LIMIT);
      downloadCsv("audit.csv", [
        ["at", "actor", "action", "target", "result", "ip", "detail"],
        ...rows.map((entry) => [entry.at, entry.actorName, entry.action, entry.target, entry.result, entry.ip, entry.detail ? JSON.stringify(entry.detail) : ""]),
      ]);
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  }

  return (
    <div className="space-y-4" data-testid="admin-audit">
      <PageHeader
        title={w("audit.title")}
        intro={w("audit.intro")}
        actions={
          <button type="button" className={smallSecondaryButtonClass} disabled={exporting} onClick={() => void exportCsv()}>
            {exporting ? <Spinner /> : <FileDown aria-hidden="true" className="size-4" />}
            {w("audit.export")}
          </button>
        }
      />
      <form
        role="search"
        aria-label={w("mailboxes.filters")}
        className="grid gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200 sm:grid-cols-3 lg:grid-cols-6"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const text = (name: string) => String(form.get(name) ?? "").trim() || undefined;
          const result = RESULTS.find((value) => value === form.get("result"));
          setFilter({ actor: text("actor"), action: text("action"), target: text("target"), result, from: dayBound(String(form.get("from") ?? ""), false), to: dayBound(String(form.get("to") ?? ""), true) });
        }}
      >
        {(["actor", "action", "target"] as const).map((name) => (
          <div key={name} className="space-y-1">
            <label htmlFor={`${id}-${name}`} className={labelClass}>
              {w(`audit.filter.${name}`)}
            </label>
            <input id={`${id}-${name}`} name={name} className={inputClass} autoComplete="off" placeholder={name === "action" ? "admin." : undefined} />
          </div>
        ))}
        <div className="space-y-1">
          <label htmlFor={`${id}-result`} className={labelClass}>
            {w("audit.col.result")}
          </label>
          <select id={`${id}-result`} name="result" className={inputClass}>
            <option value="">{w("state.all")}</option>
            {RESULTS.map((value) => (
              <option key={value} value={value}>
                {w(`audit.result.${value}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-from`} className={labelClass}>
            {w("audit.filter.from")}
          </label>
          <input id={`${id}-from`} name="from" type="date" className={inputClass} />
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-to`} className={labelClass}>
            {w("audit.filter.to")}
          </label>
          <input id={`${id}-to`} name="to" type="date" className={inputClass} />
        </div>
        <div className="flex justify-end sm:col-span-3 lg:col-span-6">
          <button type="submit" className={primaryButtonClass}>
            {w("common.apply")}
          </button>
        </div>
      </form>
      <ErrorNote error={list.error ?? exportError} />
      <AuditTable entries={entries} label={w("audit.title")} />
      {list.hasNextPage && (
        <div className="flex justify-center">
          <button type="button" className={smallSecondaryButtonClass} disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {list.isFetchingNextPage && <Spinner />}
            {w("common.next")}
          </button>
        </div>
      )}
    </div>
  );
}

