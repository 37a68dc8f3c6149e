// Form parts: labelled fields, the submit button, the form's alert. Apart from ui.tsx so that screens
// without a form (and the app shell) do not load them.
import { CircleAlert } from "lucide-react";
import type { ComponentProps, ReactNode } from "react";
import { useI18n } from "../i18n";
import { primaryButtonClass, Spinner } from "./ui";

interface FieldProps extends Omit<ComponentProps<"input">, "id" | "name"> {
  name: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  optional?: boolean;
  /** Ids of more elements that describe the input (e.g. a password checklist). */
  describedBy?: string;
  /** The error is already on screen (a red rule in the checklist): read it out, but do not show it twice. */
  errorShownElsewhere?: boolean;
  children?: ReactNode;
}

export function Field({ name, label, hint, error, optional, describedBy, errorShownElsewhere, children, ...input }: FieldProps) {
  const { t } = useI18n();
  const id = `field-${name}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedByIds = [hintId, describedBy, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-gray-900">
        {label}
        {optional && <span className="ml-1 font-normal text-gray-600">({t("form.optional")})</span>}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedByIds}
        className={`block w-full rounded-lg border bg-white px-3 py-2 text-base text-gray-900 shadow-xs placeholder:text-gray-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-pink-500 sm:text-sm ${
          error ? "border-red-600" : "border-gray-300 focus-visible:border-pink-500"
        }`}
        {...input}
      />
      {hint && (
        <div id={hintId} className="text-sm text-gray-600">
          {hint}
        </div>
      )}
      {children}
      {error && (
        <p id={errorId} className={errorShownElsewhere ? "sr-only" : "flex items-start gap-1.5 text-sm text-red-700"}>
          <CircleAlert aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
          <span>{error}</span>
        </p>
      )}
    </div>
  );
}

export function SubmitButton({ busy, label, busyLabel }: { busy: boolean; label: string; busyLabel: string }) {
  return (
    <button type="submit" disabled={busy} aria-disabled={busy} className={`w-full ${primaryButtonClass}`}>
      {busy && <Spinner />}
      <span>{busy ? busyLabel : label}</span>
    </button>
  );
}

/** Always in the DOM, so screen readers announce a message the moment it appears. */
export function FormAlert({ message }: { message: string | null }) {
  return (
    <div role="alert" className={message ? "flex items-start gap-2 rounded-lg bg-red-50 p-3 text-sm text-red-800 ring-1 ring-red-200" : "sr-only"}>
      {message && (
        <>
          <CircleAlert aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
          <span>{message}</span>
        </>
      )}
    </div>
  );
}
