// The doctor's report for a person at a terminal: one line per check, then the live policy and the effective
// configuration (the API key is never shown), then the verdict.
import type { DoctorReport, Verdict } from "./doctor";

const LABEL: Record<Verdict, string> = { ok: "ok  ", warn: "warn", fail: "FAIL", skip: "skip" };

export function formatReport(report: DoctorReport): string {
  const lines: string[] = ["Platform Mail doctor: is Mailcow ready for sign-ups?", ""];
  const width = Math.max(...report.checks.map((c) => c.title.length));
  for (const check of report.checks) {
    const action = check.action && check.verdict !== "ok" && check.verdict !== "skip" ? ` → ${check.action}` : "";
    lines.push(`  ${LABEL[check.verdict]}  ${check.title.padEnd(width)}  ${check.summary}${action}`);
  }

  lines.push("", "Effective configuration:");
  const nameWidth = Math.max(...report.configuration.map((c) => c.name.length));
  for (const line of report.configuration) {
    const note = line.source === "default" ? " (default)" : "";
    lines.push(`  ${line.name.padEnd(nameWidth)} = ${line.value}${note}`);
  }

  const failed = report.checks.filter((c) => c.verdict === "fail").length;
  const warned = report.checks.filter((c) => c.verdict === "warn").length;
  lines.push("");
  if (failed > 0) {
    lines.push(`Not ready: ${failed} problem${failed === 1 ? "" : "s"}${warned ? ` and ${warned} warning${warned === 1 ? "" : "s"}` : ""}. Fix the FAIL lines and run npm run doctor again.`);
  } else if (warned > 0) {
    lines.push(`Ready, with ${warned} warning${warned === 1 ? "" : "s"} worth a look.`);
  } else {
    lines.push("Ready: Platform Mail can create mailboxes in Mailcow.");
  }
  return lines.join("\n");
}
