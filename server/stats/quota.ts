// Quota levels of a mailbox and the operator alert for each crossing. The Mail page shows the level as a banner
// (mailbox.info's quotaAlert); the alert goes out once per crossing: "quota:warning:<userId>" or
// "quota:critical:<userId>" is recorded in alert_state when it fires and removed when usage falls back below it.
// Both the daily snapshot and mailbox.info (live figures) report what they see; a level unchanged since the last
// report in this process touches nothing, so polling the Mail page costs no database write.
import type { QuotaAlert } from "../../shared/schemas/mailbox";
import type { AlertNotifier } from "../alerts/webhook";

export interface QuotaThresholds {
  /** Percent of the quota (QUOTA_WARN_PERCENT). */
  warnPercent: number;
  /** Percent of the quota (QUOTA_CRITICAL_PERCENT), above warnPercent. */
  criticalPercent: number;
}

/** The level of a mailbox using `usedBytes` of `quotaBytes` (0 = unlimited: never a level). */
export function quotaLevel(usedBytes: number, quotaBytes: number, { warnPercent, criticalPercent }: QuotaThresholds): QuotaAlert {
  if (!(quotaBytes > 0)) return null;
  const percent = (usedBytes / quotaBytes) * 100;
  if (percent >= criticalPercent) return "critical";
  if (percent >= warnPercent) return "warning";
  return null;
}

export const quotaAlertKey = (level: "warning" | "critical", userId: string) => `quota:${level}:${userId}`;

export interface QuotaFigures {
  userId: string;
  address: string;
  usedBytes: number;
  quotaBytes: number;
}

export function createQuotaWatch(alerts: Pick<AlertNotifier, "notifyOnce" | "clear">, thresholds: QuotaThresholds) {
  const seen = new Map<string, QuotaAlert>();

  function fire(level: "warning" | "critical", figures: QuotaFigures) {
    const percent = Math.round((figures.usedBytes / figures.quotaBytes) * 100);
    alerts.notifyOnce(quotaAlertKey(level, figures.userId), {
      kind: level === "critical" ? "quota_critical" : "quota_warning",
      severity: level,
      summary: `${figures.address} is ${percent}% full`,
      details: { userId: figures.userId, address: figures.address, percent, usedBytes: figures.usedBytes, quotaBytes: figures.quotaBytes },
    });
  }

  return {
    thresholds,
    /** The level of these figures; fires or clears the alerts when it differs from the last one seen here. */
    observe(figures: QuotaFigures): QuotaAlert {
      const level = quotaLevel(figures.usedBytes, figures.quotaBytes, thresholds);
      if (seen.has(figures.userId) && seen.get(figures.userId) === level) return level;
      seen.set(figures.userId, level);
      // Straight from below to critical is one crossing (one alert); falling from critical to warning is another.
      if (level === "critical") fire("critical", figures);
      else alerts.clear(quotaAlertKey("critical", figures.userId));
      if (level === "warning") fire("warning", figures);
      else if (level === null) alerts.clear(quotaAlertKey("warning", figures.userId));
      return level;
    },
  };
}

export type QuotaWatch = ReturnType<typeof createQuotaWatch>;
