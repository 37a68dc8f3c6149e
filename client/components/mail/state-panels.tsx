// The Mail page for every state but "active": each says what is going on and offers the one action that helps.
import { Ban, CircleAlert, KeyRound, Mail, Trash2, UserX } from "lucide-react";
import { useRef, type ReactNode } from "react";
import { useFetcher } from "react-router";
import { MAILBOX_REASON_TEXT } from "../../../shared/i18n/mailbox";
import type { LivePasswordPolicy, MailboxInfo } from "../../../shared/schemas/mailbox";
import { useI18n } from "../../i18n";
import { useMessage } from "../../i18n/messages";
import { useFocusFirstInvalid } from "../../lib/use-form-focus";
import type { MailActionResult } from "./action-result";
import { FormAlert, SubmitButton } from "../form-fields";
import { cardClass, linkClass, secondaryButtonClass, Spinner } from "../ui";
import { MailServerNotice } from "./mail-server-notice";
import { MailPasswordFields } from "./password-fields";

function useReason(info: MailboxInfo): string | null {
  const { locale } = useI18n();
  return info.reason ? MAILBOX_REASON_TEXT[info.reason][locale] : null;
}

function Panel({ icon, tone, title, children }: { icon: ReactNode; tone: "pink" | "red" | "gray"; title: string; children: ReactNode }) {
  const tones = { pink: "bg-pink-50 text-pink-600 ring-pink-100", red: "bg-red-50 text-red-600 ring-red-100", gray: "bg-gray-100 text-gray-600 ring-gray-200" };
  return (
    <section className={`${cardClass} p-5 sm:p-6`} aria-labelledby="state-title">
      <div className="flex items-start gap-4">
        <span className={`hidden size-10 shrink-0 place-items-center rounded-full ring-1 sm:grid ${tones[tone]}`}>{icon}</span>
        <div className="min-w-0 flex-1">
          <h2 id="state-title" className="text-lg font-semibold text-gray-900">
            {title}
          </h2>
          {children}
        </div>
      </div>
    </section>
  );
}

/** provisioning / pending: a progress bar, the reason and attempts, "retry now"; the page polls meanwhile. */
function CreatingPanel({ info }: { info: MailboxInfo }) {
  const { t, formatDate } = useI18n();
  const message = useMessage();
  const reason = useReason(info);
  const fetcher = useFetcher<MailActionResult>();
  const pending = info.state === "pending";
  const busy = fetcher.state !== "idle";
  const failure = fetcher.data && !fetcher.data.ok ? fetcher.data.formError : null;
  return (
    <Panel icon={<Spinner className="size-5" />} tone="pink" title={t(pending ? "mail.pending.title" : "mail.creating.title")}>
      <p className="mt-1.5 text-sm text-gray-700">{pending && reason ? reason : t("mail.creating.body")}</p>
      <div role="progressbar" aria-label={t("mail.creating.progress")} className="mt-4 h-1.5 overflow-hidden rounded-full bg-pink-100">
        <div className="h-full w-1/3 animate-indeterminate rounded-full bg-pink-600 motion-reduce:w-full motion-reduce:animate-pulse" />
      </div>
      {pending && (
        <p className="mt-3 text-sm text-gray-600">
          {t("mail.pending.attempts", { count: info.attempts })}
          {info.nextAttemptAt && <> · {t("mail.pending.next", { time: formatDate(info.nextAttemptAt, { timeStyle: "medium" }) })}</>}
          <span className="mt-1 block">{t("mail.pending.auto")}</span>
        </p>
      )}
      <fetcher.Form method="post" className="mt-4 space-y-3">
        <input type="hidden" name="intent" value="retry" />
        <FormAlert message={failure ? message(failure) : null} />
        <button type="submit" disabled={busy} className={secondaryButtonClass}>
          {busy && <Spinner />}
          {t(busy ? "mail.retrying" : "mail.retry")}
        </button>
      </fetcher.Form>
    </Panel>
  );
}

