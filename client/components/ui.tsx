// Small building blocks shared by the screens: cards, buttons, links, the spinner (form parts: form-fields.tsx).
import { LoaderCircle } from "lucide-react";

export const focusRing =
  "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-pink-500 focus-visible:ring-offset-2";

export const cardClass = "bg-white rounded-xl shadow-sm ring-1 ring-gray-200";

const buttonBase = `inline-flex items-center justify-center gap-2 rounded-lg text-sm font-semibold shadow-sm disabled:cursor-not-allowed disabled:opacity-70 ${focusRing}`;

export const primaryButtonClass = `${buttonBase} px-4 py-2.5 bg-pink-600 text-white hover:bg-pink-700`;

const secondaryTone = "bg-white text-gray-800 ring-1 ring-inset ring-gray-300 hover:bg-gray-50 hover:text-gray-900";
export const secondaryButtonClass = `${buttonBase} px-4 py-2.5 ${secondaryTone}`;
export const smallSecondaryButtonClass = `${buttonBase} px-3 py-2 ${secondaryTone}`;

export const linkClass = `rounded-sm font-medium text-pink-700 underline-offset-2 hover:underline ${focusRing}`;

export function Spinner({ className = "size-4" }: { className?: string }) {
  return <LoaderCircle aria-hidden="true" className={`${className} animate-spin`} />;
}
