// Personal aliases (add up to the limit, remove the platform's own) and temporary addresses (create for N days, remove).
import { AtSign, Clock, Trash } from "lucide-react";
import { useState, type FormEvent } from "react";
import { AddAliasSchema, AddTemporaryAliasSchema, type AliasList } from "../../../shared/schemas/mail-access";
import { useI18n } from "../../i18n";
import { useMessage } from "../../i18n/messages";
import { failedForm, invalidForm, type FormResult } from "../../lib/form-result";
import { trpc } from "../../trpc";
import { formText, Section, Success } from "../account/section";
import { Field, FormAlert, SubmitButton } from "../form-fields";
import { CopyButton } from "../mail/copy-button";
import { smallSecondaryButtonClass, Spinner } from "../ui";
import { useAccessWords } from "./access-words";

type Problem = FormResult<"localPart" | "days" | "address"> | null;

function useProblem() {
  const message = useMessage();
  const [problem, setProblem] = useState<Problem>(null);
  const field = (name: "localPart" | "days" | "address") => {
    const m = problem?.fieldErrors[name];
    return m ? message(m) : undefined;
  };
  const alert = problem?.formError ? message(problem.formError) : (field("address") ?? null);
  return { setProblem, field, alert };
}

export function AliasesSection() {
  const w = useAccessWords();
  const list = trpc.mailbox.aliases.list.useQuery();
  return (
    <Section id="aliases" title={w("aliases.title")} intro={list.data ? w("aliases.intro", { max: list.data.maxAliases }) : undefined}>
      {list.isPending ? (
        <Spinner />
      ) : list.error ? (
        <FormAlert message={list.error.message} />
      ) : (
        <AliasesBody data={list.data} />
      )}
    </Section>
  );
}

