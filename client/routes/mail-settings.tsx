// The mail settings page (/mail/settings): one card per setting. A section is one import and one line in SECTIONS;
// each loads its own data and shows its own loading, failure, progress and success. Its own chunk, with its words.
import { ArrowLeft } from "lucide-react";
import type { ComponentType } from "react";
import { Link } from "react-router";
import { CLIENT_PATHS } from "../../shared/routes";
import { AliasesSection } from "../components/settings/aliases-section";
import { AppPasswordsSection } from "../components/settings/app-passwords-section";
import { DeviceSetupSection } from "../components/settings/device-setup-section";
import { ForwardingSection } from "../components/settings/forwarding-section";
import { SpamSection } from "../components/settings/spam-section";
import { VacationSection } from "../components/settings/vacation-section";
import { useSettingsWords } from "../components/settings/words";
import { linkClass } from "../components/ui";
import { useDocumentTitle } from "../i18n";
import { queryUtils, trpc } from "../trpc";

/** Asked again on every visit: a rule made in Mailcow's own UI meanwhile must show. */
const FRESH = { staleTime: 0 };

/** The page's sections, in order. */
const SECTIONS: readonly { id: string; Component: ComponentType; prefetch?: () => Promise<unknown> }[] = [
  { id: "forwarding", Component: ForwardingSection, prefetch: () => queryUtils.mailbox.forwarding.get.prefetch(undefined, FRESH) },
  { id: "vacation", Component: VacationSection, prefetch: () => queryUtils.mailbox.vacation.get.prefetch(undefined, FRESH) },
  { id: "spam", Component: SpamSection, prefetch: () => queryUtils.mailbox.spamLevel.get.prefetch(undefined, FRESH) },
  { id: "aliases", Component: AliasesSection, prefetch: () => queryUtils.mailbox.aliases.list.prefetch(undefined, FRESH) },
  { id: "app-passwords", Component: AppPasswordsSection, prefetch: () => queryUtils.mailbox.appPasswords.list.prefetch(undefined, FRESH) },
  { id: "device-setup", Component: DeviceSetupSection },
];

export async function loader() {
  const info = await queryUtils.mailbox.info.ensureData();
  // The sections render their own loading and failure states: a slow or failing one never holds the page.
  if (info.state === "active") await Promise.all(SECTIONS.map((s) => s.prefetch?.().catch(() => null)));
  return null;
}

export function Component() {
  const w = useSettingsWords();
  useDocumentTitle(w("title"));
  const [me] = trpc.auth.me.useSuspenseQuery();
  const [info] = trpc.mailbox.info.useSuspenseQuery();
  if (!me) return null; // the layout sends a signed-out visitor to /login
  return (
    <div className="space-y-6" data-testid="mail-settings-page">
      <header>
        <Link to={CLIENT_PATHS.mail} className={`inline-flex items-center gap-1.5 text-sm ${linkClass}`}>
          <ArrowLeft aria-hidden="true" className="size-4" />
          {w("back")}
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight text-gray-900">{w("heading")}</h1>
        <p className="mt-1 text-sm break-words text-gray-600">{w("intro", { address: info.address })}</p>
      </header>
      {info.state === "active" ? (
        SECTIONS.map(({ id, Component: Section }) => <Section key={id} />)
      ) : (
        <p className="rounded-xl bg-white p-5 text-sm text-gray-700 ring-1 ring-gray-200" data-testid="settings-not-active">
          {w("notActive")}
        </p>
      )}
    </div>
  );
}

export { ContentErrorBoundary as ErrorBoundary } from "../components/route-error";
