// The admin console's frame: heading and section tabs; only admins see the sections (the server checks the role
// on every admin procedure as well). The app's router loads this one chunk for `/admin/*` and this chunk picks
// the section by path: each section is a chunk of its own, loaded when it is opened, so the app's first visit knows
// only this file's name (and no nested-route machinery).
import { BarChart3, FileUp, Inbox, ListChecks, MailPlus, ScrollText, ShieldAlert, type LucideIcon } from "lucide-react";
import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from "react";
import { NavLink, useLocation } from "react-router";
import { ADMIN_PATHS } from "../../components/admin/paths";
import { useAdminWords, type AdminWord } from "../../components/admin/words";
import { focusRing, Spinner } from "../../components/ui";
import { useDocumentTitle } from "../../i18n";
import { trpc } from "../../trpc";

function section<P extends object>(load: () => Promise<{ Component: ComponentType<P> }>): LazyExoticComponent<ComponentType<P>> {
  return lazy(() => load().then((module) => ({ default: module.Component })));
}
const Mailboxes = section(() => import("./mailboxes"));
const Person = section(() => import("./person"));
const Invitations = section(() => import("./invitations"));
const Import = section(() => import("./import"));
const Reconcile = section(() => import("./reconcile"));
const Audit = section(() => import("./audit"));
// Usage statistics and charts (with their charting library) live in this tab, a chunk of their own.
const Statistics = section(() => import("./stats"));

const TABS = [
  { to: ADMIN_PATHS.mailboxes, label: "tabs.mailboxes", icon: Inbox },
  { to: ADMIN_PATHS.invitations, label: "tabs.invitations", icon: MailPlus },
  { to: ADMIN_PATHS.import, label: "tabs.import", icon: FileUp },
  { to: ADMIN_PATHS.reconcile, label: "tabs.reconcile", icon: ListChecks },
  { to: ADMIN_PATHS.audit, label: "tabs.audit", icon: ScrollText },
  { to: ADMIN_PATHS.statistics, label: "tabs.statistics", icon: BarChart3 },
] as const satisfies readonly { to: string; label: AdminWord; icon: LucideIcon }[];

const SECTIONS: Readonly<Record<(typeof TABS)[number]["to"], LazyExoticComponent<ComponentType>>> = {
  [ADMIN_PATHS.mailboxes]: Mailboxes,
  [ADMIN_PATHS.invitations]: Invitations,
  [ADMIN_PATHS.import]: Import,
  [ADMIN_PATHS.reconcile]: Reconcile,
  [ADMIN_PATHS.audit]: Audit,
  [ADMIN_PATHS.statistics]: Statistics,
};

/** The tab a path belongs to (a person's page belongs to "Mailboxes"), and the person's id on their page. */
function whereIs(pathname: string): { tab: (typeof TABS)[number]["to"]; userId: string | null } | null {
  const path = pathname.replace(/\/+$/, "");
  const person = /^\/admin\/people\/([^/]+)$/.exec(path);
  if (person?.[1]) return { tab: ADMIN_PATHS.mailboxes, userId: decodeURIComponent(person[1]) };
  const tab = TABS.find((candidate) => candidate.to === path);
  return tab ? { tab: tab.to, userId: null } : null;
}

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
  const where = whereIs(location.pathname);
  if (!where) throw new Response("Not Found", { status: 404 });
  const { tab, userId } = where;
  const Section = SECTIONS[tab];
  return (
    <div className="space-y-6" data-testid="admin-console">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight text-gray-900">{w("heading")}</h1>
        <p className="mt-1 text-sm text-gray-600">{w("intro")}</p>
      </header>
      <nav aria-label={w("tabs.label")} className="-mx-4 overflow-x-auto border-b border-gray-200 px-4 sm:mx-0 sm:px-0">
        <ul className="flex gap-1">
          {TABS.map(({ to, label, icon: Icon }) => (
            <li key={to} className="shrink-0">
              <NavLink
                to={to}
                end
                aria-current={tab === to ? "page" : undefined}
                className={`-mb-px flex items-center gap-2 border-b-2 px-3 py-2.5 text-sm font-medium ${focusRing} ${
                  tab === to ? "border-pink-600 text-pink-700" : "border-transparent text-gray-600 hover:border-gray-300 hover:text-gray-900"
                }`}
              >
                <Icon aria-hidden="true" className="size-4" />
                {w(label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Suspense
        fallback={
          <p className="flex items-center gap-2 text-sm text-gray-700">
            <Spinner /> {w("common.loading")}
          </p>
        }
      >
        {userId ? <Person userId={userId} key={userId} /> : <Section />}
      </Suspense>
    </div>
  );
}

export { ContentErrorBoundary as ErrorBoundary } from "../../components/route-error";
