// Bulk onboarding: paste or upload a CSV, a dry run with per-row reasons, then invitations or direct creation,
// progress while the worker creates the mailboxes, and the result CSV (secrets in it are handed out once).
import { FileDown, Upload } from "lucide-react";
import { useEffect, useId, useState } from "react";
import { Card, codeText, DataTable, downloadCsvText, ErrorNote, inputClass, labelClass, PageHeader, Progress, tdClass } from "../../components/admin/ui";
import { useAdminWords } from "../../components/admin/words";
import { primaryButtonClass, secondaryButtonClass, smallSecondaryButtonClass, Spinner } from "../../components/ui";
import { useI18n } from "../../i18n";
import { trpc, type RouterInputs, type RouterOutputs } from "../../trpc";

type Preview = RouterOutputs["admin"]["import"]["preview"];
type Mode = RouterInputs["admin"]["import"]["start"]["mode"];

/** How many preview rows are drawn (the summary counts them all). */
const SHOWN_ROWS = 200;

export function Component() {
  const w = useAdminWords();
  const id = useId();
  const [csv, setCsv] = useState("");
  const [preview, setPreview] = useState<{ csv: string; answer: Preview } | null>(null);
  const [mode, setMode] = useState<Mode>("invitations");
  const [jobId, setJobId] = useState<string | null>(null);
  const previewMutation = trpc.admin.import.preview.useMutation();
  const start = trpc.admin.import.start.useMutation();

  async function runPreview() {
    setJobId(null);
    setPreview({ csv, answer: await previewMutation.mutateAsync({ csv }) });
  }
  async function runImport() {
    if (!preview) return;
    const started = await start.mutateAsync({ csv: preview.csv, mode });
    setJobId(started.id);
  }

  return (
    <div className="space-y-5" data-testid="admin-import">
      <PageHeader title={w("import.title")} intro={w("import.intro")} />

      <Card>
        <form
          className="space-y-3"
          onSubmit={(event) => {
            event.preventDefault();
            void runPreview().catch(() => undefined);
          }}
        >
          <div className="space-y-1">
            <label htmlFor={`${id}-csv`} className={labelClass}>
              {w("import.csv")}
            </label>
            <textarea
              id={`${id}-csv`}
              name="csv"
              rows={8}
              value={csv}
              onChange={(event) => {
                setCsv(event.target.value);
                setPreview(null);
              }}
              spellCheck={false}
              placeholder={"username,displayName,quotaMiB\nivanov,Иван Иванов,2048"}
              className={`${inputClass} font-mono`}
            />
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <label className={`${smallSecondaryButtonClass} cursor-pointer focus-within:ring-2 focus-within:ring-pink-500`}>
              <Upload aria-hidden="true" className="size-4" />
              {w("import.upload")}
              <input
                type="file"
                accept=".csv,text/csv,text/plain"
                className="sr-only"
                data-testid="import-file"
                onChange={(event) => {
                  const file = event.target.files?.[0];
                  if (file)
                    void file.text().then((text) => {
                      setCsv(text);
                      setPreview(null);
                    });
                }}
              />
            </label>
            <button type="submit" className={primaryButtonClass} disabled={previewMutation.isPending || csv.trim() === ""}>
              {previewMutation.isPending && <Spinner />}
              {w(previewMutation.isPending ? "import.previewing" : "import.preview")}
            </button>
          </div>
          <ErrorNote error={previewMutation.error} />
        </form>
      </Card>

      {jobId && <ImportProgress id={jobId} />}
      {/* Once the run starts, its progress and result CSV replace the dry run's table. */}
      {preview && !jobId && <PreviewTable preview={preview.answer} />}

      {preview && !jobId && (
        <Card title={w("import.mode")}>
          <form
            className="space-y-3"
            onSubmit={(event) => {
              event.preventDefault();
              void runImport().catch(() => undefined);
            }}
          >
            <fieldset className="space-y-1.5">
              <legend className="sr-only">{w("import.mode")}</legend>
              {(["invitations", "direct"] as const).map((value) => (
                <label key={value} className="flex items-center gap-2 text-sm text-gray-800">
                  <input type="radio" name="mode" value={value} checked={mode === value} onChange={() => setMode(value)} className="size-4 text-pink-600 focus:ring-pink-500" />
                  {w(`import.mode.${value}`)}
                </label>
              ))}
            </fieldset>
            {preview.answer.totals.invalid > 0 && <p className="text-sm text-amber-900">{w("import.onlyValid")}</p>}
            <ErrorNote error={start.error} />
            <button type="submit" className={primaryButtonClass} disabled={start.isPending || preview.answer.totals.valid === 0}>
              {start.isPending && <Spinner />}
              {start.isPending ? w("import.starting") : w("import.start", { count: preview.answer.totals.valid })}
            </button>
          </form>
        </Card>
      )}

    </div>
  );
}

