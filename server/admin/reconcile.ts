// Reconcile: the platform's mailbox rows against Mailcow's mailboxes of the domain, one listing per run
// (`get/mailbox/all/<domain>`; the adapter keeps exactly that domain — Mailcow 2026-07a matches it as a substring).
// Ownership is decided here by exact tag comparison (Mailcow's `?tags=` is a substring LIKE). Every difference is a
// drift item with the fixes an admin may apply; RECONCILE_AUTO_FIX names the kinds fixed without an admin (with the
// first, safe fix: never a deletion). Every fix looks at the mailbox again first and refuses when it changed.
//
// Runs every RECONCILE_INTERVAL_MINUTES, on demand (admin.reconcile.run), and at start when `npm run restore` left
// `reconcile_due` in the meta table (cleared after a run that reached Mailcow).
import type { Logger } from "pino";
import {
  DRIFT_KINDS,
  type DriftFix,
  type DriftItem,
  type DriftKind,
  type ReconcileFixInput,
  type ReconcileFixResult,
  type ReconcileReport,
  type ReconcileTrigger,
} from "../../shared/schemas/admin-ops";
import type { MailboxState } from "../../shared/schemas/mailbox";
import type { AlertNotifier } from "../alerts/webhook";
import type { AuditLog } from "../audit/audit-log";
import type { Accounts } from "../auth/accounts";
import type { Db } from "../db/open-database";
import type { AppConfig } from "../env";
import type { LiveCache } from "../mailbox/live-cache";
import { isMailcowError, isOwnedBy, MIB, ownerOf, ownerTag, PLATFORM_TAG, type MailcowClient, type MailcowMailbox } from "../mailcow";
import { deleteMeta, getMeta, RECONCILE_DUE } from "../ops/meta";
import type { MailboxStore } from "../provisioning/store";
import type { AdminActor } from "./import";

/** The fixes offered per kind; the first is the proposed one and the one RECONCILE_AUTO_FIX applies. */
export const FIXES: Record<DriftKind, DriftFix[]> = {
  missing: ["reprovision"],
  disabled: ["enable"],
  quota_changed: ["accept_quota", "restore_quota"],
  untagged: ["mark_conflict"],
  orphan: ["remove_tags", "delete_mailbox"],
};

/** The alert key of "Mailcow and the platform disagree"; cleared when a run finds no drift. */
export const DRIFT_ALERT_KEY = "reconcile:drift";

export interface ReconcileDeps {
  db: Db;
  accounts: Pick<Accounts, "findById">;
  audit: AuditLog;
  mailcow: MailcowClient;
  store: MailboxStore;
  liveMailboxes: Pick<LiveCache, "invalidate">;
  config: Pick<AppConfig, "MAILBOX_QUOTA_MIB" | "RECONCILE_INTERVAL_MINUTES" | "RECONCILE_AUTO_FIX">;
  mailDomain: string;
  logger: Logger;
  now: () => number;
  /**
   * THE alert hook for drift: `notifyOnce("reconcile:drift", …)` when a run finds drift, `clear` when one finds none.
   * Without a notifier (none wired into the services yet) the drift is logged as a warning once per crossing.
   */
  alerts?: Pick<AlertNotifier, "notifyOnce" | "clear"> | null;
}

interface PlatformRow {
  user_id: string;
  address: string;
  state: MailboxState;
  reason: string | null;
  quota_mib: number | null;
  deactivated: number;
  username: string;
}

interface StoredReport {
  id: number;
  started_at: number;
  finished_at: number;
  trigger: ReconcileTrigger;
  domain: string;
  error: string | null;
  platform_mailboxes: number;
  mailcow_mailboxes: number;
  items: string;
}

const SYSTEM: AdminActor = { id: "", name: "system", ip: null };
const quotaMiB = (mailbox: MailcowMailbox) => Math.round(mailbox.quotaBytes / MIB);
const platformTags = (mailbox: MailcowMailbox) => mailbox.tags.filter((tag) => tag === PLATFORM_TAG || tag.startsWith(ownerTag("")));

