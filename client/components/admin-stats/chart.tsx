// One chart of the statistics page: a uPlot canvas (hidden from screen readers), a one-line text summary, the same
// figures as a table behind "show as a table", and a CSV download (the console's papaparse helper). uPlot and its
// CSS load with this page's chunk only.
import { FileDown } from "lucide-react";
import { useEffect, useId, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { downloadCsv } from "../admin/ui";
import { cardClass, smallSecondaryButtonClass } from "../ui";
import { useStatsWords } from "./words";

export interface ChartRow {
  /** The x label: a day "YYYY-MM-DD" (line charts) or a bucket name (bars). */
  label: string;
  value: number;
}

const PINK = "#db2777";
/** Tick steps for whole numbers (counts), so no axis shows "1, 1, 2" from rounded fractions. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 1_000_000];

export function Chart({
  id,
  title,
  rows,
  kind,
  format,
  summary,
  columns,
  whole = false,
}: {
  id: string;
  title: string;
  rows: ChartRow[];
  kind: "line" | "bars";
  format: (value: number) => string;
  /** The text alternative: what the chart shows in one sentence. */
  summary: string;
  /** Table and CSV column names: [label column, value column]. */
  columns: [string, string];
  /** The values are counts: ticks at whole numbers only. */
  whole?: boolean;
}) {
  const w = useStatsWords();
  const headingId = useId();
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = box.current;
    if (!element || rows.length === 0) return;
    const xs = kind === "line" ? rows.map((row) => Date.parse(`${row.label}T00:00:00Z`) / 1000) : rows.map((_, i) => i);
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height: 220,
      legend: { show: false },
      cursor: { show: kind === "line", drag: { x: false, y: false } },
      scales: { x: { time: kind === "line", ...(kind === "bars" && { range: [-0.5, rows.length - 0.5] as [number, number] }) }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        { stroke: "#4b5563", grid: { stroke: "#e5e7eb" }, ...(kind === "bars" && { values: (_u: uPlot, splits: number[]) => splits.map((i) => rows[i]?.label ?? "") }) },
        { stroke: "#4b5563", grid: { stroke: "#e5e7eb" }, size: 70, values: (_u: uPlot, splits: number[]) => splits.map(format), ...(whole && { incrs: WHOLE_STEPS }) },
      ],
      series: [
        {},
        kind === "line"
          ? { stroke: PINK, width: 2, fill: "rgba(219, 39, 119, 0.08)", points: { show: rows.length < 40 } }
          : { stroke: PINK, fill: "rgba(219, 39, 119, 0.6)", paths: uPlot.paths.bars!({ size: [0.6, 80] }), points: { show: false } },
      ],
    };
    const plot = new uPlot(options, [xs, rows.map((row) => row.value)], element);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, element.clientWidth), height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [rows, kind, format, whole]);

  return (
    <figure className={`${cardClass} p-4 sm:p-5`} aria-labelledby={headingId} data-testid={`chart-${id}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h3 id={headingId} className="text-base font-semibold text-gray-900">
          {title}
        </h3>
        <button
          type="button"
          className={smallSecondaryButtonClass}
          disabled={rows.length === 0}
          onClick={() => downloadCsv(`${id}.csv`, [columns, ...rows.map((row) => [row.label, row.value])])}
        >
          <FileDown aria-hidden="true" className="size-4" />
          {w("chart.csv")}
          <span className="sr-only">: {title}</span>
        </button>
      </div>
      <figcaption className="mt-1 text-sm text-gray-600">{rows.length === 0 ? w("chart.empty") : summary}</figcaption>
      {rows.length > 0 && <div ref={box} aria-hidden="true" className="mt-3 w-full" data-testid="chart-canvas" />}
      {rows.length > 0 && (
        <details className="mt-2 text-sm">
          <summary className="cursor-pointer text-pink-700">{w("chart.table")}</summary>
          <table className="mt-2 w-full text-left">
            <thead>
              <tr className="border-b border-gray-200 text-gray-600">
                <th scope="col" className="py-1 pr-4 font-medium">
                  {columns[0]}
                </th>
                <th scope="col" className="py-1 font-medium">
                  {columns[1]}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.label} className="border-b border-gray-100">
                  <td className="py-1 pr-4 tabular-nums">{row.label}</td>
                  <td className="py-1 tabular-nums">{format(row.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}
