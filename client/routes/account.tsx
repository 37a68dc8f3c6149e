// The account page: platform password, sessions, two-factor sign-in, deleting the account. Its own chunk.
import { useDocumentTitle } from "../i18n";
import { queryUtils, trpc } from "../trpc";
import { DeleteSection } from "../components/account/delete-section";
import { PasswordSection } from "../components/account/password-section";
import { SessionsSection } from "../components/account/sessions-section";
import { TotpSection } from "../components/account/totp-section";
import { useAccountWords } from "../components/account/words";

export async function loader() {
  await Promise.all([
    queryUtils.auth.accountSettings.ensureData(),
    queryUtils.auth.sessions.list.ensureData(),
    queryUtils.mailbox.info.ensureData().catch(() => null),
  ]);
  return null;
}

export function Component() {
  const w = useAccountWords();
  useDocumentTitle(w("title"));
  const [me] = trpc.auth.me.useSuspenseQuery();
  const [settings] = trpc.auth.accountSettings.useSuspenseQuery();
  const mailbox = trpc.mailbox.info.useQuery().data;
  if (!me) return null; // the layout sends a signed-out visitor to /login
  return (
    <div className="space-y-6" data-testid="account-page">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight text-gray-900">{w("heading")}</h1>
        <p className="mt-1 text-sm text-gray-600">{w("intro")}</p>
      </header>
      <PasswordSection username={me.username} mailboxActive={mailbox?.state === "active"} />
      <SessionsSection />
      <TotpSection status={settings.totp} />
      <DeleteSection address={mailbox?.address ?? me.email} graceHours={settings.deletionGraceHours} totpEnabled={settings.totp.enabled} />
    </div>
  );
}

export { ContentErrorBoundary as ErrorBoundary } from "../components/route-error";
