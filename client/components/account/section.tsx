import { CheckCircle2 } from "lucide-react";
import type { ReactNode } from "react";
import { cardClass } from "../ui";

export function Section({ id, title, intro, tone = "normal", children }: { id: string; title: string; intro?: ReactNode; tone?: "normal" | "danger"; children: ReactNode }) {
  return (
    <section className={`${cardClass} p-5 sm:p-6 ${tone === "danger" ? "ring-red-200" : ""}`} aria-labelledby={`${id}-title`} data-testid={`section-${id}`}>
      <h2 id={`${id}-title`} className={`text-lg font-semibold ${tone === "danger" ? "text-red-800" : "text-gray-900"}`}>
        {title}
      </h2>
      {intro && <div className="mt-1 text-sm text-gray-600">{intro}</div>}
      <div className="mt-4">{children}</div>
    </section>
  );
}

/** A success message in a live region that stays until the next action. */
export function Success({ text, testId }: { text: string | null; testId: string }) {
  return (
    <div role="status" className="empty:hidden" data-testid={testId}>
      {text && (
        <p className="mb-4 flex items-start gap-2 rounded-lg bg-green-50 p-3 text-sm text-green-900 ring-1 ring-green-200">
          <CheckCircle2 aria-hidden="true" className="mt-0.5 size-4 shrink-0 text-green-600" />
          {text}
        </p>
      )}
    </div>
  );
}

export const formText = (form: HTMLFormElement, name: string) => {
  const value = new FormData(form).get(name);
  return typeof value === "string" ? value : "";
};
