import { Mail } from "lucide-react";
import { useT } from "../i18n";

export function Brand({ className = "" }: { className?: string }) {
  const t = useT();
  return (
    <span className={`inline-flex items-center gap-2 text-base font-semibold text-gray-900 ${className}`}>
      <span className="grid size-8 place-items-center rounded-lg bg-pink-600 text-white">
        <Mail aria-hidden="true" className="size-4" />
      </span>
      {t("app.name")}
    </span>
  );
}
