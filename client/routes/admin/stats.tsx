// The admin console's statistics section (/admin/stats, inside the console's layout): totals, growth over time, quota-use distribution, active users, provisioning outcomes
// and times, and the mailboxes nearly full now (with "raise the size"). Charts (uPlot) and CSV (papaparse) load with
// this chunk only; every chart has a text summary and a table.
import { useCallback, useMemo, useState, type FormEvent } from "react";
import { ShieldAlert } from "lucide-react";
import { Chart, type ChartRow } from "../../components/admin-stats/chart";
import { useStatsWords, type StatsWord } from "../../components/admin-stats/words";
import { Link } from "react-router";
import { adminPersonPath } from "../../components/admin/paths";
import { cardClass, linkClass, primaryButtonClass, Spinner } from "../../components/ui";
import { useI18n } from "../../i18n";
import { trpc } from "../../trpc";
import type { StatsMetric, StatsSummary } from "../../../shared/schemas/stats";

const RANGES = [30, 90, 365] as const;
const SERIES: StatsMetric[] = ["used_bytes", "mailboxes", "active_users", "near_full"];
const DAY_MS = 86_400_000;
const MIB = 1_048_576;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// Kept in this chunk: importing client/lib/format-bytes here would cut it out of the Mail page's chunk into a chunk
// of its own (one more request and ~0.3 kB gzip on the first visit to /mail).
const BYTE_UNITS = [
  ["gigabyte", 1024 ** 3],
  ["megabyte", 1024 ** 2],
  ["kilobyte", 1024],
] as const;
function formatBytes(bytes: number, formatNumber: (value: number, options?: Intl.NumberFormatOptions) => string): string {
  const [unit, size] = BYTE_UNITS.find(([, size]) => bytes >= size) ?? BYTE_UNITS[2];
  return formatNumber(bytes / size, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: bytes / size < 10 ? 1 : 0 });
}

export function Component() {
  const w = useStatsWords();
  const [days, setDays] = useState<(typeof RANGES)[number]>(90);
  const range = useMemo(() => ({ from: isoDay(Date.now() - (days - 1) * DAY_MS), to: isoDay(Date.now()) }), [days]);
  const summary = trpc.admin.stats.summary.useQuery(undefined, { retry: false });

  if (summary.error?.data?.code === "FORBIDDEN") {
    return (
      <div className={`${cardClass} p-6 text-center`} data-testid="stats-forbidden">
        <ShieldAlert aria-hidden="true" className="mx-auto size-10 text-pink-600" />
        <p className="mt-3 text-sm text-gray-700">{w("forbidden")}</p>
      </div>
    );
  }
  return (
    <div className="space-y-6" data-testid="admin-statistics">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 className="text-xl font-semibold tracking-tight text-gray-900">{w("heading")}</h2>
          <p className="mt-1 text-sm text-gray-600">{w("intro")}</p>
        </div>
        <fieldset className="flex gap-1 rounded-lg bg-white p-1 ring-1 ring-gray-200">
          <legend className="sr-only">{w("range")}</legend>
          {RANGES.map((value) => (
            <label key={value} className="cursor-pointer rounded-md px-3 py-1.5 text-sm has-[:checked]:bg-pink-600 has-[:checked]:text-white has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-pink-500">
              <input type="radio" name="range" className="sr-only" checked={days === value} onChange={() => setDays(value)} />
              {w(`range.${value}` as StatsWord)}
            </label>
          ))}
        </fieldset>
      </header>
      {summary.isPending ? (
        <div role="status" className="grid place-items-center py-12 text-pink-600">
          <Spinner className="size-6" />
        </div>
      ) : summary.error ? (
        <p role="alert" className="text-sm text-red-700">
          {w("loadFailed")}
        </p>
      ) : (
        <Content summary={summary.data} from={range.from} to={range.to} />
      )}
    </div>
  );
}

function Content({ summary, from, to }: { summary: StatsSummary; from: string; to: string }) {
  const w = useStatsWords();
  const { formatNumber, formatDate } = useI18n();
  const bytes = useCallback((value: number) => formatBytes(value, formatNumber), [formatNumber]);
  const count = useCallback((value: number) => formatNumber(value, { maximumFractionDigits: 0 }), [formatNumber]);
  const { totals } = summary;
  return (
    <>
      <p className="text-sm text-gray-600" data-testid="snapshot-time">
        {summary.takenAt ? w("snapshot", { time: formatDate(summary.takenAt, { dateStyle: "long", timeStyle: "short" }) }) : w("noSnapshot")}
      </p>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5" data-testid="stats-totals">
        <Total label={w("totals.accounts")} value={count(totals.accounts)} />
        <Total label={w("totals.mailboxes")} value={count(totals.mailboxes)} />
        <Total label={w("totals.used")} value={bytes(totals.usedBytes)} note={w("totals.allocated", { size: bytes(totals.allocatedBytes) })} />
        <Total label={w("totals.nearFull")} value={count(totals.nearFull)} />
        <Total label={w("totals.messages")} value={count(totals.messages)} />
      </dl>
      <div className="grid gap-4 lg:grid-cols-2">
        {SERIES.map((metric) => (
          <SeriesChart key={metric} metric={metric} from={from} to={to} format={metric === "used_bytes" ? bytes : count} />
        ))}
        <Distribution summary={summary} />
        <Activity summary={summary} />
      </div>
      <Provisioning summary={summary} />
      <NearFull warnPercent={summary.thresholds.warnPercent} />
    </>
  );
}

