// Out-of-office: subject, plain-text message, optional first and last day. The Mail page shows "on until …".
import { useEffect, useRef, useState } from "react";
import { VACATION_MESSAGE_MAX, VACATION_SUBJECT_MAX, VacationSetSchema, type VacationState } from "../../../shared/schemas/mail-settings";
import { useFocusFirstInvalid } from "../../lib/use-form-focus";
import { trpc } from "../../trpc";
import { Section, Success } from "../account/section";
import { FormAlert } from "../form-fields";
import { Actions, FieldError, foreignDescription, ForeignFilterDialog, ForeignNotice, foreignRefusal, inputClass, issuesToForm, Loading, StatusBadge, useSettingsForm } from "./form";
import { useDayFormat, useSettingsWords } from "./words";

const FIELDS = ["subject", "message", "from", "until"] as const;

export function VacationSection() {
  const w = useSettingsWords();
  const query = trpc.mailbox.vacation.get.useQuery();
  const days = query.data?.days ?? 1;
  return (
    <Section id="vacation" title={w("vacation.title")} intro={days === 1 ? w("vacation.intro") : w("vacation.introDays", { days })}>
      <Loading query={query}>{() => <VacationForm state={query.data!} />}</Loading>
    </Section>
  );
}

function VacationForm({ state }: { state: VacationState }) {
  const w = useSettingsWords();
  const day = useDayFormat();
  const utils = trpc.useUtils();
  const formRef = useRef<HTMLFormElement>(null);
  const form = useSettingsForm();
  useFocusFirstInvalid(formRef, form.result);
  const initial = () => ({ subject: state.subject, message: state.message, from: state.from ?? "", until: state.until ?? "" });
  const [values, setValues] = useState(initial);
  const [done, setDone] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const set = trpc.mailbox.vacation.set.useMutation();
  const disable = trpc.mailbox.vacation.disable.useMutation();
  // oxlint-disable-next-line react-hooks/exhaustive-deps -- a new saved state from the server replaces the form
  useEffect(() => setValues(initial()), [state]);

  const after = async (saved: VacationState, text: string) => {
    form.setResult(null);
    utils.mailbox.vacation.get.setData(undefined, saved);
    setDone(text);
    await utils.mailbox.info.invalidate();
  };

  async function save(replaceForeign: boolean) {
    setDone(null);
    const parsed = VacationSetSchema.safeParse({
      subject: values.subject,
      message: values.message,
      ...(values.from ? { from: values.from } : {}),
      ...(values.until ? { until: values.until } : {}),
      ...(replaceForeign ? { replaceForeign: true } : {}),
    });
    if (!parsed.success) return form.setResult(issuesToForm(parsed.error.issues, FIELDS));
    try {
      await after(await set.mutateAsync(parsed.data), w("vacation.saved"));
      if (replaceForeign) await utils.mailbox.forwarding.get.invalidate();
    } catch (error) {
      if (foreignRefusal(error)) return setConfirming(await foreignDescription(() => utils.mailbox.vacation.get.fetch(), state.foreignFilter));
      form.fail(error, FIELDS);
    }
  }

  async function turnOff() {
    setDone(null);
    try {
      await after(await disable.mutateAsync(), w("vacation.disabled"));
    } catch (error) {
      form.fail(error, FIELDS);
    }
  }

  const field = (name: (typeof FIELDS)[number]) => {
    const error = form.error(name);
    return {
      id: `vacation-${name}`,
      name,
      value: values[name],
      onChange: (event: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
        const value = event.currentTarget.value;
        setValues((v) => ({ ...v, [name]: value }));
      },
      "aria-invalid": error ? true : undefined,
      "aria-describedby": [name === "from" || name === "until" ? "vacation-dates-hint" : null, error ? `vacation-${name}-error` : null].filter(Boolean).join(" ") || undefined,
      className: inputClass(Boolean(error)),
      "data-testid": `vacation-${name}`,
    };
  };
  const label = (name: (typeof FIELDS)[number], text: string) => (
    <label htmlFor={`vacation-${name}`} className="block text-sm font-medium text-gray-900">
      {text}
    </label>
  );

  return (
    <>
      <div className="mb-4 flex flex-wrap items-center gap-2 text-sm text-gray-700">
        <StatusBadge on={state.enabled} testId="vacation-status" />
        <span>{!state.enabled ? w("vacation.statusOff") : state.until ? w("vacation.statusOnUntil", { date: day(state.until) }) : w("vacation.statusOn")}</span>
      </div>
      {state.foreignFilter && <ForeignNotice description={state.foreignFilter.description} />}
      <Success text={done} testId="vacation-done" />
      <form
        ref={formRef}
        noValidate
        className="max-w-lg space-y-5"
        aria-busy={set.isPending || disable.isPending}
        onSubmit={(event) => {
          event.preventDefault();
          void save(false);
        }}
      >
        <FormAlert message={form.alert} />
        <div className="space-y-1.5">
          {label("subject", w("vacation.subject"))}
          <input type="text" maxLength={VACATION_SUBJECT_MAX} {...field("subject")} />
          <FieldError id="vacation-subject-error" text={form.error("subject")} />
        </div>
        <div className="space-y-1.5">
          {label("message", w("vacation.message"))}
          <textarea rows={5} maxLength={VACATION_MESSAGE_MAX} {...field("message")} />
          <FieldError id="vacation-message-error" text={form.error("message")} />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="space-y-1.5">
            {label("from", w("vacation.from"))}
            <input type="date" {...field("from")} />
            <FieldError id="vacation-from-error" text={form.error("from")} />
          </div>
          <div className="space-y-1.5">
            {label("until", w("vacation.until"))}
            <input type="date" min={values.from || undefined} {...field("until")} />
            <FieldError id="vacation-until-error" text={form.error("until")} />
          </div>
          <p id="vacation-dates-hint" className="text-sm text-gray-600 sm:col-span-2">
            {w("vacation.datesHint")}
          </p>
        </div>
        <Actions busy={set.isPending} turningOff={disable.isPending} onTurnOff={state.enabled ? () => void turnOff() : null} testId="vacation" />
      </form>
      {confirming !== null && (
        <ForeignFilterDialog
          description={confirming}
          fallbackFocusId="vacation-subject"
          onClose={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            void save(true);
          }}
        />
      )}
    </>
  );
}
