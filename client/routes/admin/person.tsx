// A person's page: account, mailbox state with its history, live Mailcow figures, sessions, audit entries, and the
// single-person actions (each with the dry-run preview; one-time secrets shown once; resolving a conflict).
import { ArrowLeft } from "lucide-react";
import { useCallback, useState } from "react";
import { Link } from "react-router";
import { mailboxReasonText } from "../../../shared/i18n/mailbox";
import { ADMIN_PATHS } from "../../components/admin/paths";
import { isMailboxReason, isMailboxState } from "../../components/admin/states";
import { ActionFlow, PERSON_ACTIONS, type AdminAction, type AdminActionType } from "../../components/admin/action-flow";
import { AuditTable } from "../../components/admin/audit-table";
import { Card, DataTable, ErrorNote, inputClass, labelClass, StateBadge, tdClass } from "../../components/admin/ui";
import { useAdminWords } from "../../components/admin/words";
import { linkClass, primaryButtonClass, secondaryButtonClass, smallSecondaryButtonClass, Spinner } from "../../components/ui";
import { useDocumentTitle, useI18n } from "../../i18n";
import { trpc } from "../../trpc";

export function Component({ userId }: { userId: string }) {
  const w = useAdminWords();
  const { locale, formatDate, formatNumber } = useI18n();
  const person = trpc.admin.mailboxes.get.useQuery({ userId }, { refetchOnMount: "always" });
  const utils = trpc.useUtils();
  const [action, setAction] = useState<{ type: AdminActionType; action?: AdminAction } | null>(null);
  const [conflictOpen, setConflictOpen] = useState(false);
  const refresh = useCallback(() => {
    void utils.admin.mailboxes.get.invalidate({ userId });
    void utils.admin.mailboxes.list.invalidate();
  }, [utils, userId]);
  const data = person.data;
  useDocumentTitle(data ? data.account.displayName || data.account.username : w("title"));

  const back = (
    <Link to={ADMIN_PATHS.mailboxes} className={`${linkClass} inline-flex items-center gap-1 text-sm`}>
      <ArrowLeft aria-hidden="true" className="size-4" />
      {w("person.back")}
    </Link>
  );
  if (!data) {
    return (
      <div className="space-y-4">
        {back}
        <ErrorNote error={person.error} />
        {person.isPending && (
          <p className="flex items-center gap-2 text-sm text-gray-700">
            <Spinner /> {w("common.loading")}
          </p>
        )}
      </div>
    );
  }

  const { account, mailbox, live } = data;
  const dateTime = (value: string | null) => (value ? formatDate(value, { dateStyle: "medium", timeStyle: "short" }) : "—");
  const target = { userIds: [account.id] };

  return (
    <div className="space-y-5" data-testid="admin-person">
      {back}
      <header className="flex flex-wrap items-center gap-3">
        <h2 className="text-xl font-semibold tracking-tight text-gray-900">{account.displayName || account.username}</h2>
        {mailbox && <StateBadge state={mailbox.state} />}
      </header>

      <div className="grid gap-4 lg:grid-cols-2">
        <Card title={w("person.account")}>
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
            <dt className="text-gray-600">{w("person.username")}</dt>
            <dd className="break-all text-gray-900">{account.username}</dd>
            <dt className="text-gray-600">{w("person.displayName")}</dt>
            <dd className="text-gray-900">{account.displayName ?? "—"}</dd>
            <dt className="text-gray-600">{w("person.address")}</dt>
            <dd className="break-all text-gray-900">{account.email}</dd>
            <dt className="text-gray-600">{w("person.role")}</dt>
            <dd className="text-gray-900">{w(account.admin ? "person.roleAdmin" : "person.roleUser")}</dd>
            <dt className="text-gray-600">{w("person.created")}</dt>
            <dd className="text-gray-900">{dateTime(account.createdAt)}</dd>
          </dl>
        </Card>

        <Card title={w("person.mailbox")}>
          {mailbox ? (
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
              <dt className="text-gray-600">{w("person.state")}</dt>
              <dd>
                <StateBadge state={mailbox.state} />
              </dd>
              <dt className="text-gray-600">{w("person.reason")}</dt>
              <dd className="text-gray-900">{mailbox.reason ? mailboxReasonText(mailbox.reason, locale) : "—"}</dd>
            </dl>
          ) : (
            <p className="text-sm text-gray-700">{w("state.none")}</p>
          )}
          <h4 className="mt-4 text-sm font-semibold text-gray-900">{w("person.live")}</h4>
          {live.status === "ok" ? (
            <dl className="mt-1.5 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm" data-testid="live-figures">
              <dt className="text-gray-600">{w("person.quota")}</dt>
              <dd className="text-gray-900" data-testid="live-quota">
                {formatMiB(live.quotaBytes, formatNumber)}
              </dd>
              <dt className="text-gray-600">{w("person.used")}</dt>
              <dd className="text-gray-900">
                {formatMiB(live.quotaUsedBytes, formatNumber)}
                {live.percentInUse !== null && ` (${formatNumber(live.percentInUse)} %)`}
              </dd>
              <dt className="text-gray-600">{w("person.messages")}</dt>
              <dd className="text-gray-900">{formatNumber(live.messages)}</dd>
              <dt className="text-gray-600">{w("person.active")}</dt>
              <dd className="text-gray-900">{w(live.active === 1 ? "common.yes" : "common.no")}</dd>
              <dt className="text-gray-600">{w("mailboxes.col.lastLogin")}</dt>
              <dd className="text-gray-900">{live.lastLoginAt ? dateTime(live.lastLoginAt) : w("common.never")}</dd>
            </dl>
          ) : (
            <p className="mt-1.5 text-sm text-gray-700">{w(live.status === "unavailable" ? "person.liveUnavailable" : "state.none")}</p>
          )}
        </Card>
      </div>

      <Card title={w("person.actions")}>
        <div className="flex flex-wrap gap-2" data-testid="person-actions">
          {PERSON_ACTIONS.map((type) => (
            <button key={type} type="button" className={smallSecondaryButtonClass} onClick={() => setAction({ type })}>
              {w(`action.${type}`)}
            </button>
          ))}
          {mailbox?.state === "conflict" && (
            <button type="button" className={smallSecondaryButtonClass} onClick={() => setConflictOpen(true)}>
              {w("action.resolveConflict")}
            </button>
          )}
        </div>
        {conflictOpen && (
          <ConflictForm
            username={account.username}
            onCancel={() => setConflictOpen(false)}
            onSubmit={(resolution) => {
              setConflictOpen(false);
              setAction({ type: "resolveConflict", action: resolution });
            }}
          />
        )}
      </Card>

      <section className="space-y-2">
        <h3 className="text-base font-semibold text-gray-900">{w("person.history")}</h3>
        <DataTable
          label={w("person.history")}
          testId="state-history"
          columns={[w("person.when"), w("person.from"), w("person.to"), w("person.reason")]}
          empty={data.history.length === 0 && w("person.historyEmpty")}
        >
          {data.history.map((step, index) => (
            <tr key={`${step.at}-${index}`}>
              <td className={`${tdClass} whitespace-nowrap`}>{dateTime(step.at)}</td>
              <td className={tdClass}>{step.from && isMailboxState(step.from) ? <StateBadge state={step.from} /> : (step.from ?? "—")}</td>
              <td className={tdClass}>{isMailboxState(step.to) ? <StateBadge state={step.to} /> : step.to}</td>
              <td className={tdClass}>{step.reason ? (isMailboxReason(step.reason) ? mailboxReasonText(step.reason, locale) : step.reason) : "—"}</td>
            </tr>
          ))}
        </DataTable>
      </section>

      <section className="space-y-2">
        <h3 className="text-base font-semibold text-gray-900">{w("person.sessions")}</h3>
        <DataTable
          label={w("person.sessions")}
          columns={[w("person.sessions"), w("person.ip"), w("person.lastSeen")]}
          empty={data.sessions.length === 0 && w("person.sessionsEmpty")}
        >
          {data.sessions.map((session) => (
            <tr key={session.sessionId}>
              <td className={tdClass}>{[session.browser, session.os].filter(Boolean).join(", ") || session.device}</td>
              <td className={`${tdClass} font-mono text-xs`}>{session.ip ?? "—"}</td>
              <td className={`${tdClass} whitespace-nowrap`}>{dateTime(session.lastSeenAt)}</td>
            </tr>
          ))}
        </DataTable>
      </section>

      <section className="space-y-2">
        <h3 className="text-base font-semibold text-gray-900">{w("person.audit")}</h3>
        <AuditTable entries={data.audit} label={w("person.audit")} />
      </section>

      {action && <ActionFlow type={action.type} action={action.action} target={target} onClose={() => setAction(null)} onDone={refresh} />}
    </div>
  );
}