function Total({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className={`${cardClass} p-4`}>
      <dt className="text-xs font-medium uppercase tracking-wide text-gray-500">{label}</dt>
      <dd className="mt-1 text-xl font-semibold tabular-nums text-gray-900">{value}</dd>
      {note && <dd className="text-xs text-gray-500">{note}</dd>}
    </div>
  );
}

function SeriesChart({ metric, from, to, format }: { metric: StatsMetric; from: string; to: string; format: (value: number) => string }) {
  const w = useStatsWords();
  const series = trpc.admin.stats.series.useQuery({ metric, from, to });
  const rows: ChartRow[] = useMemo(() => (series.data?.points ?? []).map((p) => ({ label: p.day, value: p.value })), [series.data]);
  if (series.isPending) return <div className={`${cardClass} h-72 animate-pulse`} aria-hidden="true" />;
  const first = rows[0];
  const last = rows.at(-1);
  const summary =
    first && last ? w("chart.summary", { first: first.label, firstValue: format(first.value), last: last.label, lastValue: format(last.value), points: rows.length }) : "";
  const title = w(`chart.${metric}` as StatsWord);
  return <Chart id={metric} title={title} rows={rows} kind="line" format={format} summary={summary} columns={[w("col.day"), title]} whole={metric !== "used_bytes"} />;
}

function Distribution({ summary }: { summary: StatsSummary }) {
  const w = useStatsWords();
  const { formatNumber } = useI18n();
  const { buckets, unlimited } = summary.quotaDistribution;
  const rows = useMemo(() => (summary.snapshotDay ? buckets.map((b) => ({ label: b.to === null ? `≥${b.from}%` : `${b.from}–${b.to}%`, value: b.count })) : []), [buckets, summary.snapshotDay]);
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  const format = useCallback((value: number) => formatNumber(value, { maximumFractionDigits: 0 }), [formatNumber]);
  return (
    <Chart
      id="quota_distribution"
      title={w("chart.distribution")}
      rows={rows}
      kind="bars"
      format={format}
      whole
      summary={`${w("chart.distributionSummary", { total, unlimited })}. ${rows.map((r) => `${r.label} — ${r.value}`).join(", ")}`}
      columns={[w("col.bucket"), w("col.count")]}
    />
  );
}

