// The Mail page's "mailbox nearly full" banner: what the level means and what to do. Its own chunk with its own
// words, loaded only when mailbox.info reports a quota level (QUOTA_WARN_PERCENT / QUOTA_CRITICAL_PERCENT).
import { HardDrive } from "lucide-react";
import { interpolate } from "../../../shared/i18n/locales";
import type { QuotaAlert } from "../../../shared/schemas/mailbox";
import { useI18n } from "../../i18n";

const WORDS = {
  ru: {
    warning: "Почтовый ящик заполнен на {percent}%",
    critical: "Почтовый ящик почти полон: {percent}%",
    criticalBody: "Когда место закончится, новые письма перестанут приходить — отправители получат отказ.",
    warningBody: "Освободите место заранее, чтобы письма продолжали приходить.",
    todo: "Что можно сделать:",
    large: "удалите большие письма и письма с вложениями;",
    trash: "очистите Корзину (удалённые письма занимают место, пока она не очищена);",
    admin: "попросите администратора увеличить размер ящика.",
  },
  en: {
    warning: "Your mailbox is {percent}% full",
    critical: "Your mailbox is nearly full: {percent}%",
    criticalBody: "Once it is full, new mail stops arriving and senders get a bounce.",
    warningBody: "Free some space in time so that mail keeps arriving.",
    todo: "What you can do:",
    large: "delete large messages and messages with attachments;",
    trash: "empty the Trash (deleted mail takes space until it is emptied);",
    admin: "ask an administrator for more space.",
  },
};

export function QuotaBanner({ level, percent }: { level: NonNullable<QuotaAlert>; percent: number | null }) {
  const { locale } = useI18n();
  const w = WORDS[locale === "en" ? "en" : "ru"];
  const critical = level === "critical";
  return (
    <section
      role={critical ? "alert" : "status"}
      aria-labelledby="quota-banner-title"
      data-testid="quota-banner"
      data-level={level}
      className={`flex items-start gap-3 rounded-xl p-4 text-sm ring-1 ${critical ? "bg-red-50 text-red-900 ring-red-300" : "bg-amber-50 text-amber-900 ring-amber-300"}`}
    >
      <HardDrive aria-hidden="true" className={`size-5 shrink-0 ${critical ? "text-red-600" : "text-amber-600"}`} />
      <div>
        <h2 id="quota-banner-title" className="font-semibold">
          {interpolate(w[level], { percent: percent ?? "—" })}
        </h2>
        <p className="mt-1">{critical ? w.criticalBody : w.warningBody}</p>
        <p className="mt-2">{w.todo}</p>
        <ul className="mt-1 list-disc space-y-0.5 pl-5">
          <li>{w.large}</li>
          <li>{w.trash}</li>
          <li>{w.admin}</li>
        </ul>
      </div>
    </section>
  );
}
