// The root route: not lazy, because its error boundary and loading screen must work before any chunk loads.
import { Outlet, useNavigation } from "react-router";
import { PageErrorBoundary } from "../components/route-error";
import { Spinner } from "../components/ui";
import { useT } from "../i18n";

export function Root() {
  const navigation = useNavigation();
  return (
    <>
      {navigation.state !== "idle" && (
        <div aria-hidden="true" className="fixed inset-x-0 top-0 z-50 h-0.5 overflow-hidden bg-pink-100">
          <div className="h-full w-1/3 animate-pulse bg-pink-600" />
        </div>
      )}
      <Outlet />
    </>
  );
}

/** Shown while the first screen's code and data load. */
export function HydrateFallback() {
  const t = useT();
  return (
    <div className="grid min-h-dvh place-items-center bg-gray-50 text-pink-600" role="status">
      <Spinner className="size-8" />
      <span className="sr-only">{t("app.loading")}</span>
    </div>
  );
}

export { PageErrorBoundary as ErrorBoundary };
