// The daily usage snapshot: per platform mailbox (bytes, messages, quota, last IMAP/SMTP/webmail logins) and per
// domain (mailboxes, quota allocated, bytes used), from ONE `get/mailbox/all/<domain>` call per domain, never one
// call per user. Only a Mailcow mailbox whose owner tag is exactly the tag of the platform user whose row holds
// that address is counted. Snapshots older than STATS_RETENTION_DAYS are deleted after each run. The same pass
// evaluates every mailbox's quota level (operator alerts once per crossing).
//
// Schedule: with STATS_SNAPSHOT_HOUR (UTC) a run is due at that hour of each day it has not run; without it, 24 h
// after the last run (at once when there is none). A run in which no domain could be listed (Mailcow down) leaves no
// row, so it is tried again at the next check (hourly).
import type { Logger } from "pino";
import { saveFigures } from "../admin/list";
import type { Db } from "../db/open-database";
import { isOwnedBy, PLATFORM_TAG, type MailcowClient, type MailcowMailbox } from "../mailcow";
import type { QuotaWatch } from "./quota";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The UTC calendar day of a time, "YYYY-MM-DD". */
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Midnight UTC of a "YYYY-MM-DD" day, in ms. */
export const dayStart = (day: string) => Date.parse(`${day}T00:00:00.000Z`);

export interface SnapshotSettings {
  /** STATS_SNAPSHOT_HOUR; undefined: every 24 h. */
  hour: number | undefined;
  /** STATS_RETENTION_DAYS. */
  retentionDays: number;
  /** How often the timer looks whether a run is due (default 1 h; a run is never more than this late). */
  checkEveryMs?: number;
}

export interface SnapshotDeps {
  db: Db;
  mailcow: Pick<MailcowClient, "listDomainMailboxes">;
  quotaWatch: QuotaWatch;
  logger: Logger;
  settings: SnapshotSettings;
  now: () => number;
}

export interface SnapshotReport {
  day: string;
  domains: { domain: string; mailboxes: number; ok: boolean }[];
  pruned: number;
}

interface PlatformMailboxRow {
  user_id: string;
  address: string;
}

const seconds = (date: Date | null) => (date ? Math.floor(date.getTime() / 1000) : null);

