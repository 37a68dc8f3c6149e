import { Check, Copy } from "lucide-react";
import { useEffect, useState } from "react";
import { useI18n } from "../../i18n";
import { focusRing } from "../ui";

/**
 * Copies `value`; says "copied" next to the button and `announce` to screen readers (aria-live), then resets.
 * `announce` is a whole sentence from the caller, so each language can agree it with its noun ("Адрес скопирован",
 * "Шифрование скопировано").
 */
export function CopyButton({ value, label, announce }: { value: string; label: string; announce: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), state === "copied" ? 2000 : 5000);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      // No clipboard access (an old browser, a plain-http page): say so instead of pretending.
      setState("failed");
    }
  }

  return (
    <span className="relative inline-flex shrink-0">
      <button
        type="button"
        onClick={copy}
        aria-label={t("mail.copy", { label })}
        data-copy={value}
        className={`grid size-8 place-items-center rounded-md text-gray-600 hover:bg-gray-100 hover:text-gray-900 ${focusRing}`}
      >
        {state === "copied" ? <Check aria-hidden="true" className="size-4 text-green-700" /> : <Copy aria-hidden="true" className="size-4" />}
      </button>
      <span
        role="status"
        className={
          state === "idle"
            ? "sr-only"
            : `absolute bottom-full right-0 z-10 mb-1 w-max max-w-56 rounded-md px-2 py-1 text-xs font-medium text-white shadow ${state === "copied" ? "bg-gray-900" : "bg-red-700"}`
        }
      >
        {state === "copied" && (
          <>
            <span aria-hidden="true">{t("mail.copied")}</span>
            <span className="sr-only">{announce}</span>
          </>
        )}
        {state === "failed" && t("mail.copyFailed")}
      </span>
    </span>
  );
}
