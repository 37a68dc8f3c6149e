// The mailboxes table: counts per state, search and filters (kept in the address, so back/forward and links work),
// server-side sorting and paging, selecting rows or the whole filter, and actions with a dry-run preview.
import { keepPreviousData } from "@tanstack/react-query";
import { Search, ShieldUser } from "lucide-react";
import { useCallback, useId, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { MAILBOX_REASONS, MAILBOX_STATES, type MailboxReason, type MailboxState } from "../../../shared/schemas/mailbox";
import { adminPersonPath } from "../../components/admin/paths";
import { mailboxReasonText } from "../../../shared/i18n/mailbox";
import { isMailboxState } from "../../components/admin/states";
import { ActionFlow, BULK_ACTIONS, type AdminActionType, type AdminTarget } from "../../components/admin/action-flow";
import { ErrorNote, inputClass, labelClass, Pagination, SortHeader, StateBadge, TableFrame, tdClass, thClass, type SortDirection } from "../../components/admin/ui";
import { useAdminWords } from "../../components/admin/words";
import { focusRing, linkClass, smallSecondaryButtonClass, Spinner } from "../../components/ui";
import { useI18n } from "../../i18n";
import { trpc, type RouterInputs } from "../../trpc";

type ListInput = RouterInputs["admin"]["mailboxes"]["list"];
type Filter = NonNullable<ListInput["filter"]>;
type SortBy = NonNullable<ListInput["sort"]>["field"];

const PAGE_SIZE = 50;
const SORTABLE = ["username", "state", "quotaUse", "lastLogin", "createdAt"] as const satisfies readonly SortBy[];

function isState(value: string | null): value is MailboxState {
  return value !== null && isMailboxState(value);
}
function isReason(value: string | null): value is MailboxReason {
  return MAILBOX_REASONS.some((reason) => reason === value);
}
function isSortBy(value: string | null): value is SortBy {
  return SORTABLE.some((column) => column === value);
}

/** The address's query → the list's filter (unknown values are ignored). */
function readFilter(params: URLSearchParams): Filter {
  const filter: Filter = {};
  const state = params.get("state");
  if (isState(state)) filter.states = [state];
  const reason = params.get("reason");
  if (isReason(reason)) filter.reasons = [reason];
  const quota = Number(params.get("quota"));
  if (params.get("quota") && Number.isFinite(quota)) filter.quotaAbovePercent = quota;
  const lastLogin = params.get("lastLogin");
  if (lastLogin && /^\d{4}-\d{2}-\d{2}$/.test(lastLogin)) filter.lastLoginBefore = lastLogin;
  const admin = params.get("admin");
  if (admin === "yes" || admin === "no") filter.admin = admin === "yes";
  const q = params.get("q")?.trim();
  if (q) filter.search = q;
  return filter;
}

export function Component() {
  const w = useAdminWords();
  const { locale, formatDate, formatNumber } = useI18n();
  const [params, setParams] = useSearchParams();
  const utils = trpc.useUtils();
  const filter = useMemo(() => readFilter(params), [params]);
  const page = Math.max(1, Number(params.get("page")) || 1);
  const sortParam = params.get("sort");
  const sort = { field: isSortBy(sortParam) ? sortParam : "username", dir: (params.get("dir") === "desc" ? "desc" : "asc") as SortDirection };
  const list = trpc.admin.mailboxes.list.useQuery({ filter, sort, offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE }, { placeholderData: keepPreviousData, refetchOnMount: "always" });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [wholeFilter, setWholeFilter] = useState(false);
  const [action, setAction] = useState<AdminActionType | null>(null);
  // On a phone the filters beyond the search fold away behind a button (always shown from the sm breakpoint).
  const [filtersOpen, setFiltersOpen] = useState(false);
  const refresh = useCallback(() => {
    void utils.admin.mailboxes.list.invalidate();
    void utils.admin.audit.list.invalidate();
  }, [utils]);
  const searchId = useId();

  function update(changes: Record<string, string | null>, keepPage = false) {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === "") next.delete(key);
      else next.set(key, value);
    }
    if (!keepPage) next.delete("page");
    setParams(next, { replace: !keepPage });
    if (!keepPage) {
      setSelected(new Set());
      setWholeFilter(false);
    }
  }

  function onSort(column: string) {
    const dir = sort.field === column && sort.dir === "asc" ? "desc" : "asc";
    update({ sort: column, dir });
  }

  const data = list.data;
  const rows = data?.items ?? [];
  const allOnPage = rows.length > 0 && rows.every((row) => selected.has(row.userId));
  const selectionCount = wholeFilter ? (data?.total ?? 0) : selected.size;
  const target: AdminTarget = wholeFilter ? { filter } : { userIds: [...selected] };

  return (
    <div className="space-y-4" data-testid="admin-mailboxes">
      <h2 className="sr-only">{w("mailboxes.title")}</h2>
      {/* Counts per state: each is a quick filter. */}
      <section aria-label={w("mailboxes.counts")}>
        <ul className="flex flex-wrap gap-2">
          <li>
            <button
              type="button"
              aria-pressed={!filter.states}
              onClick={() => update({ state: null })}
              className={`rounded-full px-3 py-1 text-sm font-medium ring-1 ring-inset ${focusRing} ${!filter.states ? "bg-pink-600 text-white ring-pink-600" : "bg-white text-gray-700 ring-gray-300 hover:bg-gray-50"}`}
            >
              {w("state.all")} · {formatNumber(data?.counts.all ?? 0)}
            </button>
          </li>
          {MAILBOX_STATES.filter((state) => (data?.counts[state] ?? 0) > 0 || filter.states?.[0] === state).map((state) => (
            <li key={state}>
              <button
                type="button"
                aria-pressed={filter.states?.[0] === state}
                onClick={() => update({ state: filter.states?.[0] === state ? null : state })}
                data-testid={`count-${state}`}
                className={`rounded-full px-3 py-1 text-sm font-medium ring-1 ring-inset ${focusRing} ${filter.states?.[0] === state ? "bg-pink-600 text-white ring-pink-600" : "bg-white text-gray-700 ring-gray-300 hover:bg-gray-50"}`}
              >
                {w(`state.${state}`)} · {formatNumber(data?.counts[state] ?? 0)}
              </button>
            </li>
          ))}
        </ul>
      </section>

      {/* Search and filters: a form, so Enter applies and the fields are labelled. */}
      <form
        role="search"
        aria-label={w("mailboxes.filters")}
        className="grid gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200 sm:grid-cols-2 lg:grid-cols-6"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const value = (name: string) => String(form.get(name) ?? "");
          update({ q: value("q"), state: value("state"), reason: value("reason"), quota: value("quota"), lastLogin: value("lastLogin"), admin: value("admin") });
        }}
        key={params.toString()}
      >
        <div className="space-y-1 sm:col-span-2">
          <label htmlFor={`${searchId}-q`} className={labelClass}>
            {w("mailboxes.search")}
          </label>
          <div className="relative">
            <Search aria-hidden="true" className="pointer-events-none absolute left-2.5 top-2.5 size-4 text-gray-500" />
            <input id={`${searchId}-q`} name="q" type="search" defaultValue={params.get("q") ?? ""} placeholder={w("mailboxes.searchHint")} className={`${inputClass} pl-8`} />
          </div>
          <button type="button" aria-expanded={filtersOpen} aria-controls={`${searchId}-more`} onClick={() => setFiltersOpen((open) => !open)} className={`${linkClass} text-sm sm:hidden`}>
            {w("mailboxes.filters")}
          </button>
        </div>
        <div id={`${searchId}-more`} className={`${filtersOpen ? "grid" : "hidden"} gap-3 sm:col-span-2 sm:grid sm:grid-cols-2 lg:col-span-4 lg:grid-cols-4`}>
        <div className="space-y-1">
          <label htmlFor={`${searchId}-state`} className={labelClass}>
            {w("mailboxes.filter.state")}
          </label>
          <select id={`${searchId}-state`} name="state" defaultValue={filter.states?.[0] ?? ""} className={inputClass}>
            <option value="">{w("state.all")}</option>
            {MAILBOX_STATES.map((state) => (
              <option key={state} value={state}>
                {w(`state.${state}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor={`${searchId}-reason`} className={labelClass}>
            {w("mailboxes.filter.reason")}
          </label>
          <select id={`${searchId}-reason`} name="reason" defaultValue={filter.reasons?.[0] ?? ""} className={inputClass}>
            <option value="">{w("mailboxes.filter.anyReason")}</option>
            {MAILBOX_REASONS.map((reason) => (
              <option key={reason} value={reason}>
                {mailboxReasonText(reason, locale)}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor={`${searchId}-quota`} className={labelClass}>
            {w("mailboxes.filter.quota")}
          </label>
          <input id={`${searchId}-quota`} name="quota" type="number" min={0} max={100} inputMode="numeric" defaultValue={params.get("quota") ?? ""} className={inputClass} />
        </div>
        <div className="space-y-1">
          <label htmlFor={`${searchId}-login`} className={labelClass}>
            {w("mailboxes.filter.lastLogin")}
          </label>
          <input id={`${searchId}-login`} name="lastLogin" type="date" defaultValue={params.get("lastLogin") ?? ""} className={inputClass} />
        </div>
        <div className="space-y-1">
          <label htmlFor={`${searchId}-admin`} className={labelClass}>
            {w("mailboxes.filter.admin")}
          </label>
          <select id={`${searchId}-admin`} name="admin" defaultValue={params.get("admin") ?? ""} className={inputClass}>
            <option value="">{w("mailboxes.filter.anyRole")}</option>
            <option value="yes">{w("mailboxes.filter.adminsOnly")}</option>
            <option value="no">{w("mailboxes.filter.usersOnly")}</option>
          </select>
        </div>
        </div>
        <div className="flex items-end gap-2 sm:col-span-2 lg:col-span-6 lg:justify-end">
          <button type="button" className={smallSecondaryButtonClass} onClick={() => setParams(new URLSearchParams(), { replace: true })}>
            {w("common.reset")}
          </button>
          <button type="submit" className={`${smallSecondaryButtonClass} !bg-pink-600 !text-white !ring-pink-600 hover:!bg-pink-700`}>
            {w("common.apply")}
          </button>
        </div>
      </form>

      {/* The selection and what can be done with it. */}
      {selectionCount > 0 && (
        <section aria-label={w("mailboxes.actions")} className="flex flex-wrap items-center gap-2 rounded-xl bg-pink-50 p-3 ring-1 ring-pink-200" data-testid="selection-bar">
          <p className="text-sm font-semibold text-pink-900" aria-live="polite">
            {wholeFilter ? w("mailboxes.filterSelected", { count: selectionCount }) : w("mailboxes.selected", { count: selectionCount })}
          </p>
          {!wholeFilter && allOnPage && data && data.total > rows.length && (
            <button type="button" className={`${linkClass} text-sm`} onClick={() => setWholeFilter(true)}>
              {w("mailboxes.selectFilter", { count: data.total })}
            </button>
          )}
          <button
            type="button"
            className={`${linkClass} text-sm`}
            onClick={() => {
              setSelected(new Set());
              setWholeFilter(false);
            }}
          >
            {w("mailboxes.clearSelection")}
          </button>
          <div className="flex w-full flex-wrap gap-2 sm:ml-auto sm:w-auto">
            {BULK_ACTIONS.map((name) => (
              <button key={name} type="button" className={smallSecondaryButtonClass} onClick={() => setAction(name)}>
                {w(`action.${name}`)}
              </button>
            ))}
          </div>
        </section>
      )}

      <ErrorNote error={list.error} />

      <TableFrame label={w("mailboxes.title")}>
        <table className="min-w-full divide-y divide-gray-200" aria-busy={list.isFetching} data-testid="mailboxes-table">
          <caption className="sr-only">{w("mailboxes.title")}</caption>
          <thead className="bg-gray-50">
            <tr>
              <th scope="col" className={`${thClass} w-10`}>
                <input
                  type="checkbox"
                  aria-label={w("mailboxes.col.selectAll")}
                  checked={wholeFilter || allOnPage}
                  onChange={(event) => {
                    setWholeFilter(false);
                    setSelected(event.target.checked ? new Set(rows.map((row) => row.userId)) : new Set());
                  }}
                  className="size-4 rounded border-gray-300 text-pink-600 focus:ring-pink-500"
                />
              </th>
              <SortHeader label={w("mailboxes.col.user")} column="username" sort={sort} onSort={onSort} />
              <SortHeader label={w("mailboxes.col.state")} column="state" sort={sort} onSort={onSort} />
              <SortHeader label={w("mailboxes.col.quota")} column="quotaUse" sort={sort} onSort={onSort} />
              <SortHeader label={w("mailboxes.col.lastLogin")} column="lastLogin" sort={sort} onSort={onSort} />
              <SortHeader label={w("mailboxes.col.created")} column="createdAt" sort={sort} onSort={onSort} />
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {rows.map((row) => {
              const name = row.displayName || row.username;
              return (
                <tr key={row.userId} className={selected.has(row.userId) || wholeFilter ? "bg-pink-50/60" : undefined} data-username={row.username}>
                  <td className={tdClass}>
                    <input
                      type="checkbox"
                      aria-label={w("mailboxes.selectRow", { name })}
                      checked={wholeFilter || selected.has(row.userId)}
                      disabled={wholeFilter}
                      onChange={(event) => {
                        const next = new Set(selected);
                        if (event.target.checked) next.add(row.userId);
                        else next.delete(row.userId);
                        setSelected(next);
                      }}
                      className="size-4 rounded border-gray-300 text-pink-600 focus:ring-pink-500"
                    />
                  </td>
                  <th scope="row" className={`${tdClass} text-left font-normal`}>
                    <Link to={adminPersonPath(row.userId)} className={`${linkClass} font-semibold`}>
                      {name}
                    </Link>
                    {row.admin && (
                      <span className="ml-1.5 inline-flex items-center gap-0.5 rounded bg-gray-100 px-1.5 text-xs text-gray-700">
                        <ShieldUser aria-hidden="true" className="size-3" />
                        {w("mailboxes.admin")}
                      </span>
                    )}
                    <div className="break-all text-xs text-gray-600">{row.address}</div>
                  </th>
                  <td className={tdClass}>
                    <StateBadge state={row.state} />
                    {row.reason && <div className="mt-0.5 max-w-56 text-xs text-gray-600">{mailboxReasonText(row.reason, locale)}</div>}
                  </td>
                  <td className={`${tdClass} whitespace-nowrap`}>
                    {row.quotaPercent !== null ? <QuotaBar percent={row.quotaPercent} label={`${formatNumber(row.quotaPercent, { maximumFractionDigits: 1 })} %`} /> : "—"}
                  </td>
                  <td className={`${tdClass} whitespace-nowrap`}>{row.lastLoginAt ? formatDate(row.lastLoginAt, { dateStyle: "medium" }) : w("common.never")}</td>
                  <td className={`${tdClass} whitespace-nowrap`}>{formatDate(row.createdAt, { dateStyle: "medium" })}</td>
                </tr>
              );
            })}
            {rows.length === 0 && (
              <tr>
                <td colSpan={6} className={`${tdClass} py-8 text-center text-gray-600`}>
                  {list.isPending ? (
                    <span className="inline-flex items-center gap-2">
                      <Spinner /> {w("common.loading")}
                    </span>
                  ) : (
                    w("common.empty")
                  )}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </TableFrame>

      {data && <Pagination page={page} pageSize={PAGE_SIZE} total={data.total} onPage={(next) => update({ page: String(next) }, true)} />}

      {action && <ActionFlow type={action} target={target} onClose={() => setAction(null)} onDone={refresh} />}
    </div>
  );
}

function QuotaBar({ percent, label }: { percent: number; label: string }) {
  const tone = percent >= 95 ? "bg-red-600" : percent >= 80 ? "bg-amber-500" : "bg-pink-600";
  return (
    <div className="w-24">
      <div aria-hidden="true" className="h-1.5 overflow-hidden rounded-full bg-gray-200">
        <div className={`h-full ${tone}`} style={{ width: `${Math.min(100, percent)}%` }} />
      </div>
      <div className="mt-0.5 text-xs text-gray-700">{label}</div>
    </div>
  );
}

