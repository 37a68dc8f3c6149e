import { ClipboardCheck, ClipboardCopy } from "lucide-react";
import { useEffect, useState } from "react";
import { focusRing } from "../ui";
import { useAdminWords } from "./words";

/** Copies `value`; says so next to the button and to screen readers (aria-live), then resets. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const w = useAdminWords();
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
      setState("failed"); // no clipboard access (a plain-http page): say so instead of pretending
    }
  }

  return (
    <span className="relative inline-flex shrink-0">
      <button type="button" onClick={copy} aria-label={label} data-copy={value} className={`grid size-8 place-items-center rounded-md text-gray-600 hover:bg-gray-100 hover:text-gray-900 ${focusRing}`}>
        {state === "copied" ? <ClipboardCheck aria-hidden="true" className="size-4 text-green-700" /> : <ClipboardCopy aria-hidden="true" className="size-4" />}
      </button>
      <span
        role="status"
        className={state === "idle" ? "sr-only" : `absolute bottom-full right-0 z-10 mb-1 w-max max-w-56 rounded-md px-2 py-1 text-xs font-medium text-white shadow ${state === "copied" ? "bg-gray-900" : "bg-red-700"}`}
      >
        {state === "copied" && w("common.copied")}
        {state === "failed" && w("common.copyFailed")}
      </span>
    </span>
  );
}
