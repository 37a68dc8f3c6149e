import { useRef, useState } from "react";
import { useNavigate } from "react-router";
import { DeleteAccountSchema } from "../../../shared/schemas/auth";
import { useI18n } from "../../i18n";
import { useMessage } from "../../i18n/messages";
import { failedForm, invalidForm, type FormResult } from "../../lib/form-result";
import { forgetSession } from "../../lib/session";
import { useFocusFirstInvalid } from "../../lib/use-form-focus";
import { trpc } from "../../trpc";
import { Field, FormAlert } from "../form-fields";
import { focusRing, Spinner } from "../ui";
import { formText, Section } from "./section";
import { useAccountWords } from "./words";

type DeleteField = "password" | "totp";

export function DeleteSection({ address, graceHours, totpEnabled }: { address: string; graceHours: number; totpEnabled: boolean }) {
  const w = useAccountWords();
  const { t } = useI18n();
  const message = useMessage();
  const navigate = useNavigate();
  const form = useRef<HTMLFormElement>(null);
  const [result, setResult] = useState<FormResult<DeleteField> | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  useFocusFirstInvalid(form, result);
  const remove = trpc.auth.deleteAccount.useMutation();

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const totp = formText(event.currentTarget, "totp");
    const parsed = DeleteAccountSchema.safeParse({ password: formText(event.currentTarget, "password"), ...(totpEnabled && { totp }) });
    if (!parsed.success) return setResult(invalidForm(parsed.error.issues, ["password", "totp"]));
    try {
      await remove.mutateAsync(parsed.data);
      forgetSession();
      await navigate("/login", { replace: true });
    } catch (error) {
      setResult(failedForm(error, ["password", "totp"]));
    }
  }

  const errors = result?.fieldErrors ?? {};
  const error = (field: DeleteField) => {
    const m = errors[field];
    return m && message(m);
  };
  const alert = result?.formError ? message(result.formError) : Object.keys(errors).length ? t("form.checkFields") : null;
  return (
    <Section id="delete" title={w("delete.title")} tone="danger" intro={w("delete.body", { address, hours: graceHours })}>
      <form ref={form} onSubmit={submit} noValidate className="max-w-md space-y-5" aria-busy={remove.isPending}>
        <FormAlert message={alert} />
        <Field name="password" type="password" label={w("delete.password")} autoComplete="current-password" required error={error("password")} />
        {totpEnabled && <Field name="totp" label={w("delete.totp")} autoComplete="one-time-code" required error={error("totp")} />}
        <div className="flex items-start gap-3 text-sm">
          <input id="delete-confirm" type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.currentTarget.checked)} className={`mt-0.5 size-4 rounded border-gray-300 text-red-600 ${focusRing}`} />
          <label htmlFor="delete-confirm" className="font-medium text-gray-900">
            {w("delete.confirm")}
          </label>
        </div>
        <button
          type="submit"
          disabled={!confirmed || remove.isPending}
          className={`inline-flex w-full items-center justify-center gap-2 rounded-lg bg-red-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-red-700 disabled:cursor-not-allowed disabled:opacity-60 ${focusRing}`}
        >
          {remove.isPending && <Spinner />}
          {w(remove.isPending ? "delete.submitting" : "delete.submit")}
        </button>
      </form>
    </Section>
  );
}
