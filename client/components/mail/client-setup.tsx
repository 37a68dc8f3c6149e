import { ChevronRight, Download } from "lucide-react";
import type { ReactNode } from "react";
import type { ClientSettings, ServerSettings } from "../../../shared/schemas/mailbox";
import { useI18n, type PlainKey } from "../../i18n";
import { Address } from "../address";
import { cardClass, focusRing, smallSecondaryButtonClass } from "../ui";
import { CopyButton } from "./copy-button";

/** Where the Apple configuration profile is served (server/http/mail-client-config.ts). */
export const PROFILE_URL = "/api/mailbox/profile.mobileconfig";

const SECURITY_KEYS = { ssl: "mail.security.ssl", starttls: "mail.security.starttls", none: "mail.security.none" } as const;

/** IMAP and SMTP settings to copy into a mail app, and short guides for the common ones. */
export function ClientSetup({ settings, address }: { settings: ClientSettings; address: string }) {
  const { t } = useI18n();
  return (
    <section className={cardClass} aria-labelledby="setup-heading">
      <div className="p-5 sm:p-6">
        <h2 id="setup-heading" className="text-lg font-semibold text-gray-900">
          {t("mail.settings.title")}
        </h2>
        <p className="mt-1 text-sm text-gray-600">{t("mail.settings.intro")}</p>
        <div className="mt-5 grid gap-5 lg:grid-cols-2">
          <ServerTable id="imap" caption={t("mail.settings.imap")} server={settings.imap} />
          <ServerTable id="smtp" caption={t("mail.settings.smtp")} server={settings.smtp} />
        </div>
      </div>
      <div className="border-t border-gray-100 p-5 sm:p-6">
        <h3 className="text-base font-semibold text-gray-900">{t("mail.guides.title")}</h3>
        <Guides settings={settings} address={address} />
      </div>
    </section>
  );
}

function ServerTable({ id, caption, server }: { id: string; caption: string; server: ServerSettings }) {
  const { t } = useI18n();
  const rows: [PlainKey, string, string][] = [
    ["mail.settings.server", server.host, t("mail.copied.server", { caption })],
    ["mail.settings.port", String(server.port), t("mail.copied.port", { caption })],
    ["mail.settings.security", t(SECURITY_KEYS[server.security]), t("mail.copied.security", { caption })],
    ["mail.settings.username", server.username, t("mail.copied.username", { caption })],
  ];
  return (
    <table className="w-full text-sm" data-testid={`settings-${id}`}>
      <caption className="mb-2 text-left font-semibold text-gray-900">{caption}</caption>
      <tbody className="divide-y divide-gray-100 rounded-lg ring-1 ring-gray-200">
        {rows.map(([label, value, announce]) => (
          <tr key={label}>
            <th scope="row" className="w-0 whitespace-nowrap py-1.5 pl-3 pr-4 text-left align-middle font-normal text-gray-600">
              {t(label)}
            </th>
            <td className="py-1.5 pr-1.5">
              <div className="flex items-center justify-between gap-2">
                <span className="min-w-0 font-mono text-[13px] break-words text-gray-900" data-setting={label.slice("mail.settings.".length)}>
                  <Address email={value} />
                </span>
                <CopyButton value={value} label={`${caption}: ${t(label)}`} announce={announce} />
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Guides({ settings, address }: { settings: ClientSettings; address: string }) {
  const { t, locale } = useI18n();
  const security = (s: ServerSettings) => t(SECURITY_KEYS[s.security]);
  const guides: { id: string; title: PlainKey; steps: string[]; extra?: ReactNode }[] = [
    {
      id: "thunderbird",
      title: "mail.guide.thunderbird",
      steps: [t("mail.guide.thunderbird.1"), t("mail.guide.thunderbird.2", { address }), t("mail.guide.thunderbird.3")],
    },
    {
      id: "apple",
      title: "mail.guide.apple",
      steps: [t("mail.guide.apple.1"), t("mail.guide.apple.2"), t("mail.guide.apple.3")],
      extra: (
        <a href={`${PROFILE_URL}?lang=${locale}`} download className={`${smallSecondaryButtonClass} mt-2`} data-testid="profile-download">
          <Download aria-hidden="true" className="size-4" />
          {t("mail.guide.apple.profile")}
        </a>
      ),
    },
    {
      id: "outlook",
      title: "mail.guide.outlook",
      steps: [t("mail.guide.outlook.1"), t("mail.guide.outlook.2", { address }), t("mail.guide.outlook.3")],
    },
    {
      id: "android",
      title: "mail.guide.android",
      steps: [t("mail.guide.android.1"), t("mail.guide.android.2", { address }), t("mail.guide.android.3")],
    },
    {
      id: "other",
      title: "mail.guide.other",
      steps: [
        t("mail.guide.other.1"),
        t("mail.guide.other.2", {
          imapHost: settings.imap.host,
          smtpHost: settings.smtp.host,
          imapPort: settings.imap.port,
          imapSecurity: security(settings.imap),
          smtpPort: settings.smtp.port,
          smtpSecurity: security(settings.smtp),
        }),
        t("mail.guide.other.3", { address }),
      ],
    },
  ];
  return (
    <div className="mt-3 divide-y divide-gray-100 rounded-lg ring-1 ring-gray-200">
      {guides.map(({ id, title, steps, extra }) => (
        <details key={id} className="group" data-guide={id}>
          <summary
            className={`flex cursor-pointer list-none items-center gap-2 rounded-lg px-3 py-2.5 text-sm font-medium text-gray-900 hover:bg-gray-50 [&::-webkit-details-marker]:hidden ${focusRing} focus-visible:ring-offset-0`}
          >
            <ChevronRight aria-hidden="true" className="size-4 shrink-0 text-gray-500 transition-transform group-open:rotate-90" />
            {t(title)}
          </summary>
          <div className="px-3 pb-4 pl-9">
            <ol className="list-decimal space-y-1.5 pl-4 text-sm text-gray-700 marker:text-gray-500">
              {steps.map((step, index) => (
                <li key={index}>
                  {step}
                  {index === 0 && extra && <div>{extra}</div>}
                </li>
              ))}
            </ol>
          </div>
        </details>
      ))}
    </div>
  );
}
