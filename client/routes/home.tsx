import { ArrowRight, AtSign } from "lucide-react";
import { Link } from "react-router";
import { Address } from "../components/address";
import { cardClass, primaryButtonClass } from "../components/ui";
import { useDocumentTitle, useI18n } from "../i18n";
import { useEntryWords } from "../i18n/entry-words";
import { trpc } from "../trpc";

export function Component() {
  const { formatDate } = useI18n();
  const w = useEntryWords();
  useDocumentTitle(w("home.title"));
  const [me] = trpc.auth.me.useSuspenseQuery();
  if (!me) return null; // the layout sends a signed-out visitor to /login
  return (
    <section className={`${cardClass} p-6 sm:p-8`} aria-labelledby="home-heading">
      <h1 id="home-heading" className="text-2xl font-semibold tracking-tight text-gray-900">
        {w("home.greeting", { name: me.displayName || me.username })}
      </h1>
      <p className="mt-1.5 text-gray-600">{w("home.intro")}</p>

      <div className="mt-6 flex items-center gap-3 rounded-lg bg-pink-50 p-4 ring-1 ring-pink-100">
        <span className="grid size-10 shrink-0 place-items-center rounded-full bg-white text-pink-700 ring-1 ring-pink-200">
          <AtSign aria-hidden="true" className="size-5" />
        </span>
        <div className="min-w-0">
          <p className="text-sm text-gray-700">{w("home.address")}</p>
          <p className="text-lg font-semibold break-words text-gray-900" data-testid="home-email">
            <Address email={me.email} />
          </p>
        </div>
      </div>

      <p className="mt-4 text-sm text-gray-600">{w("home.memberSince", { date: formatDate(me.createdAt) })}</p>

      <Link to="/mail" className={`mt-6 ${primaryButtonClass}`}>
        {w("home.openMail")}
        <ArrowRight aria-hidden="true" className="size-4" />
      </Link>
    </section>
  );
}

export { ContentErrorBoundary as ErrorBoundary } from "../components/route-error";
