// What the admin statistics page reads: the summary of the latest daily snapshot, daily series, and the live
// "near full" list (one Mailcow call per domain, exact owner tags, as the snapshot does).
import type { NearFull, StatsMetric, StatsSeries, StatsSummary } from "../../shared/schemas/stats";
import type { Db } from "../db/open-database";
import { isOwnedBy, PLATFORM_TAG, type MailcowClient } from "../mailcow";
import { MAILBOX_STATES } from "../metrics";
import { quotaLevel, type QuotaThresholds, type QuotaWatch } from "./quota";
import { dayStart } from "./snapshots";

const ACTIVE_DAYS = 30;
const DAY_SECONDS = 86_400;

export interface StatsQueryDeps {
  db: Db;
  mailcow: Pick<MailcowClient, "listDomainMailboxes">;
  quotaWatch: QuotaWatch;
  now: () => number;
}

/** The value at quantile q (0..1) of sorted numbers (nearest rank). */
function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Bucket edges in percent: 0, 25, 50, warn, critical, 100 (and "over 100"). */
function bucketEdges({ warnPercent, criticalPercent }: QuotaThresholds): number[] {
  return [...new Set([0, 25, 50, warnPercent, criticalPercent, 100])].filter((edge) => edge <= 100).sort((a, b) => a - b);
}