function Activity({ summary }: { summary: StatsSummary }) {
  const w = useStatsWords();
  const active = summary.activeUsers;
  return (
    <section className={`${cardClass} p-4 sm:p-5`} aria-labelledby="active-title" data-testid="active-users">
      <h3 id="active-title" className="text-base font-semibold text-gray-900">
        {w("active.title")}
      </h3>
      <dl className="mt-3 grid grid-cols-2 gap-3 text-sm">
        {(["imap", "smtp", "webmail", "any"] as const).map((key) => (
          <div key={key} className="rounded-lg bg-gray-50 p-3">
            <dt className="text-gray-600">{w(`active.${key}`)}</dt>
            <dd className="text-lg font-semibold tabular-nums text-gray-900">{active[key]}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Provisioning({ summary }: { summary: StatsSummary }) {
  const w = useStatsWords();
  const { formatNumber } = useI18n();
  const { durations, states, outcomes } = summary.provisioning;
  const time = (seconds: number | null) =>
    seconds === null ? "—" : seconds < 120 ? formatNumber(seconds, { style: "unit", unit: "second", maximumFractionDigits: 1 }) : formatNumber(seconds / 60, { style: "unit", unit: "minute", maximumFractionDigits: 0 });
  const stateName = (state: string) => w(`state.${state}` as StatsWord);
  return (
    <section className={`${cardClass} p-4 sm:p-5`} aria-labelledby="prov-title" data-testid="provisioning">
      <h3 id="prov-title" className="text-base font-semibold text-gray-900">
        {w("prov.title")}
      </h3>
      <p className="mt-1 text-sm text-gray-700">
        {durations.count === 0
          ? w("prov.noDurations")
          : w("prov.durations", { median: time(durations.medianSeconds), p90: time(durations.p90Seconds), max: time(durations.maxSeconds), count: durations.count })}
      </p>
      <div className="mt-3 grid gap-4 text-sm sm:grid-cols-2">
        {(
          [
            ["prov.states", states],
            ["prov.outcomes", outcomes],
          ] as const
        ).map(([title, list]) => (
          <div key={title}>
            <h4 className="font-medium text-gray-900">{w(title)}</h4>
            <ul className="mt-1 space-y-0.5">
              {list.map((item) => (
                <li key={item.state} className="flex justify-between gap-4 border-b border-gray-100 py-0.5">
                  <span className="text-gray-700">{stateName(item.state)}</span>
                  <span className="tabular-nums">{item.count}</span>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </section>
  );
}

function NearFull({ warnPercent }: { warnPercent: number }) {
  const w = useStatsWords();
  const { formatNumber } = useI18n();
  const near = trpc.admin.stats.nearFull.useQuery(undefined, { retry: false });
  return (
    <section className={`${cardClass} p-4 sm:p-5`} aria-labelledby="near-title" data-testid="near-full">
      <h3 id="near-title" className="text-base font-semibold text-gray-900">
        {w("near.title")}
      </h3>
      {near.isPending ? (
        <Spinner className="mt-3 size-5 text-pink-600" />
      ) : near.error ? (
        <p className="mt-2 text-sm text-gray-700">{w("near.unavailable")}</p>
      ) : near.data.items.length === 0 ? (
        <p className="mt-2 text-sm text-gray-700">{w("near.none", { percent: warnPercent })}</p>
      ) : (
        <table className="mt-3 w-full text-left text-sm">
          <thead>
            <tr className="border-b border-gray-200 text-gray-600">
              <th scope="col" className="py-1.5 pr-4 font-medium">
                {w("near.user")}
              </th>
              <th scope="col" className="py-1.5 pr-4 font-medium">
                {w("near.use")}
              </th>
              <th scope="col" className="py-1.5 font-medium">
                {w("near.raise")}
              </th>
            </tr>
          </thead>
          <tbody>
            {near.data.items.map((item) => (
              <tr key={item.userId} className="border-b border-gray-100 align-top" data-testid="near-full-row">
                <td className="py-2 pr-4">
                  <Link to={adminPersonPath(item.userId)} className={linkClass}>
                    {item.username}
                  </Link>
                  <div className="text-gray-600">{item.address}</div>
                </td>
                <td className="py-2 pr-4 tabular-nums">
                  <span className={item.level === "critical" ? "font-semibold text-red-700" : "font-semibold text-amber-700"}>{item.percent}%</span>{" "}
                  <span className="text-gray-600">
                    ({formatBytes(item.usedBytes, formatNumber)} / {formatBytes(item.quotaBytes, formatNumber)}, {w(`level.${item.level}`)})
                  </span>
                </td>
                <td className="py-2">
                  <RaiseQuota userId={item.userId} address={item.address} quotaBytes={item.quotaBytes} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The admin console's setQuota action for one person (admin.mailboxes.perform; it checks the domain's room). */
function RaiseQuota({ userId, address, quotaBytes }: { userId: string; address: string; quotaBytes: number }) {
  const w = useStatsWords();
  const [mib, setMib] = useState(String(Math.ceil((quotaBytes * 2) / MIB)));
  const perform = trpc.admin.mailboxes.perform.useMutation();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    perform.mutate({ action: { type: "setQuota", quotaMiB: Number(mib) }, target: { userIds: [userId] } });
  };
  const inputId = `raise-${userId}`;
  return (
    <form onSubmit={submit} className="flex flex-wrap items-center gap-2">
      <label htmlFor={inputId} className="sr-only">
        {w("near.raiseLabel", { address })}
      </label>
      <input
        id={inputId}
        type="number"
        min={1}
        inputMode="numeric"
        value={mib}
        onChange={(event) => setMib(event.target.value)}
        className="w-28 rounded-md border-gray-300 px-2 py-1.5 text-sm ring-1 ring-gray-300 focus:ring-2 focus:ring-pink-500"
      />
      <button type="submit" className={`${primaryButtonClass} !px-3 !py-1.5`} disabled={perform.isPending} aria-label={w("near.raiseLabel", { address })}>
        {w("near.raiseButton")}
      </button>
      <span role="status" className="w-full text-xs text-gray-600">
        {perform.isSuccess ? w("near.started") : perform.error ? w("near.failed", { reason: perform.error.message }) : ""}
      </span>
    </form>
  );
}

export { ContentErrorBoundary as ErrorBoundary } from "../../components/route-error";
