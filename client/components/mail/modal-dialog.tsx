import { X } from "lucide-react";
import { useEffect, useRef, type ReactNode } from "react";
import { focusRing } from "../ui";

/**
 * A modal <dialog>, open while mounted: the browser keeps focus inside and closes it on Escape; focus goes to the
 * element marked `data-autofocus` or the first field on open, and back to the opener (or `fallbackFocusId` when the
 * opener is gone) on close. The title, intro and close button are laid out the same way in every dialog (the Mail
 * page's, the settings', the admin console's; `wide` for the admin's previews).
 */
export function ModalDialog({
  id,
  title,
  intro,
  closeLabel,
  onClose,
  fallbackFocusId,
  wide,
  children,
}: {
  id: string;
  title: string;
  intro?: string;
  closeLabel: string;
  onClose: () => void;
  fallbackFocusId?: string;
  wide?: boolean;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    element.showModal();
    element.querySelector<HTMLElement>("[data-autofocus], input:not([type=hidden]):not([hidden]), select, textarea")?.focus();
    return () => {
      if (element.open) element.close();
      (opener?.isConnected ? opener : fallbackFocusId ? document.getElementById(fallbackFocusId) : null)?.focus();
    };
  }, [fallbackFocusId]);

  return (
    <dialog
      ref={dialog}
      aria-labelledby={`${id}-title`}
      aria-describedby={intro ? `${id}-intro` : undefined}
      // Escape closes a modal dialog natively; this tells the page.
      onClose={onClose}
      className={`m-auto w-[calc(100%-2rem)] ${wide ? "max-w-2xl" : "max-w-md"} rounded-xl bg-white p-0 shadow-xl ring-1 ring-gray-200 backdrop:bg-gray-900/50`}
    >
      <div className="p-5 sm:p-6">
        <div className="flex items-start justify-between gap-4">
          <h2 id={`${id}-title`} className="text-lg font-semibold text-gray-900">
            {title}
          </h2>
          <button
            type="button"
            onClick={onClose}
            className={`-mr-2 -mt-1 grid size-9 shrink-0 place-items-center rounded-lg text-gray-600 hover:bg-gray-100 hover:text-gray-900 ${focusRing}`}
          >
            <X aria-hidden="true" className="size-5" />
            <span className="sr-only">{closeLabel}</span>
          </button>
        </div>
        {intro && (
          <p id={`${id}-intro`} className="mt-1.5 text-sm text-gray-600">
            {intro}
          </p>
        )}
        {children}
      </div>
    </dialog>
  );
}
