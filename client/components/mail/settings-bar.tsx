// The Mail page's way to the mail settings, and "out-of-office is on until …" with one-click off. Its own small
// chunk with its own words (loaded for an active mailbox), so the first visit to /mail stays small.
import { CalendarClock } from "lucide-react";
import { useState } from "react";
import { Link } from "react-router";
import { CLIENT_PATHS } from "../../../shared/routes";
import { interpolate } from "../../../shared/i18n/locales";
import { useI18n } from "../../i18n";
import { trpc } from "../../trpc";
import { linkClass, smallSecondaryButtonClass, Spinner } from "../ui";

const WORDS = {
  ru: { settings: "Пересылка, автоответ, защита от спама", until: "Автоответ включён до {date}", open: "Автоответ включён", off: "Выключить", turningOff: "Выключаем…", failed: "Не удалось выключить. Попробуйте ещё раз", done: "Автоответ выключен" },
  en: { settings: "Forwarding, out-of-office, spam protection", until: "Out-of-office is on until {date}", open: "Out-of-office is on", off: "Turn off", turningOff: "Turning off…", failed: "Could not turn it off. Please try again", done: "Out-of-office is off" },
};

export function MailSettingsBar({ vacation }: { vacation: { until: string | null } | null | undefined }) {
  const { locale } = useI18n();
  return (
    <div className="space-y-4">
      <Link to={CLIENT_PATHS.mailSettings} className={`inline-block text-sm ${linkClass}`} data-testid="mail-settings-link">
        {WORDS[locale].settings}
      </Link>
      {vacation && <VacationNotice until={vacation.until} />}
    </div>
  );
}

function VacationNotice({ until }: { until: string | null }) {
  const { locale } = useI18n();
  const w = WORDS[locale];
  const utils = trpc.useUtils();
  const disable = trpc.mailbox.vacation.disable.useMutation();
  const [failed, setFailed] = useState(false);
  const date = until
    ? new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${until}T00:00:00Z`))
    : null;

  async function turnOff() {
    setFailed(false);
    try {
      const state = await disable.mutateAsync();
      utils.mailbox.vacation.get.setData(undefined, state);
      await utils.mailbox.info.invalidate();
    } catch {
      setFailed(true);
    }
  }

  return (
    <div className="flex flex-col gap-3 rounded-xl bg-pink-50 p-4 text-sm text-gray-900 ring-1 ring-pink-200 sm:flex-row sm:items-center" data-testid="vacation-notice">
      <CalendarClock aria-hidden="true" className="hidden size-5 shrink-0 text-pink-600 sm:block" />
      <p className="flex-1 font-medium">{date ? interpolate(w.until, { date }) : w.open}</p>
      <button type="button" onClick={() => void turnOff()} disabled={disable.isPending} className={smallSecondaryButtonClass} data-testid="vacation-notice-off">
        {disable.isPending && <Spinner />}
        {disable.isPending ? w.turningOff : w.off}
      </button>
      <p role="alert" className="text-red-700 empty:hidden sm:basis-full">
        {failed ? w.failed : ""}
      </p>
    </div>
  );
}