function PreviewTable({ preview }: { preview: Preview }) {
  const w = useAdminWords();
  const { locale } = useI18n();
  return (
    <section className="space-y-2" data-testid="import-preview">
      <p className="text-sm font-semibold text-gray-900" aria-live="polite" data-testid="import-summary">
        {w("import.summary", { total: preview.totals.rows, ok: preview.totals.valid, bad: preview.totals.invalid })}
      </p>
      {Object.entries(preview.totals.byProblem).some(([, n]) => n > 0) && (
        <ul className="flex flex-wrap gap-2 text-xs">
          {Object.entries(preview.totals.byProblem)
            .filter(([, n]) => n > 0)
            .map(([kind, n]) => (
              <li key={kind} className="rounded-full bg-red-50 px-2 py-0.5 font-medium text-red-800 ring-1 ring-red-200">
                {codeText(w, locale, `import.reason.${kind}`)} · {n}
              </li>
            ))}
        </ul>
      )}
      <DataTable
        label={w("import.title")}
        caption
        columns={[w("import.col.line"), w("import.col.username"), w("import.col.displayName"), w("import.col.quota"), w("import.col.result")]}
      >
        {preview.rows.slice(0, SHOWN_ROWS).map((row) => (
          <tr key={row.line} data-ok={row.ok}>
            <td className={tdClass}>{row.line}</td>
            <th scope="row" className={`${tdClass} text-left font-medium`}>
              {row.username}
            </th>
            <td className={tdClass}>{row.displayName ?? "—"}</td>
            <td className={tdClass}>{row.quotaMiB ?? preview.defaultQuotaMiB}</td>
            <td className={tdClass}>
              {row.ok ? (
                <span className="text-green-800">{w("import.ok")}</span>
              ) : (
                <ul className="text-red-800">
                  {row.problems.map((problem) => (
                    <li key={problem.kind}>{codeText(w, locale, problem.code, problem.params)}</li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

function ImportProgress({ id }: { id: string }) {
  const w = useAdminWords();
  const status = trpc.admin.import.status.useQuery({ id }, { refetchInterval: (query) => (query.state.data?.settled || query.state.data?.state === "failed" ? false : 500), gcTime: 0 });
  // The result with its secrets arrives in one answer only: keep that one.
  const [resultCsv, setResultCsv] = useState<string | null>(null);
  const data = status.data;
  useEffect(() => {
    if (data?.resultCsv && (data.secretsIncluded || resultCsv === null)) setResultCsv(data.resultCsv);
  }, [data, resultCsv]);
  const finished = data !== undefined && (data.settled || data.state === "failed");
  return (
    <Card title={w(finished ? "import.finished" : "import.running")}>
      <div className="space-y-3" data-testid="import-progress" data-state={finished ? "finished" : "running"}>
        <ErrorNote error={status.error} />
        {data ? <Progress done={data.processed} total={data.total} /> : <Spinner />}
        {data && (
          <ul className="grid gap-1 text-sm text-gray-800 sm:grid-cols-3" aria-live="polite">
            <li>{w("action.succeeded", { count: data.created })}</li>
            <li>{w("action.skippedCount", { count: data.skipped })}</li>
            <li className={data.failed > 0 ? "text-red-800" : undefined}>{w("action.failedCount", { count: data.failed })}</li>
          </ul>
        )}
        {resultCsv && (
          <div className="space-y-1.5">
            <button type="button" className={finished ? primaryButtonClass : secondaryButtonClass} onClick={() => downloadCsvText("import-result.csv", resultCsv)}>
              <FileDown aria-hidden="true" className="size-4" />
              {w("import.downloadResult")}
            </button>
            <p className="text-xs text-amber-900">{w("common.shownOnce")}</p>
          </div>
        )}
      </div>
    </Card>
  );
}

