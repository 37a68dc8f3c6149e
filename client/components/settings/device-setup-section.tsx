// Zero-typing phone set-up: a single-use link as a QR code (drawn here; uqr loads only when a code is shown), with
// the time it has left.
import { Smartphone } from "lucide-react";
import { lazy, Suspense, useEffect, useState } from "react";
import type { DeviceSetupStart } from "../../../shared/schemas/mail-access";
import { useI18n } from "../../i18n";
import { trpc } from "../../trpc";
import { Section } from "../account/section";
import { FormAlert } from "../form-fields";
import { CopyButton } from "../mail/copy-button";
import { primaryButtonClass, smallSecondaryButtonClass, Spinner } from "../ui";
import { useAccessWords } from "./access-words";

const QrCode = lazy(() => import("../account/qr-code").then((module) => ({ default: module.QrCode })));

function useSecondsLeft(expiresAt: string | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!expiresAt) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [expiresAt]);
  return expiresAt ? Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000)) : 0;
}

export function DeviceSetupSection() {
  const w = useAccessWords();
  const { locale } = useI18n();
  const start = trpc.mailbox.deviceSetup.start.useMutation();
  const [link, setLink] = useState<DeviceSetupStart | null>(null);
  const left = useSecondsLeft(link?.expiresAt ?? null);
  const url = link ? (link.url ?? `${window.location.origin}${link.path}`) : null;
  const expired = link !== null && left === 0;
  const minutes = Math.floor(left / 60);
  const time = `${minutes}:${String(left % 60).padStart(2, "0")}`;

  function begin() {
    start.mutate(undefined, { onSuccess: setLink });
  }

  return (
    <Section id="device-setup" title={w("device.title")} intro={w("device.intro")}>
      <FormAlert message={start.error ? start.error.message : null} />
      {!link ? (
        <button type="button" className={primaryButtonClass} onClick={begin} disabled={start.isPending}>
          {start.isPending ? <Spinner /> : <Smartphone aria-hidden="true" className="size-4" />}
          {start.isPending ? w("device.starting") : w("device.start")}
        </button>
      ) : (
        <div className="flex flex-col items-start gap-4 sm:flex-row" data-testid="device-setup">
          <div className={expired ? "opacity-20" : ""} aria-hidden={expired || undefined}>
            <Suspense fallback={<div className="grid size-44 place-items-center rounded-lg ring-1 ring-gray-200"><Spinner /></div>}>
              <QrCode value={url!} label={w("device.qrLabel")} testId="device-qr" />
            </Suspense>
          </div>
          <div className="min-w-0 flex-1 space-y-3 text-sm">
            <p role="timer" aria-live="off" className={`font-medium ${expired ? "text-red-700" : "text-gray-900"}`} data-testid="device-expires">
              {expired ? w("device.expired") : w("device.expires", { time })}
            </p>
            {/* Announced once, not every second. */}
            <p className="sr-only" role="status">
              {expired ? w("device.expired") : w("device.expires", { time: locale === "en" ? `${Math.ceil(left / 60)} min` : `${Math.ceil(left / 60)} мин` })}
            </p>
            {!expired && (
              <div>
                <p className="text-gray-600">{w("device.link")}</p>
                <div className="mt-1 flex items-center gap-1">
                  <code className="min-w-0 flex-1 break-all rounded bg-gray-50 px-2 py-1 text-xs text-gray-800 ring-1 ring-gray-200">{url}</code>
                  <CopyButton value={url!} label={w("device.copyLabel")} announce={w("device.copied")} />
                </div>
              </div>
            )}
            <div className="flex flex-wrap gap-2">
              <button type="button" className={smallSecondaryButtonClass} onClick={begin} disabled={start.isPending}>
                {start.isPending && <Spinner />}
                {w("device.again")}
              </button>
              <button type="button" className={smallSecondaryButtonClass} onClick={() => setLink(null)}>
                {w("device.hide")}
              </button>
            </div>
          </div>
        </div>
      )}
    </Section>
  );
}
