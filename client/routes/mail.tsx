// Placeholder until the mailbox router exists: says what is coming, shows no invented figures.
import { MailOpen } from "lucide-react";
import { cardClass } from "../components/ui";
import { useDocumentTitle, useI18n } from "../i18n";
import { trpc } from "../trpc";

export function Component() {
  const { t } = useI18n();
  useDocumentTitle(t("mail.title"));
  const [me] = trpc.auth.me.useSuspenseQuery();
  if (!me) return null;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold tracking-tight text-gray-900">{t("mail.heading")}</h1>
      <section className={`${cardClass} p-8 text-center sm:p-12`}>
        <span className="mx-auto grid size-14 place-items-center rounded-full bg-pink-50 text-pink-600 ring-1 ring-pink-100">
          <MailOpen aria-hidden="true" className="size-7" />
        </span>
        <h2 className="mt-4 text-lg font-semibold text-gray-900">{t("mail.comingSoon")}</h2>
        <p className="mt-2 text-sm text-gray-600">
          {t("mail.futureAddress", { address: me.email })}
        </p>
      </section>
    </div>
  );
}

export { ContentErrorBoundary as ErrorBoundary } from "../components/route-error";