export function createStatsQueries({ db, mailcow, quotaWatch, now }: StatsQueryDeps) {
  const thresholds = quotaWatch.thresholds;

  function summary(): StatsSummary {
    const latest = db.prepare("SELECT day, MAX(taken_at) AS takenAt FROM stats_domain_day WHERE day = (SELECT MAX(day) FROM stats_domain_day)").get() as {
      day: string | null;
      takenAt: number | null;
    };
    const day = latest.day;
    const rows = day
      ? (db
          .prepare(
            `SELECT used_bytes AS used, quota_bytes AS quota, messages,
                    last_imap_login AS imap, last_smtp_login AS smtp, last_webmail_login AS webmail
             FROM stats_mailbox_day WHERE day = ?`,
          )
          .all(day) as { used: number; quota: number; messages: number; imap: number | null; smtp: number | null; webmail: number | null }[])
      : [];
    const domains = day
      ? (db.prepare("SELECT SUM(mailboxes) AS mailboxes, SUM(allocated_bytes) AS allocated, SUM(used_bytes) AS used FROM stats_domain_day WHERE day = ?").get(day) as {
          mailboxes: number;
          allocated: number;
          used: number;
        })
      : { mailboxes: 0, allocated: 0, used: 0 };

    const edges = bucketEdges(thresholds);
    const buckets = edges.map((from, i) => ({ from, to: i + 1 < edges.length ? edges[i + 1]! : null, count: 0 }));
    let unlimited = 0;
    let nearFull = 0;
    const since = day ? dayStart(day) / 1000 + DAY_SECONDS - ACTIVE_DAYS * DAY_SECONDS : 0;
    const active = { days: ACTIVE_DAYS, imap: 0, smtp: 0, webmail: 0, any: 0 };
    for (const row of rows) {
      if (row.quota > 0) {
        const percent = (row.used / row.quota) * 100;
        const bucket = buckets.findLast((b) => percent >= b.from) ?? buckets[0]!;
        bucket.count++;
        if (quotaLevel(row.used, row.quota, thresholds)) nearFull++;
      } else unlimited++;
      const imap = (row.imap ?? 0) >= since;
      const smtp = (row.smtp ?? 0) >= since;
      const webmail = (row.webmail ?? 0) >= since;
      if (imap) active.imap++;
      if (smtp) active.smtp++;
      if (webmail) active.webmail++;
      if (imap || smtp || webmail) active.any++;
    }

    const stateCounts = new Map<string, number>(MAILBOX_STATES.map((s) => [s, 0]));
    for (const row of db.prepare("SELECT state, COUNT(*) AS n FROM mailbox GROUP BY state").all() as { state: string; n: number }[]) {
      stateCounts.set(row.state, row.n);
    }
    // Sign-up to active: from the state history (first record to first `active`); rows older than the history use
    // the mailbox row's own times.
    const durations = (
      db
        .prepare(
          `SELECT COALESCE(
             (SELECT MIN(a.at) FROM mailbox_state_history a WHERE a.user_id = m.user_id AND a.to_state = 'active')
               - (SELECT MIN(s.at) FROM mailbox_state_history s WHERE s.user_id = m.user_id AND s.from_state IS NULL),
             m.provisioned_at - m.created_at) AS ms
           FROM mailbox m WHERE m.provisioned_at IS NOT NULL`,
        )
        .all() as { ms: number | null }[]
    )
      .flatMap((row) => (row.ms !== null && row.ms >= 0 ? [row.ms / 1000] : []))
      .sort((a, b) => a - b);
    // How creation attempts ended in the last 30 days: transitions out of provisioning/pending, by the state reached.
    const outcomes = db
      .prepare(
        `SELECT to_state AS state, COUNT(*) AS count FROM mailbox_state_history
         WHERE from_state IN ('provisioning', 'pending') AND to_state <> from_state AND at >= ? GROUP BY to_state ORDER BY to_state`,
      )
      .all(now() - ACTIVE_DAYS * DAY_SECONDS * 1000) as { state: string; count: number }[];

    return {
      snapshotDay: day,
      takenAt: latest.takenAt === null ? null : new Date(latest.takenAt).toISOString(),
      thresholds: { ...thresholds },
      totals: {
        accounts: (db.prepare("SELECT COUNT(*) AS n FROM user").get() as { n: number }).n,
        mailboxes: domains.mailboxes ?? 0,
        usedBytes: domains.used ?? 0,
        allocatedBytes: domains.allocated ?? 0,
        messages: rows.reduce((sum, row) => sum + row.messages, 0),
        nearFull,
      },
      quotaDistribution: { buckets, unlimited },
      activeUsers: active,
      provisioning: {
        states: [...stateCounts].map(([state, count]) => ({ state, count })),
        outcomes,
        durations: {
          count: durations.length,
          medianSeconds: quantile(durations, 0.5),
          p90Seconds: quantile(durations, 0.9),
          maxSeconds: durations.at(-1) ?? null,
        },
      },
    };
  }

  const SERIES_SQL: Record<StatsMetric, string> = {
    used_bytes: "SELECT day, SUM(used_bytes) AS value FROM stats_domain_day WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day",
    allocated_bytes: "SELECT day, SUM(allocated_bytes) AS value FROM stats_domain_day WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day",
    mailboxes: "SELECT day, SUM(mailboxes) AS value FROM stats_domain_day WHERE day BETWEEN ? AND ? GROUP BY day ORDER BY day",
    // A login within 30 days of the snapshot day's end (unix seconds of the day's midnight + 1 day − 30 days).
    active_users: `SELECT d.day, (SELECT COUNT(*) FROM stats_mailbox_day m WHERE m.day = d.day AND
                     MAX(COALESCE(m.last_imap_login, 0), COALESCE(m.last_smtp_login, 0), COALESCE(m.last_webmail_login, 0))
                       >= unixepoch(d.day) + ${DAY_SECONDS - ACTIVE_DAYS * DAY_SECONDS}) AS value
                   FROM (SELECT DISTINCT day FROM stats_domain_day WHERE day BETWEEN ? AND ?) d ORDER BY d.day`,
    near_full: `SELECT d.day, (SELECT COUNT(*) FROM stats_mailbox_day m WHERE m.day = d.day AND m.quota_bytes > 0 AND
                  m.used_bytes * 100 >= m.quota_bytes * @warn) AS value
                FROM (SELECT DISTINCT day FROM stats_domain_day WHERE day BETWEEN @from AND @to) d ORDER BY d.day`,
  };

  function series(metric: StatsMetric, from: string, to: string): StatsSeries {
    const statement = db.prepare(SERIES_SQL[metric]);
    const points = (metric === "near_full" ? statement.all({ from, to, warn: thresholds.warnPercent }) : statement.all(from, to)) as { day: string; value: number }[];
    return { metric, from, to, points: points.map((p) => ({ day: p.day, value: p.value ?? 0 })) };
  }

  /** Live: every platform mailbox at or above QUOTA_WARN_PERCENT, fullest first (one Mailcow call per domain). */
  async function nearFull(): Promise<NearFull> {
    const rows = db
      .prepare("SELECT m.user_id AS userId, m.address, u.username FROM mailbox m JOIN user u ON u.id = m.user_id WHERE m.state = 'active'")
      .all() as { userId: string; address: string; username: string }[];
    const byAddress = new Map(rows.map((row) => [row.address.toLowerCase(), row]));
    const domains = [...new Set(rows.map((row) => row.address.split("@")[1]!.toLowerCase()))].sort();
    const items: NearFull["items"] = [];
    for (const domain of domains) {
      for (const mailbox of await mailcow.listDomainMailboxes(domain, { tag: PLATFORM_TAG })) {
        const row = byAddress.get(mailbox.username);
        if (!row || !isOwnedBy(mailbox, row.userId) || !mailbox.isActive) continue;
        const level = quotaWatch.observe({ userId: row.userId, address: mailbox.username, usedBytes: mailbox.quotaUsedBytes, quotaBytes: mailbox.quotaBytes });
        if (!level) continue;
        const percent = Math.round((mailbox.quotaUsedBytes / mailbox.quotaBytes) * 100);
        items.push({ userId: row.userId, username: row.username, address: mailbox.username, usedBytes: mailbox.quotaUsedBytes, quotaBytes: mailbox.quotaBytes, percent, level });
      }
    }
    items.sort((a, b) => b.usedBytes / b.quotaBytes - a.usedBytes / a.quotaBytes);
    return { items };
  }

  return { summary, series, nearFull };
}

export type StatsQueries = ReturnType<typeof createStatsQueries>;
