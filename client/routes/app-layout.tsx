// The signed-in frame: sidebar (brand, navigation, account, language, sign-out) on wide screens,
// a top bar with a menu button on phones. Every screen inside it can rely on `auth.me` being cached.
import { Home, LogOut, Mail, Menu, ShieldCheck, SlidersHorizontal, X, type LucideIcon } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { Form, Navigate, NavLink, Outlet, redirect, useLocation, useNavigation, type LoaderFunctionArgs } from "react-router";
import { Address } from "../components/address";
import { Brand } from "../components/brand";
import { LanguageSwitch } from "../components/language-switch";
import { focusRing, smallSecondaryButtonClass, Spinner } from "../components/ui";
import { useI18n, type MessageKey } from "../i18n";
import { loginUrlFor } from "../lib/next-path";
import { queryUtils, trpc } from "../trpc";

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await queryUtils.auth.me.ensureData();
  if (!me) return redirect(loginUrlFor(new URL(request.url)));
  return null;
}

const NAV = [
  { to: "/", label: "nav.home", icon: Home, end: true },
  { to: "/mail", label: "nav.mail", icon: Mail, end: false },
  { to: "/account", label: "nav.account", icon: ShieldCheck, end: false },
  { to: "/admin", label: "nav.admin", icon: SlidersHorizontal, end: false, adminOnly: true },
] as const satisfies readonly { to: string; label: MessageKey; icon: LucideIcon; end: boolean; adminOnly?: boolean }[];

export function Component() {
  const { t } = useI18n();
  const [me] = trpc.auth.me.useSuspenseQuery();
  const location = useLocation();
  const navigation = useNavigation();
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const main = useRef<HTMLElement>(null);
  const sidebarId = useId();
  const firstPath = useRef(location.pathname);

  // Close the phone menu on navigation; move focus to the new screen (not on the first page load).
  useEffect(() => {
    setMenuOpen(false);
    if (location.pathname !== firstPath.current) {
      firstPath.current = "";
      main.current?.focus();
    }
  }, [location.pathname]);

  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [menuOpen]);

  // The session ended while the page was open (a refetch said "nobody"): back to sign-in.
  if (!me) return <Navigate to={loginUrlFor(location)} replace />;

  const signingOut = navigation.state !== "idle" && navigation.formAction === "/logout";
  const name = me.displayName || me.username;

  return (
    <div className="min-h-dvh bg-gray-50 md:flex">
      <a
        href="#main"
        className={`sr-only focus:not-sr-only focus:fixed focus:left-3 focus:top-3 focus:z-50 focus:rounded-lg focus:bg-white focus:px-4 focus:py-2 focus:text-sm focus:font-semibold focus:text-pink-700 focus:shadow ${focusRing}`}
      >
        {t("app.skipToContent")}
      </a>

      {/* Phone: a top bar with the menu button. */}
      <header className="sticky top-0 z-30 flex h-14 items-center justify-between border-b border-gray-200 bg-white px-4 md:hidden">
        <Brand />
        <button
          ref={menuButton}
          type="button"
          aria-expanded={menuOpen}
          aria-controls={sidebarId}
          onClick={() => setMenuOpen((open) => !open)}
          className={`grid size-10 place-items-center rounded-lg text-gray-800 hover:bg-gray-100 ${focusRing}`}
        >
          {menuOpen ? <X aria-hidden="true" className="size-5" /> : <Menu aria-hidden="true" className="size-5" />}
          <span className="sr-only">{t(menuOpen ? "nav.closeMenu" : "nav.openMenu")}</span>
        </button>
      </header>

      <aside
        id={sidebarId}
        className={`${menuOpen ? "flex" : "hidden"} fixed inset-x-0 bottom-0 top-14 z-20 flex-col overflow-y-auto bg-white md:sticky md:top-0 md:flex md:h-dvh md:w-64 md:shrink-0 md:border-r md:border-gray-200`}
      >
        <div className="hidden px-5 pb-2 pt-5 md:block">
          <Brand />
        </div>

        <nav aria-label={t("nav.label")} className="px-3 py-4">
          <ul className="space-y-1">
            {NAV.filter((item) => !("adminOnly" in item) || me.isAdmin).map(({ to, label, icon: Icon, end }) => (
              <li key={to}>
                <NavLink
                  to={to}
                  end={end}
                  // The phone menu closes on a click, also on the link to the page already open.
                  onClick={() => setMenuOpen(false)}
                  className={({ isActive }) =>
                    `flex items-center gap-3 rounded-lg px-3 py-2.5 text-sm font-medium ${focusRing} ${
                      isActive ? "bg-pink-50 text-pink-700" : "text-gray-700 hover:bg-gray-100 hover:text-gray-900"
                    }`
                  }
                >
                  <Icon aria-hidden="true" className="size-5 shrink-0" />
                  {t(label)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>

        <section aria-label={t("account.label")} className="mt-auto space-y-4 border-t border-gray-200 px-5 py-5">
          <div className="flex items-center gap-3">
            <span aria-hidden="true" className="grid size-9 shrink-0 place-items-center rounded-full bg-pink-100 text-sm font-semibold uppercase text-pink-700">
              {name.slice(0, 1)}
            </span>
            <div className="min-w-0">
              <p className="truncate text-sm font-semibold text-gray-900" data-testid="user-name">
                {name}
              </p>
              <p className="text-sm break-words text-gray-600" data-testid="user-email">
                <Address email={me.email} />
              </p>
            </div>
          </div>
          <div className="flex items-center justify-between gap-3">
            <LanguageSwitch />
            <Form method="post" action="/logout">
              <button
                type="submit"
                disabled={signingOut}
                className={smallSecondaryButtonClass}
              >
                {signingOut ? <Spinner /> : <LogOut aria-hidden="true" className="size-4" />}
                {t(signingOut ? "account.signingOut" : "account.signOut")}
              </button>
            </Form>
          </div>
        </section>
      </aside>

      <main id="main" ref={main} tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 focus:outline-none sm:px-8 sm:py-10">
        <div className={`mx-auto ${location.pathname.startsWith("/admin") ? "max-w-6xl" : "max-w-3xl"}`}>
          <Outlet />
        </div>
      </main>
    </div>
  );
}

export { PageErrorBoundary as ErrorBoundary } from "../components/route-error";
