// The Mail page (ПОЧТА): the mailbox in every state mailbox.info reports, the action that helps in each,
// and mail-app settings. The loader warms the cache, so the page renders complete at once; it polls
// only while the mailbox is being created.
import { CheckCircle2, CloudOff, FlaskConical, KeyRound } from "lucide-react";
import { Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { Link, type ActionFunctionArgs } from "react-router";
import type { MailboxState } from "../../shared/schemas/mailbox";
import { ClientSetup } from "../components/mail/client-setup";
import { MailboxOverview } from "../components/mail/mailbox-overview";
import { primaryButtonClass, Spinner } from "../components/ui";
import { useDocumentTitle, useI18n, type PlainKey } from "../i18n";
import { lazyModule } from "../lib/lazy-module";
import { loadMailAction } from "../lib/load-mail-action";
import { queryUtils, trpc } from "../trpc";

/** How often the page asks again while a mailbox is being created. */
const POLL_MS = 3000;
const WAITING: ReadonlySet<MailboxState> = new Set(["provisioning", "pending"]);
const CREATABLE: ReadonlySet<MailboxState> = new Set(["failed", "needs_password", "none"]);

// Most visits find an active mailbox: the other states' panels and the password dialog (with the password
// checklist) are their own chunks, loaded when needed, to keep the first visit within budget.
const statePanels = lazyModule(() => import("../components/mail/state-panels"));
const passwordDialog = lazyModule(() => import("../components/mail/password-dialog"));
const checkLoginDialog = lazyModule(() => import("../components/mail/check-login-dialog"));
const settingsBar = lazyModule(() => import("../components/mail/settings-bar"));
const quotaBanner = lazyModule(() => import("../components/mail/quota-banner"));

export async function loader() {
  const info = await queryUtils.mailbox.info.ensureData();
  await (info.state !== "active" ? statePanels : settingsBar).preload();
  if (info.quotaAlert) await quotaBanner.preload();
  // Mailcow's password rules, for the checklists; asked after `info`, so a slow Mailcow never delays the page.
  const policy = queryUtils.mailbox.passwordPolicy.ensureData().catch(() => null);
  // Where a form shows at once, wait briefly so its checklist does not grow after the first paint.
  if (CREATABLE.has(info.state)) await Promise.race([policy, new Promise((resolve) => setTimeout(resolve, 1000))]);
  return null;
}

export async function action(args: ActionFunctionArgs) {
  const { mailAction } = await loadMailAction();
  return mailAction(args);
}

const STATE_TITLES: Record<MailboxState, PlainKey> = {
  active: "mail.status.nowActive",
  provisioning: "mail.creating.title",
  pending: "mail.pending.title",
  failed: "mail.failed.title",
  needs_password: "mail.create.title",
  none: "mail.create.title",
  conflict: "mail.conflict.title",
  disabled: "mail.disabled.title",
  deleting: "mail.deleting.title",
};

export function Component() {
  const { t, locale } = useI18n();
  useDocumentTitle(t("mail.title"));
  const [me] = trpc.auth.me.useSuspenseQuery();
  const [info] = trpc.mailbox.info.useSuspenseQuery(undefined, {
    refetchInterval: (query) => (query.state.data && WAITING.has(query.state.data.state) ? POLL_MS : false),
  });
  const [dialogOpen, setDialogOpen] = useState(false);
  const [passwordChanged, setPasswordChanged] = useState(false);
  // The dialog's code arrives on first use; hovering or focusing its buttons fetches it ahead of the click.
  // (If that fails, the click does nothing and the next one tries again.)
  const preloadDialog = () => void passwordDialog.preload().catch(() => undefined);
  const openDialog = () =>
    void passwordDialog.preload().then(() => {
      setPasswordChanged(false);
      setDialogOpen(true);
    }, () => undefined);
  const dialogButtonProps = { onClick: openDialog, onPointerEnter: preloadDialog, onFocus: preloadDialog };
  const [checkOpen, setCheckOpen] = useState(false);
  const preloadCheck = () => void checkLoginDialog.preload().catch(() => undefined);
  const openCheck = () => void checkLoginDialog.preload().then(() => setCheckOpen(true), () => undefined);
  const checkButtonProps = { onClick: openCheck, onPointerEnter: preloadCheck, onFocus: preloadCheck };
  const closeCheck = useCallback(() => setCheckOpen(false), []);
  const policy = trpc.mailbox.passwordPolicy.useQuery(undefined, { enabled: dialogOpen || CREATABLE.has(info.state) }).data;
  const announcement = useStateAnnouncement(info.state, t(STATE_TITLES[info.state]));
  const closeDialog = useCallback(() => setDialogOpen(false), []);
  const onPasswordChanged = useCallback(() => {
    setDialogOpen(false);
    setPasswordChanged(true);
  }, []);
  const changedNotice = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (passwordChanged) changedNotice.current?.scrollIntoView?.({ block: "nearest" });
  }, [passwordChanged]);
  if (!me) return null; // the layout sends a signed-out visitor to /login

  const { state } = info;
  const active = state === "active";
  return (
    <div className="space-y-6" data-testid="mail-page" data-state={state}>
      <header>
        <h1 className="text-2xl font-semibold tracking-tight text-gray-900">{t("mail.heading")}</h1>
        <p className="mt-1 text-sm text-gray-600">{t("mail.intro")}</p>
        {active && (
          // The inbox is its own chunk with its own words; this link's two words stay here to keep the page small.
          <Link to="/mail/inbox" className={`mt-4 ${primaryButtonClass}`}>
            {locale === "en" ? "Read mail" : "Читать почту"}
          </Link>
        )}
      </header>
      <p role="status" className="sr-only">
        {announcement}
      </p>

      {info.demo && (
        <Notice tone="amber" icon={<FlaskConical aria-hidden="true" className="size-5" />} title={t("mail.demo.title")} testId="demo-banner">
          {info.demoMailstack
            ? // Only what mailbox.info says the mailstack runs.
              [
                info.demoMailstack.imap ? t("mail.demo.mailstack", { host: info.settings.imap.host, port: info.settings.imap.port }) : null,
                info.demoMailstack.lmtp ? t("mail.demo.lmtp") : null,
                t(info.demoMailstack.smtp ? "mail.demo.smtp" : "mail.demo.noSmtp"),
              ]
                .filter(Boolean)
                .join("; ")
            : t("mail.demo.body")}
        </Notice>
      )}
      {info.liveUnavailable && (
        <Notice tone="gray" icon={<CloudOff aria-hidden="true" className="size-5" />} title={t("mail.liveUnavailable.title")} testId="live-unavailable">
          {t("mail.liveUnavailable.body")}
        </Notice>
      )}
      {/* Stays until the page is left or the dialog opens again, and is scrolled into view when it appears. */}
      <div role="status" ref={changedNotice} className="scroll-mt-20">
        {passwordChanged && active && (
          <Notice tone="green" icon={<CheckCircle2 aria-hidden="true" className="size-5" />} testId="password-changed">
            {t("mail.passwordChanged")}
          </Notice>
        )}
      </div>

      {active && info.live?.forcePasswordChange && (
        // Mailcow (tag 2026-07a): force_pw_update blocks only its own web UI and the SSO into SOGo webmail;
        // IMAP, SMTP, POP3 and Sieve logins work with the sign-up password at once.
        <section className="rounded-xl bg-pink-50 p-5 ring-1 ring-pink-200 sm:p-6" aria-labelledby="first-step-title" data-testid="first-step">
          <h2 id="first-step-title" className="text-lg font-semibold text-gray-900">
            {t("mail.firstStep.title")}
          </h2>
          <p className="mt-1.5 text-sm text-gray-700">{t("mail.firstStep.body")}</p>
          <button type="button" {...dialogButtonProps} className={`mt-4 ${primaryButtonClass}`}>
            <KeyRound aria-hidden="true" className="size-4" />
            {t("mail.firstStep.action")}
          </button>
        </section>
      )}

      {active && info.quotaAlert && (
        <Suspense fallback={null}>
          <LazyQuotaBanner level={info.quotaAlert} percent={info.live?.percentUsed ?? null} />
        </Suspense>
      )}

      {active ? (
        <>
          <Suspense>
            <LazySettingsBar vacation={info.vacation} />
          </Suspense>
          <MailboxOverview info={info} changePasswordProps={dialogButtonProps} checkLoginProps={checkButtonProps} />
          <ClientSetup settings={info.settings} address={info.address} />
          {dialogOpen && <LazyPasswordDialog onClose={closeDialog} onChanged={onPasswordChanged} username={me.username} address={info.address} policy={policy} />}
          {checkOpen && <LazyCheckLoginDialog onClose={closeCheck} />}
        </>
      ) : (
        // Preloaded by the loader; only a state change while the page is open can get here first.
        <Suspense
          fallback={
            <div role="status" className="grid place-items-center py-8 text-pink-600">
              <Spinner className="size-6" />
              <span className="sr-only">{t("app.loading")}</span>
            </div>
          }
        >
          <LazyStatePanel info={info} username={me.username} policy={policy} />
        </Suspense>
      )}
    </div>
  );
}

