// Building blocks of the admin console: page header, sortable table headers, pagination, a modal dialog,
// progress with a live announcement, state badges, one-time secrets, errors and CSV downloads.
import { ArrowDown, ArrowUp, ArrowUpDown, CircleAlert, MoveLeft, MoveRight } from "lucide-react";
import Papa from "papaparse";
import type { ReactNode } from "react";
import type { MailboxState } from "../../../shared/schemas/mailbox";
import { failedForm } from "../../lib/form-result";
import { useMessage } from "../../i18n/messages";
import type { UiMessage } from "../../i18n/types";
import { CopyButton } from "../mail/copy-button";
import { ModalDialog } from "../mail/modal-dialog";
import { focusRing, smallSecondaryButtonClass } from "../ui";
import { isValidationCode, validationMessage } from "../../../shared/i18n/validation";
import type { Locale } from "../../../shared/i18n/locales";
import { hasAdminWord, type AdminWord, type AdminWords, useAdminWords } from "./words";

export const inputClass = `block w-full rounded-lg border-0 bg-white px-3 py-2 text-sm text-gray-900 shadow-sm ring-1 ring-inset ring-gray-300 placeholder:text-gray-400 focus:ring-2 focus:ring-inset focus:ring-pink-600`;
export const labelClass = "block text-sm font-medium text-gray-800";
export const thClass = "px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-gray-600";
export const tdClass = "px-3 py-2 align-top text-sm text-gray-800";
export const dangerButtonClass = `inline-flex items-center justify-center gap-2 rounded-lg bg-red-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-red-700 disabled:cursor-not-allowed disabled:opacity-70 ${focusRing}`;

