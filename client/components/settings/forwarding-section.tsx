// Forwarding: one or more addresses, keep a copy (default on). The server applies the operator's policy; the form
// says it up front and shows each refusal on its address.
import { Plus, X } from "lucide-react";
import { useEffect, useState } from "react";
import { ForwardingSetSchema, type ForwardingState } from "../../../shared/schemas/mail-settings";
import { trpc } from "../../trpc";
import { Section } from "../account/section";
import { focusRing, smallSecondaryButtonClass } from "../ui";
import { FieldError, FilterRuleForm, foreignDescription, inputClass, issuesToForm, Loading, useFilterRuleForm } from "./form";
import { useSettingsWords } from "./words";

export function ForwardingSection() {
  const w = useSettingsWords();
  const query = trpc.mailbox.forwarding.get.useQuery();
  return (
    <Section id="forwarding" title={w("forwarding.title")} intro={w("forwarding.intro")}>
      <Loading query={query}>{() => <ForwardingForm state={query.data!} />}</Loading>
    </Section>
  );
}

function ForwardingForm({ state }: { state: ForwardingState }) {
  const w = useSettingsWords();
  const utils = trpc.useUtils();
  const [addresses, setAddresses] = useState<string[]>(state.to.length > 0 ? state.to : [""]);
  const [keepCopy, setKeepCopy] = useState(state.keepCopy);
  const set = trpc.mailbox.forwarding.set.useMutation();
  const disable = trpc.mailbox.forwarding.disable.useMutation();
  const { policy } = state;
  const fields = ["to", "keepCopy", ...addresses.map((_, i) => `to.${i}`)];
  const { form, run, succeeded, frame } = useFilterRuleForm({
    fields,
    foreign: () => foreignDescription(() => utils.mailbox.forwarding.get.fetch(), state.foreignFilter),
  });

  // A saved state from the server replaces what the form shows.
  useEffect(() => {
    setAddresses(state.to.length > 0 ? state.to : [""]);
    setKeepCopy(state.keepCopy);
  }, [state]);

  const save = (replaceForeign: boolean) =>
    run(async () => {
      const parsed = ForwardingSetSchema.safeParse({ to: addresses, keepCopy, ...(replaceForeign ? { replaceForeign: true } : {}) });
      if (!parsed.success) return form.setResult(issuesToForm(parsed.error.issues, fields));
      utils.mailbox.forwarding.get.setData(undefined, await set.mutateAsync(parsed.data));
      succeeded(w("forwarding.saved"));
      if (replaceForeign) await utils.mailbox.vacation.get.invalidate();
    });

  const turnOff = () =>
    run(async () => {
      utils.mailbox.forwarding.get.setData(undefined, await disable.mutateAsync());
      succeeded(w("forwarding.disabled"));
    });

  const domains = [policy.companyDomain, ...policy.allowedDomains].join(", ");
  const listError = form.error("to");
  return (
    <FilterRuleForm
      testId="forwarding"
      enabled={state.enabled}
      status={state.enabled ? w("forwarding.statusOn", { targets: state.to.join(", ") }) : w("forwarding.statusOff")}
      foreignFilter={state.foreignFilter}
      {...frame}
      saving={set.isPending}
      turningOff={disable.isPending}
      onSave={(replaceForeign) => void save(replaceForeign)}
      onTurnOff={() => void turnOff()}
      fallbackFocusId="forwarding-to-0"
    >
      <fieldset className="space-y-3" aria-describedby="forwarding-policy">
        <legend className="text-sm font-medium text-gray-900">{w("forwarding.targets")}</legend>
        <p id="forwarding-policy" className="text-sm text-gray-600">
          {policy.external === "deny" ? w("forwarding.policyInternal", { domains }) : w("forwarding.policyAny")} · {w("forwarding.max", { max: policy.maxTargets })}
        </p>
        {addresses.map((address, index) => {
          const id = `forwarding-to-${index}`;
          const error = form.error(`to.${index}`);
          return (
            <div key={index} className="space-y-1.5">
              <div className="flex items-center gap-2">
                <label htmlFor={id} className="sr-only">
                  {w("forwarding.address", { n: index + 1 })}
                </label>
                <input
                  id={id}
                  name={`to.${index}`}
                  type="email"
                  inputMode="email"
                  autoComplete="email"
                  placeholder="name@example.com"
                  value={address}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? `${id}-error` : undefined}
                  onChange={(event) => {
                    const value = event.currentTarget.value;
                    setAddresses((list) => list.map((item, i) => (i === index ? value : item)));
                  }}
                  className={inputClass(Boolean(error))}
                  data-testid={`forwarding-to-${index}`}
                />
                {addresses.length > 1 && (
                  <button
                    type="button"
                    onClick={() => setAddresses((list) => list.filter((_, i) => i !== index))}
                    className={`grid size-10 shrink-0 place-items-center rounded-lg text-gray-600 hover:bg-gray-100 hover:text-gray-900 ${focusRing}`}
                  >
                    <X aria-hidden="true" className="size-5" />
                    <span className="sr-only">{w("forwarding.remove", { n: index + 1 })}</span>
                  </button>
                )}
              </div>
              <FieldError id={`${id}-error`} text={error} />
            </div>
          );
        })}
        <FieldError id="forwarding-to-error" text={listError} />
        {addresses.length < policy.maxTargets && (
          <button type="button" className={smallSecondaryButtonClass} onClick={() => setAddresses((list) => [...list, ""])} data-testid="forwarding-add">
            <Plus aria-hidden="true" className="size-4" />
            {w("forwarding.add")}
          </button>
        )}
      </fieldset>
      <div className="flex items-start gap-3">
        <input
          id="forwarding-keep-copy"
          name="keepCopy"
          type="checkbox"
          checked={keepCopy}
          onChange={(event) => setKeepCopy(event.currentTarget.checked)}
          aria-describedby="forwarding-keep-copy-hint"
          className={`mt-0.5 size-4 rounded border-gray-300 accent-pink-600 ${focusRing}`}
          data-testid="forwarding-keep-copy"
        />
        <div className="text-sm">
          <label htmlFor="forwarding-keep-copy" className="font-medium text-gray-900">
            {w("forwarding.keepCopy")}
          </label>
          <p id="forwarding-keep-copy-hint" className="text-gray-600">
            {w("forwarding.keepCopyHint")}
          </p>
        </div>
      </div>
    </FilterRuleForm>
  );
}