function LazyStatePanel(props: Parameters<typeof import("../components/mail/state-panels").StatePanel>[0]) {
  const { StatePanel } = statePanels.read();
  return <StatePanel {...props} />;
}

function LazyQuotaBanner(props: Parameters<typeof import("../components/mail/quota-banner").QuotaBanner>[0]) {
  const { QuotaBanner } = quotaBanner.read();
  return <QuotaBanner {...props} />;
}

function LazyPasswordDialog(props: Parameters<typeof import("../components/mail/password-dialog").PasswordDialog>[0]) {
  const { PasswordDialog } = passwordDialog.read();
  return <PasswordDialog {...props} />;
}

function LazySettingsBar(props: Parameters<typeof import("../components/mail/settings-bar").MailSettingsBar>[0]) {
  const { MailSettingsBar } = settingsBar.read();
  return <MailSettingsBar {...props} />;
}

function LazyCheckLoginDialog(props: Parameters<typeof import("../components/mail/check-login-dialog").CheckLoginDialog>[0]) {
  const { CheckLoginDialog } = checkLoginDialog.read();
  return <CheckLoginDialog {...props} />;
}

/** Words for screen readers when the state changes while the page is open (not on the first render). */
function useStateAnnouncement(state: MailboxState, title: string): string {
  const previous = useRef(state);
  const [text, setText] = useState("");
  useEffect(() => {
    if (state === previous.current) return;
    previous.current = state;
    setText(title);
  }, [state, title]);
  return text;
}

function Notice({ tone, icon, title, testId, children }: { tone: "amber" | "gray" | "green"; icon: ReactNode; title?: string; testId: string; children: ReactNode }) {
  const tones = {
    amber: "bg-amber-50 text-amber-900 ring-amber-300 [&>svg]:text-amber-600",
    gray: "bg-white text-gray-800 ring-gray-300 [&>svg]:text-gray-500",
    green: "bg-green-50 text-green-900 ring-green-200 [&>svg]:text-green-600",
  };
  return (
    <div className={`flex items-start gap-3 rounded-xl p-4 text-sm ring-1 [&>svg]:shrink-0 ${tones[tone]}`} data-testid={testId}>
      {icon}
      <p>
        {title && <strong className="font-semibold">{title}. </strong>}
        {children}
      </p>
    </div>
  );
}

export { ContentErrorBoundary as ErrorBoundary } from "../components/route-error";