export function PageHeader({ title, intro, actions }: { title: string; intro?: string; actions?: ReactNode }) {
  return (
    <header className="flex flex-wrap items-end justify-between gap-3">
      <div className="min-w-0">
        <h2 className="text-xl font-semibold tracking-tight text-gray-900">{title}</h2>
        {intro && <p className="mt-1 text-sm text-gray-600">{intro}</p>}
      </div>
      {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
    </header>
  );
}

/** A wide table scrolls sideways inside its card on a phone instead of widening the page. */
export function TableFrame({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-gray-200" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/**
 * A table in its frame: one header row (`columns`: a heading's text, or a ready `th` such as a sorting one), the rows
 * (`children`), and `empty` across the whole width when it is given (the caller passes it when there are no rows).
 */
export function DataTable(props: { label: string; caption?: boolean; columns: readonly ReactNode[]; empty?: string | false; testId?: string; children: ReactNode }) {
  return (
    <TableFrame label={props.label}>
      <table className="min-w-full divide-y divide-gray-200" data-testid={props.testId}>
        {props.caption && <caption className="sr-only">{props.label}</caption>}
        <thead className="bg-gray-50">
          <tr>
            {props.columns.map((column, index) =>
              typeof column === "string" ? (
                <th key={index} scope="col" className={thClass}>
                  {column}
                </th>
              ) : (
                column
              ),
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100">
          {props.children}
          {props.empty && (
            <tr>
              <td colSpan={props.columns.length} className={`${tdClass} py-6 text-center text-gray-600`}>
                {props.empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </TableFrame>
  );
}

export type SortDirection = "asc" | "desc";

/** A column header that sorts: the state is on the `th` (aria-sort), the control is a button. */
export function SortHeader({
  label,
  column,
  sort,
  onSort,
}: {
  label: string;
  column: string;
  sort: { field: string; dir: SortDirection };
  onSort: (column: string) => void;
}) {
  const w = useAdminWords();
  const active = sort.field === column;
  const Icon = !active ? ArrowUpDown : sort.dir === "asc" ? ArrowUp : ArrowDown;
  return (
    <th scope="col" className={thClass} aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : "none"}>
      <button
        type="button"
        onClick={() => onSort(column)}
        title={w("common.sortBy", { column: label })}
        className={`-mx-1 inline-flex items-center gap-1 rounded px-1 uppercase hover:text-gray-900 ${focusRing} ${active ? "text-gray-900" : ""}`}
      >
        {label}
        <Icon aria-hidden="true" className="size-3.5" />
      </button>
    </th>
  );
}

export function Pagination({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (page: number) => void }) {
  const w = useAdminWords();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <nav aria-label={w("common.pagination")} className="flex flex-wrap items-center justify-between gap-3 text-sm text-gray-700">
      <p aria-live="polite">{w("common.rows", { from, to, total })}</p>
      <div className="flex items-center gap-2">
        <button type="button" className={smallSecondaryButtonClass} disabled={page <= 1} onClick={() => onPage(page - 1)}>
          <MoveLeft aria-hidden="true" className="size-4" />
          <span className="sr-only sm:not-sr-only">{w("common.prev")}</span>
        </button>
        <span>{w("common.page", { page, pages })}</span>
        <button type="button" className={smallSecondaryButtonClass} disabled={page >= pages} onClick={() => onPage(page + 1)}>
          <span className="sr-only sm:not-sr-only">{w("common.next")}</span>
          <MoveRight aria-hidden="true" className="size-4" />
        </button>
      </div>
    </nav>
  );
}

/** The admin console's modal dialog: the shared one, with the console's close label and its content set off below. */
export function AdminDialog({ id, title, intro, onClose, children, wide }: { id: string; title: string; intro?: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const w = useAdminWords();
  return (
    <ModalDialog id={id} title={title} intro={intro} closeLabel={w("common.close")} onClose={onClose} wide={wide}>
      <div className="mt-4">{children}</div>
    </ModalDialog>
  );
}

/** A determinate bar with the same figures announced politely to screen readers. */
export function Progress({ done, total, label }: { done: number; total: number; label?: string }) {
  const w = useAdminWords();
  const percent = total > 0 ? Math.round((done / total) * 100) : 0;
  const text = w("common.progress", { done, total });
  return (
    <div className="space-y-1.5" data-testid="progress">
      <div
        role="progressbar"
        aria-label={label ?? w("common.progressLabel")}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={text}
        className="h-2.5 overflow-hidden rounded-full bg-gray-200"
      >
        <div className="h-full rounded-full bg-pink-600 transition-[width]" style={{ width: `${percent}%` }} />
      </div>
      <p aria-live="polite" className="text-sm text-gray-700">
        {text}
      </p>
    </div>
  );
}

const STATE_TONE: Record<MailboxState, string> = {
  active: "bg-green-50 text-green-800 ring-green-200",
  provisioning: "bg-blue-50 text-blue-800 ring-blue-200",
  pending: "bg-amber-50 text-amber-900 ring-amber-200",
  failed: "bg-red-50 text-red-800 ring-red-200",
  needs_password: "bg-amber-50 text-amber-900 ring-amber-200",
  conflict: "bg-red-50 text-red-800 ring-red-200",
  disabled: "bg-gray-100 text-gray-700 ring-gray-300",
  deleting: "bg-gray-100 text-gray-700 ring-gray-300",
  none: "bg-gray-100 text-gray-700 ring-gray-300",
};

export function StateBadge({ state }: { state: MailboxState }) {
  const w = useAdminWords();
  return (
    <span className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATE_TONE[state]}`} data-state={state}>
      {w(`state.${state}`)}
    </span>
  );
}

/** A secret (temporary password, reset link) shown once, with a copy button. */
export function ShownOnce({ label, hint, value }: { label: string; hint: string; value: string }) {
  const w = useAdminWords();
  return (
    <div className="space-y-1.5 rounded-lg bg-amber-50 p-3 ring-1 ring-amber-200" data-testid="shown-once">
      <p className="text-sm font-semibold text-amber-900">{label}</p>
      <div className="flex items-center gap-2">
        <code className="min-w-0 flex-1 break-all rounded bg-white px-2 py-1 font-mono text-sm text-gray-900 ring-1 ring-gray-200">{value}</code>
        <CopyButton value={value} label={label} announce={w("common.copied")} />
      </div>
      <p className="text-xs text-amber-900">
        {hint}. {w("common.shownOnce")}
      </p>
    </div>
  );
}

/** A failed request in words (the server's message is already in the user's language). */
export function ErrorNote({ error }: { error: unknown }) {
  const message = useMessage();
  const w = useAdminWords();
  if (!error) return <div role="alert" className="sr-only" />;
  const { formError, fieldErrors } = failedForm(error, []);
  const first: UiMessage | undefined = formError ?? Object.values<UiMessage | undefined>(fieldErrors).find((value) => value !== undefined);
  return (
    <div role="alert" className="flex items-start gap-2 rounded-lg bg-red-50 p-3 text-sm text-red-800 ring-1 ring-red-200">
      <CircleAlert aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
      <span>{w("common.error", { message: first ? message(first) : "" })}</span>
    </div>
  );
}

/** Builds a CSV in the browser and hands it to the user as a download. */
export function downloadCsv(filename: string, rows: readonly (readonly unknown[])[]): void {
  // A byte-order mark so spreadsheet programs read UTF-8 (Cyrillic names) correctly.
  downloadCsvText(filename, Papa.unparse(rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? "" : String(cell))))));
}

/** Hands CSV text to the user as a download. */
export function downloadCsvText(filename: string, csv: string): void {
  const text = csv.startsWith("\uFEFF") ? csv : "\uFEFF" + csv;
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Reads a chosen file as UTF-8 text. */
export function readTextFile(file: File): Promise<string> {
  return file.text();
}

export function Card({ title, children, actions }: { title?: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200 sm:p-5">
      {(title || actions) && (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {title && <h3 className="text-base font-semibold text-gray-900">{title}</h3>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

export type { AdminWord };

/** Words for a code from the server: a skip reason of the console, a shared validation code, or the code itself. */
export function codeText(w: AdminWords, locale: Locale, code: string, params?: Record<string, string | number> | null): string {
  if (hasAdminWord(code)) return w(code, params ?? undefined);
  const skip = `skip.${code}`;
  if (hasAdminWord(skip)) return w(skip, params ?? undefined);
  if (isValidationCode(code)) return validationMessage(code, locale, params ?? undefined);
  return code;
}
