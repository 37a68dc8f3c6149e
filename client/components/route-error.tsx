import { CircleAlert, SearchX } from "lucide-react";
import { isRouteErrorResponse, Link, useLocation, useRouteError } from "react-router";
import { useDocumentTitle, useI18n } from "../i18n";
import { Brand } from "./brand";
import { LanguageSwitch } from "./language-switch";
import { cardClass, primaryButtonClass, secondaryButtonClass } from "./ui";

/** The card for "not found" and for anything that broke; `fullPage` when there is no layout around it. */
export function ErrorCard({ notFound, fullPage }: { notFound: boolean; fullPage: boolean }) {
  const { t } = useI18n();
  const location = useLocation();
  useDocumentTitle(t(notFound ? "notFound.title" : "error.title"));
  const Icon = notFound ? SearchX : CircleAlert;
  const card = (
    <div className={`${cardClass} mx-auto w-full max-w-lg p-6 text-center sm:p-8`}>
      <Icon aria-hidden="true" className="mx-auto size-10 text-pink-600" />
      <h1 className="mt-4 text-xl font-semibold text-gray-900">{t(notFound ? "notFound.title" : "error.title")}</h1>
      <p className="mt-2 text-sm text-gray-700">{t(notFound ? "notFound.body" : "error.body")}</p>
      <div className="mt-6 flex flex-wrap items-center justify-center gap-3">
        {!notFound && (
          // A full page load: whatever state broke the page is gone afterwards.
          <a href={location.pathname + location.search} className={primaryButtonClass}>
            {t("error.retry")}
          </a>
        )}
        <Link
          to="/"
          className={notFound ? primaryButtonClass : secondaryButtonClass}
        >
          {t("error.home")}
        </Link>
      </div>
    </div>
  );
  if (!fullPage) return card;
  return (
    <div className="flex min-h-dvh flex-col bg-gray-50">
      <header className="flex items-center justify-between gap-4 px-4 py-4 sm:px-6">
        <Brand />
        <LanguageSwitch />
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pt-6 sm:pt-16">{card}</main>
    </div>
  );
}

function isNotFound(error: unknown): boolean {
  return isRouteErrorResponse(error) && error.status === 404;
}

/** For routes outside the app layout (and the root). */
export function PageErrorBoundary() {
  const error = useRouteError();
  if (import.meta.env.DEV) console.error(error);
  return <ErrorCard notFound={isNotFound(error)} fullPage />;
}

/** For screens inside the app layout: the sidebar stays, the card takes the content area. */
export function ContentErrorBoundary() {
  const error = useRouteError();
  if (import.meta.env.DEV) console.error(error);
  return <ErrorCard notFound={isNotFound(error)} fullPage={false} />;
}
