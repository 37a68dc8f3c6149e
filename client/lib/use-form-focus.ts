import { useEffect, type RefObject } from "react";

/** After a refused submit, put the keyboard on the first field that needs fixing. */
export function useFocusFirstInvalid(form: RefObject<HTMLFormElement | null>, result: unknown): void {
  useEffect(() => {
    if (!result) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, result]);
}