export function createSnapshots({ db, mailcow, quotaWatch, logger, settings, now }: SnapshotDeps) {
  const log = logger.child({ component: "stats" });
  const checkEveryMs = settings.checkEveryMs ?? HOUR_MS;
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let running: Promise<SnapshotReport | null> | null = null;

  const platformMailboxes = db.prepare("SELECT user_id, address FROM mailbox WHERE state NOT IN ('conflict')");
  const lastRun = db.prepare("SELECT MAX(taken_at) AS at FROM stats_domain_day");
  const ranOn = db.prepare("SELECT COUNT(*) AS n FROM stats_domain_day WHERE day = ?");
  const insertMailbox = db.prepare(
    `INSERT OR REPLACE INTO stats_mailbox_day (day, user_id, address, domain, used_bytes, quota_bytes, messages, last_imap_login, last_smtp_login, last_webmail_login)
     VALUES (@day, @userId, @address, @domain, @usedBytes, @quotaBytes, @messages, @imap, @smtp, @webmail)`,
  );
  const insertDomain = db.prepare(
    `INSERT OR REPLACE INTO stats_domain_day (day, domain, taken_at, mailboxes, allocated_bytes, used_bytes)
     VALUES (@day, @domain, @takenAt, @mailboxes, @allocated, @used)`,
  );
  const pruneMailboxes = db.prepare("DELETE FROM stats_mailbox_day WHERE day < ?");
  const pruneDomains = db.prepare("DELETE FROM stats_domain_day WHERE day < ?");

  /** True when a run is due at `at`. */
  function due(at: number): boolean {
    if (settings.hour === undefined) {
      const last = (lastRun.get() as { at: number | null }).at;
      return last === null || at - last >= DAY_MS;
    }
    const today = dayOf(at);
    if (at < dayStart(today) + settings.hour * HOUR_MS) return false;
    return (ranOn.get(today) as { n: number }).n === 0;
  }

  /** The user a listed mailbox belongs to: the platform row holding its address, if the owner tag is exactly theirs. */
  function owners(): Map<string, string> {
    const rows = platformMailboxes.all() as PlatformMailboxRow[];
    return new Map(rows.map((row) => [row.address.toLowerCase(), row.user_id]));
  }

  async function take(): Promise<SnapshotReport> {
    const at = now();
    const day = dayOf(at);
    const byAddress = owners();
    const domains = [...new Set([...byAddress.keys()].map((address) => address.split("@")[1]!))].sort();
    const report: SnapshotReport = { day, domains: [], pruned: 0 };
    for (const domain of domains) {
      let listed: MailcowMailbox[];
      try {
        listed = await mailcow.listDomainMailboxes(domain, { tag: PLATFORM_TAG });
      } catch (error) {
        log.warn({ err: error, domain }, "usage snapshot: could not list the domain's mailboxes; tried again at the next check");
        report.domains.push({ domain, mailboxes: 0, ok: false });
        continue;
      }
      const owned = listed.flatMap((mailbox) => {
        const userId = byAddress.get(mailbox.username);
        return userId !== undefined && isOwnedBy(mailbox, userId) ? [{ userId, mailbox }] : [];
      });
      db.transaction(() => {
        for (const { userId, mailbox } of owned) {
          insertMailbox.run({
            day,
            userId,
            address: mailbox.username,
            domain,
            usedBytes: mailbox.quotaUsedBytes,
            quotaBytes: mailbox.quotaBytes,
            messages: mailbox.messages,
            imap: seconds(mailbox.lastImapLogin),
            smtp: seconds(mailbox.lastSmtpLogin),
            webmail: seconds(mailbox.lastSsoLogin),
          });
          // The admin table's quota and last-login filters read the latest figures.
          const logins = [mailbox.lastImapLogin, mailbox.lastSmtpLogin, mailbox.lastPop3Login, mailbox.lastSsoLogin].flatMap((d) => (d ? [d.getTime()] : []));
          saveFigures(db, userId, { quotaPercent: mailbox.percentInUse, lastLoginAt: logins.length ? Math.max(...logins) : null, at });
        }
        insertDomain.run({
          day,
          domain,
          takenAt: at,
          mailboxes: owned.length,
          allocated: owned.reduce((sum, { mailbox }) => sum + mailbox.quotaBytes, 0),
          used: owned.reduce((sum, { mailbox }) => sum + mailbox.quotaUsedBytes, 0),
        });
      })();
      for (const { userId, mailbox } of owned) {
        if (mailbox.isActive) quotaWatch.observe({ userId, address: mailbox.username, usedBytes: mailbox.quotaUsedBytes, quotaBytes: mailbox.quotaBytes });
      }
      report.domains.push({ domain, mailboxes: owned.length, ok: true });
    }
    report.pruned = prune(at);
    log.info({ day, domains: report.domains, pruned: report.pruned }, "usage snapshot taken");
    return report;
  }

  /** Deletes the days older than the retention; returns the rows deleted. */
  function prune(at: number): number {
    const oldest = dayOf(at - settings.retentionDays * DAY_MS);
    return db.transaction(() => pruneMailboxes.run(oldest).changes + pruneDomains.run(oldest).changes)();
  }

  /** Takes a snapshot now (one at a time; a call during a run gets that run). */
  function takeNow(): Promise<SnapshotReport> {
    running ??= take().finally(() => (running = null));
    return running as Promise<SnapshotReport>;
  }

  /** Takes the snapshot if one is due now; null when none is. */
  async function runIfDue(): Promise<SnapshotReport | null> {
    if (running) return running;
    if (!due(now())) return null;
    return takeNow();
  }

  function schedule() {
    timer = setTimeout(() => {
      void runIfDue()
        .catch((error: unknown) => log.error({ err: error }, "usage snapshot failed"))
        .finally(() => started && schedule());
    }, checkEveryMs);
    timer.unref?.();
  }

  return {
    due,
    takeNow,
    runIfDue,
    prune,
    /** Checks at once, then every `checkEveryMs`. */
    start() {
      if (started) return;
      started = true;
      void runIfDue().catch((error: unknown) => log.error({ err: error }, "usage snapshot failed"));
      schedule();
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}

export type Snapshots = ReturnType<typeof createSnapshots>;
