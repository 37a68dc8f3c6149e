// The admin console's frame: heading and section tabs; only admins see the sections (the server checks the role
// on every admin procedure as well). The sections are their own chunks under this one.
import { BarChart3, FileUp, Inbox, ListChecks, MailPlus, ScrollText, ShieldAlert, type LucideIcon } from "lucide-react";
import { NavLink, Outlet, useLocation } from "react-router";
import { CLIENT_PATHS } from "../../../shared/routes";
import { useAdminWords, type AdminWord } from "../../components/admin/words";
import { focusRing } from "../../components/ui";
import { useDocumentTitle } from "../../i18n";
import { trpc } from "../../trpc";

const TABS = [
  { to: CLIENT_PATHS.admin, label: "tabs.mailboxes", icon: Inbox, end: false },
  { to: CLIENT_PATHS.adminInvitations, label: "tabs.invitations", icon: MailPlus, end: true },
  { to: CLIENT_PATHS.adminImport, label: "tabs.import", icon: FileUp, end: true },
  { to: CLIENT_PATHS.adminReconcile, label: "tabs.reconcile", icon: ListChecks, end: true },
  { to: CLIENT_PATHS.adminAudit, label: "tabs.audit", icon: ScrollText, end: true },
  // Usage statistics and charts (their own chunk, with the charting library) live in this tab.
  { to: CLIENT_PATHS.adminStatistics, label: "tabs.statistics", icon: BarChart3, end: true },
] as const satisfies readonly { to: string; label: AdminWord; icon: LucideIcon; end: boolean }[];

const OTHER_TABS: readonly string[] = TABS.slice(1).map((tab) => tab.to);

export function Component() {
  const w = useAdminWords();
  useDocumentTitle(w("title"));
  const [me] = trpc.auth.me.useSuspenseQuery();
  const location = useLocation();
  if (!me) return null; // the app layout sends a signed-out visitor to /login
  if (!me.isAdmin) {
    return (
      <div className="rounded-xl bg-white p-6 text-center shadow-sm ring-1 ring-gray-200" data-testid="admin-forbidden">
        <ShieldAlert aria-hidden="true" className="mx-auto size-10 text-pink-600" />
        <h1 className="mt-4 text-xl font-semibold text-gray-900">{w("forbidden.title")}</h1>
        <p className="mt-2 text-sm text-gray-700">{w("forbidden.body")}</p>
      </div>
    );
  }
  return (
    <div className="space-y-6" data-testid="admin-console">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight text-gray-900">{w("heading")}</h1>
        <p className="mt-1 text-sm text-gray-600">{w("intro")}</p>
      </header>
      <nav aria-label={w("tabs.label")} className="-mx-4 overflow-x-auto border-b border-gray-200 px-4 sm:mx-0 sm:px-0">
        <ul className="flex gap-1">
          {TABS.map(({ to, label, icon: Icon, end }) => (
            <li key={to} className="shrink-0">
              <NavLink
                to={to}
                end={end}
                className={({ isActive }) => {
                  // "Mailboxes" stays marked on a person's page, not on the other sections.
                  const current = to === CLIENT_PATHS.admin ? isActive && !OTHER_TABS.some((tab) => location.pathname.startsWith(tab)) : isActive;
                  return `-mb-px flex items-center gap-2 border-b-2 px-3 py-2.5 text-sm font-medium ${focusRing} ${
                    current ? "border-pink-600 text-pink-700" : "border-transparent text-gray-600 hover:border-gray-300 hover:text-gray-900"
                  }`;
                }}
              >
                <Icon aria-hidden="true" className="size-4" />
                {w(label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}

export { ContentErrorBoundary as ErrorBoundary } from "../../components/route-error";