/** Bytes as MiB, the unit quotas are set in ("2 048 MiB"). */
function formatMiB(bytes: number, formatNumber: (value: number, options?: Intl.NumberFormatOptions) => string): string {
  return `${formatNumber(bytes / 1024 ** 2, { maximumFractionDigits: bytes < 10 * 1024 ** 2 ? 1 : 0 })} MiB`;
}

function ConflictForm({ username, onCancel, onSubmit }: { username: string; onCancel: () => void; onSubmit: (action: AdminAction) => void }) {
  const w = useAdminWords();
  const [resolution, setResolution] = useState<"rename" | "leave">("rename");
  return (
    <form
      className="mt-4 space-y-3 rounded-lg bg-gray-50 p-4 ring-1 ring-gray-200"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const newUsername = String(form.get("newUsername") ?? "").trim();
        const note = String(form.get("note") ?? "").trim();
        onSubmit({ type: "resolveConflict", resolution, ...(resolution === "rename" ? { newUsername } : {}), ...(note ? { note } : {}) });
      }}
    >
      <fieldset className="space-y-1.5">
        <legend className={labelClass}>{w("action.resolveConflict")}</legend>
        {(["rename", "leave"] as const).map((value) => (
          <label key={value} className="flex items-center gap-2 text-sm text-gray-800">
            <input type="radio" name="resolution" value={value} checked={resolution === value} onChange={() => setResolution(value)} className="size-4 text-pink-600 focus:ring-pink-500" />
            {w(value === "rename" ? "person.conflictRename" : "person.conflictLeave")}
          </label>
        ))}
      </fieldset>
      {resolution === "rename" && (
        <div className="space-y-1">
          <label htmlFor="conflict-username" className={labelClass}>
            {w("person.conflictNewName")}
          </label>
          <input id="conflict-username" name="newUsername" required defaultValue={`${username}2`} className={inputClass} autoComplete="off" />
        </div>
      )}
      <div className="space-y-1">
        <label htmlFor="conflict-note" className={labelClass}>
          {w("person.conflictNote")}
        </label>
        <textarea id="conflict-note" name="note" rows={2} maxLength={500} className={inputClass} />
      </div>
      <div className="flex flex-wrap justify-end gap-2">
        <button type="button" className={secondaryButtonClass} onClick={onCancel}>
          {w("common.cancel")}
        </button>
        <button type="submit" className={primaryButtonClass}>
          {w("import.preview")}
        </button>
      </div>
    </form>
  );
}

