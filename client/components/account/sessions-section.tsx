import { Laptop, MonitorSmartphone, Smartphone, Tablet } from "lucide-react";
import { useState } from "react";
import type { SessionSummary } from "../../../shared/schemas/account";
import { useI18n } from "../../i18n";
import { useMessage } from "../../i18n/messages";
import { failedForm } from "../../lib/form-result";
import { trpc } from "../../trpc";
import { FormAlert } from "../form-fields";
import { smallSecondaryButtonClass, Spinner } from "../ui";
import { Section, Success } from "./section";
import { useAccountWords } from "./words";

const ICONS = { desktop: Laptop, mobile: Smartphone, tablet: Tablet, unknown: MonitorSmartphone } as const;

export function SessionsSection() {
  const w = useAccountWords();
  const { formatDate } = useI18n();
  const message = useMessage();
  const utils = trpc.useUtils();
  const [sessions] = trpc.auth.sessions.list.useSuspenseQuery();
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const revoke = trpc.auth.sessions.revoke.useMutation();

  async function run(input: { sessionId: string } | "others") {
    setDone(null);
    setFailure(null);
    try {
      const { revoked } = await revoke.mutateAsync(input);
      setDone(input === "others" ? w("sessions.revokedOthers", { count: revoked }) : w("sessions.revoked"));
      await utils.auth.sessions.list.invalidate();
    } catch (error) {
      const { formError } = failedForm(error, []);
      setFailure(formError ? message(formError) : null);
    }
  }

  const name = (s: SessionSummary) => [s.browser ?? w("sessions.unknownBrowser"), s.os].filter(Boolean).join(" · ");
  const others = sessions.filter((s) => !s.current).length;
  return (
    <Section id="sessions" title={w("sessions.title")} intro={w("sessions.intro")}>
      <Success text={done} testId="sessions-done" />
      <FormAlert message={failure} />
      <ul className="divide-y divide-gray-100 rounded-lg ring-1 ring-gray-200" data-testid="sessions">
        {sessions.map((s) => {
          const Icon = ICONS[s.device];
          return (
            <li key={s.sessionId} className="flex flex-wrap items-center gap-3 px-3 py-3" data-current={s.current} data-session={s.sessionId}>
              <Icon aria-hidden="true" className="size-5 shrink-0 text-gray-500" />
              <div className="min-w-0 flex-1 text-sm">
                <p className="font-medium text-gray-900">
                  <span className="sr-only">{w(`device.${s.device}`)}: </span>
                  {name(s)}
                  {s.current && <span className="ml-2 rounded-full bg-pink-50 px-2 py-0.5 text-xs font-semibold text-pink-700 ring-1 ring-pink-200">{w("sessions.current")}</span>}
                </p>
                <p className="text-gray-600">
                  {[s.ip ? w("sessions.ip", { ip: s.ip }) : null, s.lastSeenAt ? w("sessions.lastSeen", { time: formatDate(s.lastSeenAt, { dateStyle: "medium", timeStyle: "short" }) }) : null]
                    .filter(Boolean)
                    .join(" · ")}
                </p>
              </div>
              {!s.current && (
                <button type="button" onClick={() => void run({ sessionId: s.sessionId })} disabled={revoke.isPending} aria-label={w("sessions.revokeLabel", { name: name(s) })} className={smallSecondaryButtonClass}>
                  {w("sessions.revoke")}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <div className="mt-4">
        {others > 0 ? (
          <button type="button" onClick={() => void run("others")} disabled={revoke.isPending} className={smallSecondaryButtonClass}>
            {revoke.isPending && <Spinner />}
            {w("sessions.revokeOthers")}
          </button>
        ) : (
          <p className="text-sm text-gray-600">{w("sessions.onlyThis")}</p>
        )}
      </div>
    </Section>
  );
}
