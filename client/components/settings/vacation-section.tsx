// Out-of-office: subject, plain-text message, optional first and last day. The Mail page shows "on until …".
import { useEffect, useState } from "react";
import { VACATION_MESSAGE_MAX, VACATION_SUBJECT_MAX, VacationSetSchema, type VacationState } from "../../../shared/schemas/mail-settings";
import { trpc } from "../../trpc";
import { Section } from "../account/section";
import { FieldError, FilterRuleForm, foreignDescription, inputClass, issuesToForm, Loading, useFilterRuleForm } from "./form";
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
  const { form, run, succeeded, frame } = useFilterRuleForm({
    fields: FIELDS,
    foreign: () => foreignDescription(() => utils.mailbox.vacation.get.fetch(), state.foreignFilter),
  });
  const initial = () => ({ subject: state.subject, message: state.message, from: state.from ?? "", until: state.until ?? "" });
  const [values, setValues] = useState(initial);
  const set = trpc.mailbox.vacation.set.useMutation();
  const disable = trpc.mailbox.vacation.disable.useMutation();
  // oxlint-disable-next-line react-hooks/exhaustive-deps -- a new saved state from the server replaces the form
  useEffect(() => setValues(initial()), [state]);

  const after = async (saved: VacationState, text: string) => {
    utils.mailbox.vacation.get.setData(undefined, saved);
    succeeded(text);
    await utils.mailbox.info.invalidate();
  };

  const save = (replaceForeign: boolean) =>
    run(async () => {
      const parsed = VacationSetSchema.safeParse({
        subject: values.subject,
        message: values.message,
        ...(values.from ? { from: values.from } : {}),
        ...(values.until ? { until: values.until } : {}),
        ...(replaceForeign ? { replaceForeign: true } : {}),
      });
      if (!parsed.success) return form.setResult(issuesToForm(parsed.error.issues, FIELDS));
      await after(await set.mutateAsync(parsed.data), w("vacation.saved"));
      if (replaceForeign) await utils.mailbox.forwarding.get.invalidate();
    });

  const turnOff = async () => run(async () => after(await disable.mutateAsync(), w("vacation.disabled")));

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
    <FilterRuleForm
      testId="vacation"
      enabled={state.enabled}
      status={!state.enabled ? w("vacation.statusOff") : state.until ? w("vacation.statusOnUntil", { date: day(state.until) }) : w("vacation.statusOn")}
      foreignFilter={state.foreignFilter}
      {...frame}
      saving={set.isPending}
      turningOff={disable.isPending}
      onSave={(replaceForeign) => void save(replaceForeign)}
      onTurnOff={() => void turnOff()}
      fallbackFocusId="vacation-subject"
    >
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
    </FilterRuleForm>
  );
}
