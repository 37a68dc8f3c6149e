import { ExternalLink, KeyRound, PlugZap } from "lucide-react";
import type { ComponentProps } from "react";
import type { MailboxInfo, MailboxLive } from "../../../shared/schemas/mailbox";
import { useI18n } from "../../i18n";
import { formatBytes } from "../../lib/format-bytes";
import { Address } from "../address";
import { cardClass, primaryButtonClass, secondaryButtonClass } from "../ui";
import { CopyButton } from "./copy-button";
import { MailServerNotice } from "./mail-server-notice";

/** Where focus goes when the dialog closes and the button that opened it is gone (the first step, once done). */
export const CHANGE_PASSWORD_BUTTON_ID = "change-mailbox-password";
export const CHECK_LOGIN_BUTTON_ID = "check-mailbox-login";

/** The active mailbox: address, status, storage, messages, last sign-ins, and what to do with it. */
export function MailboxOverview({
  info,
  changePasswordProps,
  checkLoginProps,
}: {
  info: MailboxInfo;
  changePasswordProps: ComponentProps<"button">;
  checkLoginProps: ComponentProps<"button">;
}) {
  const { t } = useI18n();
  const { live } = info;
  const mustSetPassword = live?.forcePasswordChange ?? false;
  return (
    <section className={cardClass} aria-labelledby="mailbox-address-label">
      <div className="space-y-6 p-5 sm:p-6">
        <MailServerNotice info={info} />
        <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
          <div className="min-w-0">
            <h2 id="mailbox-address-label" className="text-sm font-medium text-gray-600">
              {t("mail.address")}
            </h2>
            <div className="mt-0.5 flex items-center gap-1.5">
              <p className="min-w-0 text-xl font-semibold break-words text-gray-900" data-testid="mail-address">
                <Address email={info.address} />
              </p>
              <CopyButton value={info.address} label={t("mail.address")} announce={t("mail.copied.address")} />
            </div>
          </div>
          <span
            data-testid="mail-status"
            className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-1 text-xs font-semibold ring-1 ring-inset ${
              live ? "bg-green-50 text-green-800 ring-green-200" : "bg-gray-100 text-gray-700 ring-gray-200"
            }`}
          >
            <span aria-hidden="true" className={`size-1.5 rounded-full ${live ? "bg-green-600" : "bg-gray-500"}`} />
            <span className="sr-only">{t("mail.status.label")} </span>
            {t(live ? "mail.status.active" : "mail.status.unknown")}
          </span>
        </div>
        {live && <LiveFigures live={live} />}
      </div>
      <div className="flex flex-col gap-3 border-t border-gray-100 px-5 py-4 sm:flex-row sm:flex-wrap sm:px-6">
        {info.demo ? (
          // The demo's webmail host is made up: say so instead of a link that cannot work.
          <span className={`${secondaryButtonClass} cursor-not-allowed opacity-70`} data-testid="webmail-unavailable">
            <ExternalLink aria-hidden="true" className="size-4" />
            {t("mail.demo.webmail")}
          </span>
        ) : (
          <a
            href={info.settings.webmailUrl}
            target="_blank"
            rel="noopener noreferrer"
            className={mustSetPassword ? secondaryButtonClass : primaryButtonClass}
          >
            <ExternalLink aria-hidden="true" className="size-4" />
            {t("mail.action.webmail")}
            <span className="sr-only"> {t("mail.action.newTab")}</span>
          </a>
        )}
        <button type="button" id={CHANGE_PASSWORD_BUTTON_ID} {...changePasswordProps} className={secondaryButtonClass}>
          <KeyRound aria-hidden="true" className="size-4" />
          {t("mail.action.changePassword")}
        </button>
        <button type="button" id={CHECK_LOGIN_BUTTON_ID} {...checkLoginProps} className={secondaryButtonClass}>
          <PlugZap aria-hidden="true" className="size-4" />
          {t("mail.action.checkLogin")}
        </button>
      </div>
    </section>
  );
}

function LiveFigures({ live }: { live: MailboxLive }) {
  const { t, formatNumber, formatDate } = useI18n();
  const used = formatBytes(live.usedBytes, formatNumber);
  const percent = live.percentUsed;
  const level = percent === null ? "ok" : percent >= 90 ? "danger" : percent >= 75 ? "warning" : "ok";
  const summary =
    percent === null
      ? t("mail.quota.unlimited", { used })
      : t("mail.quota.used", { used, limit: formatBytes(live.quotaBytes, formatNumber) });
  const logins = [
    ["mail.lastLogin.webmail", live.lastWebmailLogin],
    ["mail.lastLogin.imap", live.lastImapLogin],
    ["mail.lastLogin.smtp", live.lastSmtpLogin],
  ] as const;

  return (
    <>
      <div data-testid="mail-quota" data-level={level}>
        <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
          <h3 id="quota-label" className="font-medium text-gray-900">
            {t("mail.quota.label")}
          </h3>
          <p className="text-gray-700">
            {summary}
            {percent !== null && <span className="font-semibold text-gray-900"> · {formatNumber(percent / 100, { style: "percent" })}</span>}
          </p>
        </div>
        {percent !== null && (
          <div
            role="meter"
            aria-labelledby="quota-label"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.min(100, percent)}
            aria-valuetext={`${summary} (${formatNumber(percent / 100, { style: "percent" })})`}
            className="mt-2 h-2.5 overflow-hidden rounded-full bg-gray-200"
          >
            <div
              className={`h-full rounded-full ${level === "danger" ? "bg-red-600" : level === "warning" ? "bg-amber-500" : "bg-pink-600"}`}
              style={{ width: `${Math.min(100, Math.max(0, percent))}%` }}
            />
          </div>
        )}
        {level !== "ok" && (
          <p className={`mt-2 text-sm font-medium ${level === "danger" ? "text-red-700" : "text-amber-800"}`}>
            {t(level === "danger" ? "mail.quota.danger" : "mail.quota.warning")}
          </p>
        )}
      </div>

      <div className="grid gap-x-8 gap-y-4 text-sm sm:grid-cols-[auto_1fr]">
        <dl>
          <dt className="text-gray-600">{t("mail.messages")}</dt>
          <dd className="mt-0.5 text-lg font-semibold text-gray-900" data-testid="mail-messages">
            {formatNumber(live.messages)}
          </dd>
        </dl>
        <div>
          <h3 id="last-login-heading" className="text-gray-600">
            {t("mail.lastLogin.heading")}
          </h3>
          <dl aria-labelledby="last-login-heading" className="mt-1 grid gap-x-6 gap-y-1.5 sm:grid-cols-3 sm:gap-y-0">
            {logins.map(([label, at]) => (
              <div key={label} className="flex justify-between gap-3 sm:block">
                <dt className="text-gray-700">{t(label)}</dt>
                <dd className={`shrink-0 text-right whitespace-nowrap sm:mt-0.5 sm:text-left ${at ? "font-medium text-gray-900" : "text-gray-600"}`}>
                  {at ? formatDate(at, { dateStyle: "medium", timeStyle: "short" }) : t("mail.lastLogin.never")}
                </dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
    </>
  );
}
