import { ServerOff } from "lucide-react";
import type { MailboxInfo } from "../../../shared/schemas/mailbox";
import { useI18n } from "../../i18n";

/**
 * Shown while the platform has paused every call to the mail server (it refused the platform's access): the mail
 * server is temporarily unavailable for everyone; nothing is wrong with this person's mailbox.
 */
export function MailServerNotice({ info }: { info: MailboxInfo }) {
  const { t } = useI18n();
  if (info.mailServer !== "unavailable") return null;
  return (
    <div role="status" className="flex items-start gap-3 rounded-xl bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-amber-300" data-testid="mail-server-unavailable">
      <ServerOff aria-hidden="true" className="size-5 shrink-0 text-amber-600" />
      <p>
        <strong className="font-semibold">{t("mail.serverUnavailable.title")}. </strong>
        {t("mail.serverUnavailable.body")}
      </p>
    </div>
  );
}