export function createReconciler(deps: ReconcileDeps) {
  const { db, accounts, audit, mailcow, store, config, mailDomain, now } = deps;
  const log = deps.logger.child({ component: "reconcile" });
  const domainSuffix = `@${mailDomain}`;
  const platformRows = db.prepare<[], PlatformRow>(
    `SELECT m.user_id, m.address, m.state, m.reason, m.quota_mib, m.deactivated, u.username
     FROM mailbox m JOIN user u ON u.id = m.user_id WHERE m.state <> 'deleting'`,
  );
  const insertReport = db.prepare(
    `INSERT INTO reconcile_report (started_at, finished_at, trigger, domain, error, platform_mailboxes, mailcow_mailboxes, items)
     VALUES (@startedAt, @finishedAt, @trigger, @domain, @error, @platformMailboxes, @mailcowMailboxes, @items)`,
  );
  const latest = db.prepare<[], StoredReport>("SELECT * FROM reconcile_report ORDER BY id DESC LIMIT 1");
  const saveItems = db.prepare("UPDATE reconcile_report SET items = ? WHERE id = ?");
  let current: Promise<ReconcileReport> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let driftLogged = false;

  const expectedQuota = (row: Pick<PlatformRow, "quota_mib">) => row.quota_mib ?? config.MAILBOX_QUOTA_MIB;

  /** Is this Mailcow mailbox the platform's without a platform user behind it? */
  function isOrphan(mailbox: MailcowMailbox): boolean {
    if (platformTags(mailbox).length === 0) return false;
    const owner = ownerOf(mailbox);
    if (owner === null) return true;
    const account = accounts.findById(owner);
    const row = store.get(owner);
    return !account || !row || row.address.toLowerCase() !== mailbox.username.toLowerCase();
  }

  function item(kind: DriftKind, address: string, row: PlatformRow | null, mailbox: MailcowMailbox | null): DriftItem {
    return {
      id: `${kind}:${address}`,
      kind,
      address,
      userId: row?.user_id ?? (mailbox ? ownerOf(mailbox) : null),
      username: row?.username ?? null,
      mailcowQuotaMiB: mailbox ? quotaMiB(mailbox) : null,
      platformQuotaMiB: row ? expectedQuota(row) : null,
      fixes: FIXES[kind],
      fixed: null,
    };
  }

  /** Compares the two sides; pure apart from the one listing and account look-ups. */
  async function compare(): Promise<{ items: DriftItem[]; platform: number; mailcowCount: number }> {
    const mailboxes = await mailcow.listDomainMailboxes(mailDomain);
    const byAddress = new Map(mailboxes.map((m) => [m.username.toLowerCase(), m]));
    const rows = platformRows.all().filter((row) => row.address.toLowerCase().endsWith(domainSuffix));
    const items: DriftItem[] = [];
    for (const row of rows) {
      const mailbox = byAddress.get(row.address.toLowerCase()) ?? null;
      const owned = mailbox !== null && isOwnedBy(mailbox, row.user_id);
      const lost = row.state === "conflict" && row.reason === "removed_in_mailcow";
      if (row.state === "active" || lost) {
        if (!mailbox) {
          items.push(item("missing", row.address, row, null));
          continue;
        }
        if (lost) continue;
      }
      if (mailbox && !owned && ["active", "failed", "needs_password"].includes(row.state)) {
        items.push(item("untagged", row.address, row, mailbox));
        continue;
      }
      if (row.state !== "active" || !mailbox || !owned) continue;
      if (mailbox.active !== 1 && row.deactivated === 0) items.push(item("disabled", row.address, row, mailbox));
      if (quotaMiB(mailbox) !== expectedQuota(row)) items.push(item("quota_changed", row.address, row, mailbox));
    }
    for (const mailbox of mailboxes) {
      if (isOrphan(mailbox)) items.push(item("orphan", mailbox.username, null, mailbox));
    }
    return { items, platform: rows.length, mailcowCount: mailboxes.length };
  }

  /** Applies one fix after looking at the mailbox again; returns the outcome (never throws). */
  async function apply(drift: DriftItem, fix: DriftFix, confirm: boolean): Promise<{ result: "ok" | "refused" | "failed"; code: string | null }> {
    if (!drift.fixes.includes(fix)) return { result: "refused", code: "reconcile.fixNotOffered" };
    if (fix === "delete_mailbox" && !confirm) return { result: "refused", code: "reconcile.confirmDelete" };
    const changed = { result: "refused" as const, code: "reconcile.changed" };
    try {
      const mailbox = await mailcow.getMailbox(drift.address);
      const userId = drift.userId;
      const owned = mailbox !== null && userId !== null && isOwnedBy(mailbox, userId);
      switch (fix) {
        case "reprovision":
          if (mailbox || !userId) return changed;
          return store.lostToNeedsPassword(userId, now()) ? { result: "ok", code: null } : changed;
        case "mark_conflict":
          if (!mailbox || owned || !userId) return changed;
          return store.markConflict(userId, "address_taken", now()) ? { result: "ok", code: null } : changed;
        case "enable":
          if (!owned) return changed;
          await mailcow.editMailbox(drift.address, { active: true });
          return { result: "ok", code: null };
        case "accept_quota":
          if (!owned) return changed;
          store.setQuota(userId, quotaMiB(mailbox), now());
          return { result: "ok", code: null };
        case "restore_quota":
          if (!owned || drift.platformQuotaMiB === null) return changed;
          await mailcow.editMailbox(drift.address, { quotaMiB: drift.platformQuotaMiB });
          return { result: "ok", code: null };
        case "remove_tags":
          if (!mailbox || !isOrphan(mailbox)) return changed;
          await mailcow.deleteMailboxTags(drift.address, platformTags(mailbox));
          return { result: "ok", code: null };
        case "delete_mailbox":
          if (!mailbox || !isOrphan(mailbox)) return changed;
          await mailcow.deleteMailboxes([drift.address]);
          return { result: "ok", code: null };
      }
    } catch (error) {
      if (!isMailcowError(error)) log.error({ err: error, item: drift.id, fix }, "reconcile fix failed unexpectedly");
      return { result: "failed", code: isMailcowError(error) && error.kind === "rejected" ? "reconcile.mailcowRejected" : "mailbox.mailcowUnavailable" };
    } finally {
      deps.liveMailboxes.invalidate(drift.address);
    }
  }

  async function fixOne(drift: DriftItem, fix: DriftFix, confirm: boolean, actor: AdminActor, auto: boolean) {
    const outcome = await apply(drift, fix, confirm);
    drift.fixed = { fix, at: now(), result: outcome.result, code: outcome.code, auto };
    audit.record({
      actorId: actor.id || null,
      actorName: actor.name,
      action: "admin.reconcile.fix",
      targetUserId: drift.userId,
      target: drift.address,
      result: outcome.result,
      detail: { kind: drift.kind, fix, auto, ...(outcome.code ? { code: outcome.code } : {}) },
      ip: actor.ip,
    });
    return outcome;
  }

  function toReport(row: StoredReport): ReconcileReport {
    const items = JSON.parse(row.items) as DriftItem[];
    const counts = Object.fromEntries(DRIFT_KINDS.map((kind) => [kind, items.filter((i) => i.kind === kind).length])) as Record<DriftKind, number>;
    return {
      id: row.id,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      trigger: row.trigger,
      domain: row.domain,
      error: row.error,
      platformMailboxes: row.platform_mailboxes,
      mailcowMailboxes: row.mailcow_mailboxes,
      counts,
      items,
    };
  }

  function alertOnDrift(report: ReconcileReport) {
    const open = report.items.filter((i) => i.fixed?.result !== "ok");
    if (open.length === 0) {
      deps.alerts?.clear(DRIFT_ALERT_KEY);
      driftLogged = false;
      return;
    }
    const summary = `Mailcow and the platform disagree about ${open.length} mailbox(es) of ${mailDomain}: see Admin → Reconcile`;
    if (deps.alerts) {
      deps.alerts.notifyOnce(DRIFT_ALERT_KEY, { kind: "reconcile_drift", severity: "warning", summary, details: { reportId: report.id, counts: report.counts } });
    } else if (!driftLogged) {
      driftLogged = true;
      log.warn({ reportId: report.id, counts: report.counts }, summary);
    }
  }

  async function runOnce(trigger: ReconcileTrigger, actor: AdminActor): Promise<ReconcileReport> {
    const startedAt = now();
    let compared: Awaited<ReturnType<typeof compare>> | null = null;
    let error: string | null = null;
    try {
      compared = await compare();
    } catch (cause) {
      error = isMailcowError(cause) ? `mailcow_${cause.kind}` : "unexpected";
      log.warn({ err: cause }, "reconcile could not list Mailcow's mailboxes");
    }
    const items = compared?.items ?? [];
    for (const drift of items) {
      if (config.RECONCILE_AUTO_FIX.includes(drift.kind)) await fixOne(drift, drift.fixes[0]!, false, SYSTEM, true);
    }
    const id = Number(
      insertReport.run({
        startedAt,
        finishedAt: now(),
        trigger,
        domain: mailDomain,
        error,
        platformMailboxes: compared?.platform ?? 0,
        mailcowMailboxes: compared?.mailcowCount ?? 0,
        items: JSON.stringify(items),
      }).lastInsertRowid,
    );
    const report = toReport(latest.get()!);
    if (!error) {
      // The database and Mailcow have been compared after the restore: nothing is due any more.
      if (getMeta(db, RECONCILE_DUE) !== null) deleteMeta(db, RECONCILE_DUE);
      alertOnDrift(report);
    }
    audit.record({
      actorId: actor.id || null,
      actorName: actor.name,
      action: "admin.reconcile.run",
      target: mailDomain,
      result: error ? "failed" : "ok",
      detail: { reportId: id, trigger, counts: report.counts, ...(error ? { error } : {}) },
      ip: actor.ip,
    });
    log.info({ reportId: id, trigger, counts: report.counts, error }, "reconcile finished");
    return report;
  }

  function run(trigger: ReconcileTrigger, actor: AdminActor = SYSTEM): Promise<ReconcileReport> {
    // One run at a time: a request during a run gets that run's report.
    current ??= runOnce(trigger, actor).finally(() => {
      current = null;
    });
    return current;
  }

  return {
    run,
    /** The latest report, or null before the first run. */
    report(): ReconcileReport | null {
      const row = latest.get();
      return row ? toReport(row) : null;
    },
    /** Applies fixes to items of the latest report, one after the other; unknown items are refused. */
    async fix(input: ReconcileFixInput, actor: AdminActor): Promise<ReconcileFixResult | null> {
      const row = latest.get();
      if (!row) return null;
      const items = JSON.parse(row.items) as DriftItem[];
      const results: ReconcileFixResult["results"] = [];
      for (const wanted of input.items) {
        const drift = items.find((i) => i.id === wanted.id);
        if (!drift) {
          results.push({ id: wanted.id, fix: wanted.fix, result: "refused", code: "reconcile.itemNotFound" });
          continue;
        }
        const outcome = await fixOne(drift, wanted.fix, wanted.confirm ?? false, actor, false);
        results.push({ id: wanted.id, fix: wanted.fix, ...outcome });
      }
      saveItems.run(JSON.stringify(items), row.id);
      const report = toReport(latest.get()!);
      alertOnDrift(report);
      return { results, report };
    },
    /** The schedule (RECONCILE_INTERVAL_MINUTES; 0 = off) and, when a restore left `reconcile_due`, a run now. */
    start() {
      if (getMeta(db, RECONCILE_DUE) !== null) void run("restore");
      const minutes = config.RECONCILE_INTERVAL_MINUTES;
      if (minutes > 0 && !timer) {
        timer = setInterval(() => void run("schedule"), minutes * 60_000);
        timer.unref?.();
      }
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await current?.catch(() => undefined);
    },
  };
}
export type Reconciler = ReturnType<typeof createReconciler>;
