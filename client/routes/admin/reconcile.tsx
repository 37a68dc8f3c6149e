// Reconcile: run now, the last report grouped by drift kind, and the proposed fixes applied after a confirmation.
import { BadgeCheck, RefreshCw } from "lucide-react";
import { useState } from "react";
import { AdminDialog, Card, codeText, dangerButtonClass, DataTable, ErrorNote, inputClass, PageHeader, tdClass, thClass } from "../../components/admin/ui";
import { useAdminWords } from "../../components/admin/words";
import { primaryButtonClass, secondaryButtonClass, Spinner } from "../../components/ui";
import { useI18n } from "../../i18n";
import { trpc, type RouterOutputs } from "../../trpc";

type Report = NonNullable<RouterOutputs["admin"]["reconcile"]["report"]>;
type Item = Report["items"][number];
type Fix = Item["fixes"][number];
const KINDS = ["missing", "disabled", "quota_changed", "untagged", "orphan"] as const satisfies readonly Item["kind"][];

export function Component() {
  const w = useAdminWords();
  const { locale, formatDate, formatNumber } = useI18n();
  const utils = trpc.useUtils();
  const report = trpc.admin.reconcile.report.useQuery(undefined, { refetchOnMount: "always" });
  const run = trpc.admin.reconcile.run.useMutation({ onSuccess: () => utils.admin.reconcile.report.invalidate() });
  const fix = trpc.admin.reconcile.fix.useMutation({ onSuccess: (result) => utils.admin.reconcile.report.setData(undefined, result.report) });
  const [chosen, setChosen] = useState<ReadonlyMap<string, Fix>>(new Map());
  const [confirming, setConfirming] = useState(false);
  const [applied, setApplied] = useState<number | null>(null);
  const data = report.data;
  const open = data?.items.filter((item) => !item.fixed || item.fixed.result !== "ok") ?? [];

  function toggle(item: Item, on: boolean) {
    const next = new Map(chosen);
    const first = item.fixes[0];
    if (on && first) next.set(item.id, next.get(item.id) ?? first);
    else next.delete(item.id);
    setChosen(next);
  }

  async function apply() {
    const items = [...chosen].map(([id, value]) => ({ id, fix: value, ...(value === "delete_mailbox" ? { confirm: true } : {}) }));
    const result = await fix.mutateAsync({ items });
    setApplied(result.results.filter((r) => r.result === "ok").length);
    setChosen(new Map());
    setConfirming(false);
  }

  return (
    <div className="space-y-5" data-testid="admin-reconcile">
      <PageHeader
        title={w("reconcile.title")}
        intro={w("reconcile.intro")}
        actions={
          <button type="button" className={primaryButtonClass} disabled={run.isPending} onClick={() => run.mutate()}>
            {run.isPending ? <Spinner /> : <RefreshCw aria-hidden="true" className="size-4" />}
            {w(run.isPending ? "reconcile.running" : "reconcile.run")}
          </button>
        }
      />
      <ErrorNote error={run.error ?? report.error} />
      <div aria-live="polite" className="text-sm text-gray-700">
        {data ? (
          <p>
            {w("reconcile.lastRun", { time: formatDate(data.finishedAt, { dateStyle: "medium", timeStyle: "medium" }) })} ·{" "}
            {w("reconcile.totals", { platform: formatNumber(data.platformMailboxes), mailcow: formatNumber(data.mailcowMailboxes) })}
          </p>
        ) : (
          !report.isPending && <p>{w("reconcile.never")}</p>
        )}
        {applied !== null && <p className="font-medium text-green-800">{w("reconcile.applied", { count: applied })}</p>}
      </div>
      {data?.error && <p className="rounded-lg bg-red-50 p-3 text-sm text-red-800 ring-1 ring-red-200">{w("reconcile.error", { message: data.error })}</p>}
      {data && !data.error && open.length === 0 && (
        <Card>
          <p className="flex items-center gap-2 text-sm text-green-800">
            <BadgeCheck aria-hidden="true" className="size-5" />
            {w("reconcile.clean")}
          </p>
        </Card>
      )}

      {data &&
        KINDS.filter((kind) => data.items.some((item) => item.kind === kind)).map((kind) => {
          const items = data.items.filter((item) => item.kind === kind);
          return (
            <section key={kind} className="space-y-2" data-testid={`drift-${kind}`}>
              <h3 className="text-base font-semibold text-gray-900">
                {w(`reconcile.kind.${kind}`)} · {items.length}
              </h3>
              <DataTable
                label={w(`reconcile.kind.${kind}`)}
                columns={[<th scope="col" className={`${thClass} w-10`}> <span className="sr-only">{w("reconcile.col.select")}</span></th>, w("reconcile.col.address"), w("reconcile.col.detail"), w("reconcile.col.fix")]}
              >
                {items.map((item) => {
                  const done = item.fixed?.result === "ok";
                  return (
                    <tr key={item.id}>
                      <td className={tdClass}>
                        {!done && item.fixes.length > 0 && (
                          <input
                            type="checkbox"
                            aria-label={w("reconcile.selectItem", { address: item.address })}
                            checked={chosen.has(item.id)}
                            onChange={(event) => toggle(item, event.target.checked)}
                            className="size-4 rounded border-gray-300 text-pink-600 focus:ring-pink-500"
                          />
                        )}
                      </td>
                      <th scope="row" className={`${tdClass} break-all text-left font-medium`}>
                        {item.address}
                        {item.username && <div className="text-xs font-normal text-gray-600">{item.username}</div>}
                      </th>
                      <td className={tdClass}>
                        {item.kind === "quota_changed" && w("reconcile.quota", { mailcow: item.mailcowQuotaMiB ?? "—", platform: item.platformQuotaMiB ?? "—" })}
                        {item.fixed && (
                          <div className={item.fixed.result === "ok" ? "text-green-800" : "text-red-800"}>
                            {w("reconcile.fixed", { fix: w(`reconcile.fix.${item.fixed.fix}`) })}
                            {item.fixed.code && ` — ${codeText(w, locale, item.fixed.code)}`}
                          </div>
                        )}
                      </td>
                      <td className={tdClass}>
                        {item.fixes.length === 0 ? (
                          <span className="text-gray-600">{w("reconcile.noFix")}</span>
                        ) : (
                          <select
                            aria-label={`${w("reconcile.col.fix")}: ${item.address}`}
                            value={chosen.get(item.id) ?? item.fixes[0]}
                            disabled={done}
                            onChange={(event) => {
                              const value = item.fixes.find((f) => f === event.target.value);
                              if (value) setChosen(new Map(chosen).set(item.id, value));
                            }}
                            className={`${inputClass} min-w-48`}
                          >
                            {item.fixes.map((option) => (
                              <option key={option} value={option}>
                                {w(`reconcile.fix.${option}`)}
                              </option>
                            ))}
                          </select>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </DataTable>
            </section>
          );
        })}

      {chosen.size > 0 && (
        <div className="sticky bottom-4 flex justify-end">
          <button type="button" className={`${primaryButtonClass} shadow-lg`} onClick={() => setConfirming(true)}>
            {w("reconcile.apply", { count: chosen.size })}
          </button>
        </div>
      )}

      {confirming && (
        <AdminDialog id="reconcile-confirm" title={w("reconcile.applyTitle")} intro={w("reconcile.applyIntro", { count: chosen.size })} onClose={() => setConfirming(false)}>
          <div className="space-y-3">
            <ul className="max-h-48 list-disc space-y-0.5 overflow-y-auto pl-5 text-sm text-gray-800">
              {[...chosen].map(([id, value]) => (
                <li key={id}>
                  {data?.items.find((item) => item.id === id)?.address}: {w(`reconcile.fix.${value}`)}
                </li>
              ))}
            </ul>
            {[...chosen.values()].includes("delete_mailbox") && <p className="text-sm font-medium text-red-800">{w("reconcile.confirmDelete")}</p>}
            <ErrorNote error={fix.error} />
            <div className="flex flex-wrap justify-end gap-2">
              <button type="button" className={secondaryButtonClass} onClick={() => setConfirming(false)}>
                {w("common.cancel")}
              </button>
              <button type="button" data-autofocus className={[...chosen.values()].includes("delete_mailbox") ? dangerButtonClass : primaryButtonClass} disabled={fix.isPending} onClick={() => void apply().catch(() => undefined)}>
                {fix.isPending && <Spinner />}
                {w("common.apply")}
              </button>
            </div>
          </div>
        </AdminDialog>
      )}
    </div>
  );
}