/** failed / needs_password / none: why, and the form that creates the mailbox with a password the user sets. */
function CreatePanel({ info, username, policy }: { info: MailboxInfo; username: string; policy: LivePasswordPolicy | null | undefined }) {
  const { t } = useI18n();
  const message = useMessage();
  const reason = useReason(info);
  const fetcher = useFetcher<MailActionResult>();
  const form = useRef<HTMLFormElement>(null);
  const result = fetcher.data;
  useFocusFirstInvalid(form, result);
  const failed = info.state === "failed";
  const busy = fetcher.state !== "idle";
  const errors = result?.ok ? {} : (result?.fieldErrors ?? {});
  const alert = result?.formError ? message(result.formError) : Object.keys(errors).length ? t("form.checkFields") : null;
  return (
    <Panel
      icon={failed ? <CircleAlert aria-hidden="true" className="size-5" /> : <KeyRound aria-hidden="true" className="size-5" />}
      tone={failed ? "red" : "pink"}
      title={t(failed ? "mail.failed.title" : "mail.create.title")}
    >
      {reason && (
        <p className={`mt-1.5 text-sm ${failed ? "rounded-lg bg-red-50 p-3 text-red-800 ring-1 ring-red-200" : "text-gray-700"}`} data-testid="mail-reason">
          {reason}
        </p>
      )}
      {failed && <p className="mt-3 text-sm text-gray-700">{t("mail.failed.help")}</p>}
      <p className="mt-3 text-sm text-gray-700">{t("mail.create.intro", { address: info.address })}</p>
      <fetcher.Form method="post" ref={form} noValidate className="mt-5 max-w-md space-y-5" aria-busy={busy}>
        <input type="hidden" name="intent" value="create" />
        <FormAlert message={alert} />
        <MailPasswordFields name="password" label={t("mail.create.password")} username={username} address={info.address} policy={policy} errors={errors} />
        <SubmitButton busy={busy} label={t("mail.create.submit")} busyLabel={t("mail.create.submitting")} />
      </fetcher.Form>
    </Panel>
  );
}

const BLOCKED = {
  conflict: { title: "mail.conflict.title", Icon: UserX },
  disabled: { title: "mail.disabled.title", Icon: Ban },
  deleting: { title: "mail.deleting.title", Icon: Trash2 },
} as const;

/** conflict / disabled / deleting: nothing the user can fix here, so what happened and whom to write to. */
function BlockedPanel({ info, state, username }: { info: MailboxInfo; state: keyof typeof BLOCKED; username: string }) {
  const { t, formatDate } = useI18n();
  const reason = useReason(info);
  const { title, Icon } = BLOCKED[state];
  const postmaster = `postmaster@${info.address.split("@")[1] ?? ""}`;
  return (
    <Panel icon={<Icon aria-hidden="true" className="size-5" />} tone="gray" title={t(title)}>
      {reason && (
        <p className="mt-1.5 text-sm text-gray-700" data-testid="mail-reason">
          {reason}
        </p>
      )}
      {state === "deleting" && info.deleteAfter && (
        <p className="mt-2 text-sm font-medium text-gray-900">{t("mail.deleting.when", { date: formatDate(info.deleteAfter) })}</p>
      )}
      <div className="mt-4 rounded-lg bg-gray-50 p-4 ring-1 ring-gray-200">
        <h3 className="text-sm font-semibold text-gray-900">{t("mail.contact.title")}</h3>
        <p className="mt-1 text-sm text-gray-700">{t("mail.contact.body", { username })}</p>
        <a href={`mailto:${postmaster}`} className={`mt-2 inline-flex items-center gap-1.5 text-sm ${linkClass}`}>
          <Mail aria-hidden="true" className="size-4" />
          {postmaster}
        </a>
      </div>
    </Panel>
  );
}

/** The panel for any state but "active" (the page loads this module only when one is needed). */
export function StatePanel(props: { info: MailboxInfo; username: string; policy: LivePasswordPolicy | null | undefined }) {
  return (
    <>
      <MailServerNotice info={props.info} />
      <PanelForState {...props} />
    </>
  );
}

function PanelForState({ info, username, policy }: { info: MailboxInfo; username: string; policy: LivePasswordPolicy | null | undefined }) {
  switch (info.state) {
    case "provisioning":
    case "pending":
      return <CreatingPanel info={info} />;
    case "failed":
    case "needs_password":
    case "none":
      return <CreatePanel info={info} username={username} policy={policy} />;
    case "conflict":
    case "disabled":
    case "deleting":
      return <BlockedPanel info={info} state={info.state} username={username} />;
    case "active":
      return null;
  }
}
