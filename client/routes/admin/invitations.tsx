// Invitations: create one or many (typed names, a count, or a CSV of usernames), the links of the ones just created
// (copy each, or download all as CSV — the links are shown only now), the list with status, revoking.
import { keepPreviousData } from "@tanstack/react-query";
import { FileDown, Upload } from "lucide-react";
import { useId, useState } from "react";
import { CopyButton } from "../../components/mail/copy-button";
import { usernamesFromCsv } from "../../components/admin/csv";
import { Card, codeText, DataTable, downloadCsv, ErrorNote, inputClass, labelClass, PageHeader, tdClass, thClass } from "../../components/admin/ui";
import { useAdminWords } from "../../components/admin/words";
import { focusRing, primaryButtonClass, smallSecondaryButtonClass, Spinner } from "../../components/ui";
import { useI18n } from "../../i18n";
import { trpc, type RouterInputs, type RouterOutputs } from "../../trpc";

type Created = RouterOutputs["admin"]["invitations"]["create"];
type Status = NonNullable<RouterInputs["admin"]["invitations"]["list"]["status"]>;
const STATUSES = ["active", "used", "expired", "revoked"] as const satisfies readonly Status[];

export function Component() {
  const w = useAdminWords();
  const { locale, formatDate } = useI18n();
  const id = useId();
  const utils = trpc.useUtils();
  const [names, setNames] = useState("");
  const [count, setCount] = useState("1");
  const [created, setCreated] = useState<Created | null>(null);
  const [status, setStatus] = useState<Status | "">("");
  const [cursors, setCursors] = useState<readonly (string | undefined)[]>([undefined]);
  const list = trpc.admin.invitations.list.useQuery({ status: status || undefined, cursor: cursors.at(-1), limit: 50 }, { placeholderData: keepPreviousData, refetchOnMount: "always" });
  const create = trpc.admin.invitations.create.useMutation({ onSuccess: () => utils.admin.invitations.list.invalidate() });
  const revoke = trpc.admin.invitations.revoke.useMutation({ onSuccess: () => utils.admin.invitations.list.invalidate() });

  async function submit() {
    const usernames = names
      .split(/[\s,;]+/)
      .map((name) => name.trim())
      .filter(Boolean);
    setCreated(await create.mutateAsync(usernames.length > 0 ? { usernames } : Number(count) > 1 ? { count: Number(count) } : {}));
  }

  function download(result: Created) {
    downloadCsv("invitations.csv", [["username", "link", "expiresAt"], ...result.invitations.map((item) => [item.username ?? "", item.link, item.expiresAt])]);
  }

  return (
    <div className="space-y-5" data-testid="admin-invitations">
      <PageHeader title={w("invitations.title")} intro={w("invitations.intro")} />

      <Card title={w("invitations.create")}>
        <form
          className="grid gap-3 sm:grid-cols-[1fr_auto]"
          onSubmit={(event) => {
            event.preventDefault();
            void submit().catch(() => undefined);
          }}
        >
          <div className="space-y-1">
            <label htmlFor={`${id}-names`} className={labelClass}>
              {w("invitations.usernames")}
            </label>
            <textarea id={`${id}-names`} name="usernames" rows={4} value={names} onChange={(event) => setNames(event.target.value)} aria-describedby={`${id}-names-hint`} className={`${inputClass} font-mono`} />
            <p id={`${id}-names-hint`} className="text-xs text-gray-600">
              {w("invitations.usernamesHint")}
            </p>
          </div>
          <div className="space-y-3">
            <div className="space-y-1">
              <label htmlFor={`${id}-count`} className={labelClass}>
                {w("invitations.count")}
              </label>
              <input id={`${id}-count`} type="number" min={1} max={10000} value={count} disabled={names.trim() !== ""} onChange={(event) => setCount(event.target.value)} className={`${inputClass} w-28`} />
            </div>
            <label className={`${smallSecondaryButtonClass} cursor-pointer focus-within:ring-2 focus-within:ring-pink-500`}>
              <Upload aria-hidden="true" className="size-4" />
              {w("invitations.fromCsv")}
              <input
                type="file"
                accept=".csv,text/csv,text/plain"
                className="sr-only"
                onChange={(event) => {
                  const file = event.target.files?.[0];
                  if (file) void file.text().then((text) => setNames(usernamesFromCsv(text).join("\n")));
                }}
              />
            </label>
          </div>
          <div className="sm:col-span-2">
            <ErrorNote error={create.error} />
          </div>
          <div className="sm:col-span-2">
            <button type="submit" className={primaryButtonClass} disabled={create.isPending}>
              {create.isPending && <Spinner />}
              {w(create.isPending ? "invitations.creating" : "invitations.create")}
            </button>
          </div>
        </form>
      </Card>

      {created && (
        <Card
          title={w("invitations.created", { count: created.invitations.length })}
          actions={
            <button type="button" className={smallSecondaryButtonClass} onClick={() => download(created)}>
              <FileDown aria-hidden="true" className="size-4" />
              {w("common.downloadCsv")}
            </button>
          }
        >
          <div className="space-y-3" data-testid="created-invitations">
            <p className="text-sm text-amber-900">{w("common.shownOnce")}</p>
            {created.refused.length > 0 && (
              <ul className="list-disc pl-5 text-sm text-red-800" role="alert">
                {created.refused.map((item) => (
                  <li key={item.username}>
                    {item.username}: {codeText(w, locale, item.code)}
                  </li>
                ))}
              </ul>
            )}
            <ul className="max-h-72 divide-y divide-gray-100 overflow-y-auto text-sm">
              {created.invitations.map((item) => (
                <li key={item.id} className="flex items-center gap-2 py-1.5">
                  <span className="w-32 shrink-0 truncate font-medium text-gray-900">{item.username ?? w("invitations.anyName")}</span>
                  <code className="min-w-0 flex-1 truncate font-mono text-xs text-gray-700" data-testid="invitation-link">
                    {item.link}
                  </code>
                  <CopyButton value={item.link} label={w("invitations.copyLink", { name: item.username ?? w("invitations.anyName") })} announce={w("common.copied")} />
                </li>
              ))}
            </ul>
          </div>
        </Card>
      )}

      <section className="space-y-3">
        <div className="flex flex-wrap items-end gap-3">
          <div className="space-y-1">
            <label htmlFor={`${id}-status`} className={labelClass}>
              {w("invitations.col.status")}
            </label>
            <select
              id={`${id}-status`}
              value={status}
              onChange={(event) => {
                setStatus(STATUSES.find((value) => value === event.target.value) ?? "");
                setCursors([undefined]);
              }}
              className={inputClass}
            >
              <option value="">{w("state.all")}</option>
              {STATUSES.map((value) => (
                <option key={value} value={value}>
                  {w(`invitations.status.${value}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <ErrorNote error={list.error ?? revoke.error} />
        <DataTable
          label={w("invitations.title")}
          caption
          testId="invitations-table"
          columns={[w("invitations.col.username"), w("invitations.col.status"), w("invitations.col.created"), w("invitations.col.expires"), <th key="actions" scope="col" className={thClass}><span className="sr-only">{w("invitations.col.actions")}</span></th>]}
          empty={list.data?.items.length === 0 && w("common.empty")}
        >
          {(list.data?.items ?? []).map((item) => (
            <tr key={item.id} data-status={item.status}>
              <th scope="row" className={`${tdClass} text-left font-medium`}>
                {item.username ?? <span className="text-gray-500">{w("invitations.anyName")}</span>}
              </th>
              <td className={tdClass}>{w(`invitations.status.${item.status}`)}</td>
              <td className={`${tdClass} whitespace-nowrap`}>{formatDate(item.createdAt, { dateStyle: "medium", timeStyle: "short" })}</td>
              <td className={`${tdClass} whitespace-nowrap`}>{formatDate(item.expiresAt, { dateStyle: "medium" })}</td>
              <td className={`${tdClass} text-right`}>
                {item.status === "active" && (
                  <button
                    type="button"
                    className={`rounded px-2 py-1 text-sm font-medium text-red-700 hover:bg-red-50 ${focusRing}`}
                    aria-label={w("invitations.revokeLabel", { name: item.username ?? w("invitations.anyName") })}
                    disabled={revoke.isPending}
                    onClick={() => revoke.mutate({ ids: [item.id] })}
                  >
                    {w("invitations.revoke")}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
        <div className="flex justify-between gap-2">
          <button type="button" className={smallSecondaryButtonClass} disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            {w("common.prev")}
          </button>
          <button
            type="button"
            className={smallSecondaryButtonClass}
            disabled={!list.data?.nextCursor}
            onClick={() => list.data?.nextCursor && setCursors([...cursors, list.data.nextCursor])}
          >
            {w("common.next")}
          </button>
        </div>
      </section>
    </div>
  );
}

