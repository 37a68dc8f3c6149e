// Spam level: relaxed / default (Mailcow's own) / strict, or custom with the two scores.
import { useEffect, useRef, useState } from "react";
import { SPAM_PRESETS, SpamCustomSchema, type SpamLevel, type SpamLevelState } from "../../../shared/schemas/mail-settings";
import { useFocusFirstInvalid } from "../../lib/use-form-focus";
import { trpc } from "../../trpc";
import { Section, Success } from "../account/section";
import { FormAlert } from "../form-fields";
import { focusRing } from "../ui";
import { Actions, FieldError, inputClass, issuesToForm, Loading, useSettingsForm } from "./form";
import { useSettingsWords } from "./words";

const FIELDS = ["low", "high", "level"] as const;
const LEVELS: readonly SpamLevel[] = ["relaxed", "default", "strict", "custom"];

export function SpamSection() {
  const w = useSettingsWords();
  const query = trpc.mailbox.spamLevel.get.useQuery();
  return (
    <Section id="spam" title={w("spam.title")} intro={w("spam.intro")}>
      <Loading query={query}>{() => <SpamForm state={query.data!} />}</Loading>
    </Section>
  );
}

function SpamForm({ state }: { state: SpamLevelState }) {
  const w = useSettingsWords();
  const utils = trpc.useUtils();
  const formRef = useRef<HTMLFormElement>(null);
  const form = useSettingsForm();
  useFocusFirstInvalid(formRef, form.result);
  const [level, setLevel] = useState<SpamLevel>(state.level);
  const [low, setLow] = useState(String(state.low));
  const [high, setHigh] = useState(String(state.high));
  const [done, setDone] = useState<string | null>(null);
  const set = trpc.mailbox.spamLevel.set.useMutation();
  useEffect(() => {
    setLevel(state.level);
    setLow(String(state.low));
    setHigh(String(state.high));
  }, [state]);

  async function save() {
    setDone(null);
    let input: { level: "relaxed" | "default" | "strict" } | { low: number; high: number };
    if (level === "custom") {
      const number = (text: string) => (text.trim() === "" ? Number.NaN : Number(text.replace(",", ".")));
      const parsed = SpamCustomSchema.safeParse({ low: number(low), high: number(high) });
      if (!parsed.success) return form.setResult(issuesToForm(parsed.error.issues, FIELDS));
      input = parsed.data;
    } else input = { level };
    try {
      const saved = await set.mutateAsync(input);
      form.setResult(null);
      utils.mailbox.spamLevel.get.setData(undefined, saved);
      setDone(w("spam.saved"));
    } catch (error) {
      form.fail(error, FIELDS);
    }
  }

  const numbers = (l: SpamLevel) =>
    l === "relaxed" || l === "strict" ? w("spam.numbers", SPAM_PRESETS[l]) : l === "default" ? w("spam.defaultHint") : w("spam.customHint");
  const hint = (l: SpamLevel) => (l === "relaxed" ? w("spam.relaxedHint") : l === "strict" ? w("spam.strictHint") : null);
  return (
    <>
      <p className="mb-4 text-sm text-gray-700" data-testid="spam-current">
        {w(`spam.${state.level}`)} · {w("spam.numbers", { low: state.low, high: state.high })}
      </p>
      <Success text={done} testId="spam-done" />
      <form
        ref={formRef}
        noValidate
        className="max-w-lg space-y-5"
        aria-busy={set.isPending}
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <FormAlert message={form.alert} />
        <fieldset>
          <legend className="text-sm font-medium text-gray-900">{w("spam.level")}</legend>
          <div className="mt-2 space-y-2">
            {LEVELS.map((l) => (
              <label
                key={l}
                className={`flex cursor-pointer items-start gap-3 rounded-lg p-3 ring-1 ${level === l ? "bg-pink-50 ring-pink-300" : "ring-gray-200 hover:bg-gray-50"}`}
              >
                <input
                  type="radio"
                  name="level"
                  value={l}
                  checked={level === l}
                  onChange={() => setLevel(l)}
                  className={`mt-0.5 size-4 border-gray-300 accent-pink-600 ${focusRing}`}
                  data-testid={`spam-level-${l}`}
                />
                <span className="text-sm">
                  <span className="block font-medium text-gray-900">{w(`spam.${l}`)}</span>
                  <span className="block text-gray-600">
                    {numbers(l)}
                    {hint(l) && `. ${hint(l)}`}
                  </span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        {level === "custom" && (
          <div className="grid gap-4 sm:grid-cols-2">
            {(["low", "high"] as const).map((name) => {
              const error = form.error(name);
              return (
                <div key={name} className="space-y-1.5">
                  <label htmlFor={`spam-${name}`} className="block text-sm font-medium text-gray-900">
                    {w(name === "low" ? "spam.low" : "spam.high")}
                  </label>
                  <input
                    id={`spam-${name}`}
                    name={name}
                    type="text"
                    inputMode="decimal"
                    value={name === "low" ? low : high}
                    onChange={(event) => (name === "low" ? setLow : setHigh)(event.currentTarget.value)}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? `spam-${name}-error` : undefined}
                    className={inputClass(Boolean(error))}
                    data-testid={`spam-${name}`}
                  />
                  <FieldError id={`spam-${name}-error`} text={error} />
                </div>
              );
            })}
          </div>
        )}
        <Actions busy={set.isPending} turningOff={false} testId="spam" />
      </form>
    </>
  );
}