function AliasesBody({ data }: { data: AliasList }) {
  const w = useAccessWords();
  const { formatDate } = useI18n();
  const utils = trpc.useUtils();
  const [done, setDone] = useState<string | null>(null);
  const { setProblem, field, alert } = useProblem();
  const add = trpc.mailbox.aliases.add.useMutation();
  const remove = trpc.mailbox.aliases.remove.useMutation();
  const addTemp = trpc.mailbox.aliases.addTemporary.useMutation();
  const removeTemp = trpc.mailbox.aliases.removeTemporary.useMutation();
  const own = data.aliases.filter((a) => a.removable).length;
  const full = own >= data.maxAliases;

  async function act(work: () => Promise<string>) {
    setDone(null);
    setProblem(null);
    try {
      setDone(await work());
      await utils.mailbox.aliases.list.invalidate();
    } catch (error) {
      setProblem(failedForm(error, ["localPart", "days", "address"]));
    }
  }

  function onAdd(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const parsed = AddAliasSchema.safeParse({ localPart: formText(form, "localPart") });
    if (!parsed.success) return setProblem(invalidForm(parsed.error.issues, ["localPart"]));
    void act(async () => {
      const alias = await add.mutateAsync(parsed.data);
      form.reset();
      return w("aliases.added", { address: alias.address });
    });
  }

  function onAddTemp(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = AddTemporaryAliasSchema.safeParse({ days: Number(formText(event.currentTarget, "days")) });
    if (!parsed.success) return setProblem(invalidForm(parsed.error.issues, ["days"]));
    void act(async () => w("temp.added", { address: (await addTemp.mutateAsync(parsed.data)).address }));
  }

  return (
    <div className="space-y-5">
      <Success text={done} testId="aliases-done" />
      <FormAlert message={alert} />
      {data.aliases.length === 0 ? (
        <p className="text-sm text-gray-600">{w("aliases.none")}</p>
      ) : (
        <ul className="divide-y divide-gray-100 rounded-lg ring-1 ring-gray-200" data-testid="aliases">
          {data.aliases.map((alias) => (
            <li key={alias.address} className="flex flex-wrap items-center gap-2 px-3 py-2.5" data-alias={alias.address}>
              <AtSign aria-hidden="true" className="size-4 shrink-0 text-gray-500" />
              <span className="min-w-0 flex-1 break-all text-sm font-medium text-gray-900">
                {alias.address}
                {!alias.removable && <span className="ml-2 text-xs font-normal text-gray-600">({w("aliases.byAdmin")})</span>}
              </span>
              <CopyButton value={alias.address} label={w("copyAddress", { address: alias.address })} announce={w("copiedAddress")} />
              {alias.removable && (
                <button
                  type="button"
                  className={smallSecondaryButtonClass}
                  disabled={remove.isPending}
                  aria-label={w("aliases.removeLabel", { address: alias.address })}
                  onClick={() => void act(async () => w("aliases.removed", { address: (await remove.mutateAsync({ address: alias.address })).address }))}
                >
                  <Trash aria-hidden="true" className="size-4" />
                  {w("aliases.remove")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <p className="text-sm text-gray-600" data-testid="aliases-count">
        {w(full ? "aliases.full" : "aliases.count", { count: own, max: data.maxAliases })}
      </p>
      {!full && (
        <form onSubmit={onAdd} noValidate className="flex flex-col gap-3 sm:flex-row sm:items-end" data-testid="alias-add">
          <div className="flex-1">
            <Field name="localPart" label={w("aliases.localPart")} hint={`…@${data.domain}`} error={field("localPart")} autoComplete="off" spellCheck={false} autoCapitalize="none" />
          </div>
          <div className="sm:w-52">
            <SubmitButton busy={add.isPending} label={w("aliases.add")} busyLabel={w("aliases.adding")} />
          </div>
        </form>
      )}

      <div className="border-t border-gray-100 pt-5">
        <h3 className="font-semibold text-gray-900">{w("temp.title")}</h3>
        <p className="mt-1 text-sm text-gray-600">{w("temp.intro")}</p>
        {data.temporary.length === 0 ? (
          <p className="mt-3 text-sm text-gray-600">{w("temp.none")}</p>
        ) : (
          <ul className="mt-3 divide-y divide-gray-100 rounded-lg ring-1 ring-gray-200" data-testid="temporary-aliases">
            {data.temporary.map((temp) => (
              <li key={temp.address} className="flex flex-wrap items-center gap-2 px-3 py-2.5" data-temporary={temp.address}>
                <Clock aria-hidden="true" className="size-4 shrink-0 text-gray-500" />
                <span className="min-w-0 flex-1 text-sm">
                  <span className="break-all font-medium text-gray-900">{temp.address}</span>{" "}
                  <span className={temp.expired ? "text-red-700" : "text-gray-600"}>
                    {temp.expired ? w("temp.expired") : temp.validUntil ? w("temp.until", { date: formatDate(temp.validUntil, { dateStyle: "medium", timeStyle: "short" }) }) : w("temp.permanent")}
                  </span>
                </span>
                <CopyButton value={temp.address} label={w("copyAddress", { address: temp.address })} announce={w("copiedAddress")} />
                <button
                  type="button"
                  className={smallSecondaryButtonClass}
                  disabled={removeTemp.isPending}
                  aria-label={w("temp.removeLabel", { address: temp.address })}
                  onClick={() => void act(async () => w("temp.removed", { address: (await removeTemp.mutateAsync({ address: temp.address })).address }))}
                >
                  <Trash aria-hidden="true" className="size-4" />
                  {w("temp.remove")}
                </button>
              </li>
            ))}
          </ul>
        )}
        <form onSubmit={onAddTemp} noValidate className="mt-3 flex flex-col gap-3 sm:flex-row sm:items-end" data-testid="temporary-add">
          <div className="sm:w-40">
            <Field name="days" type="number" inputMode="numeric" min={1} max={3650} defaultValue={7} label={w("temp.days")} error={field("days")} />
          </div>
          <div className="sm:w-64">
            <SubmitButton busy={addTemp.isPending} label={w("temp.add")} busyLabel={w("temp.adding")} />
          </div>
        </form>
      </div>
    </div>
  );
}
