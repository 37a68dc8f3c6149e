// Bulk onboarding from CSV (`username,displayName[,quotaMiB]`): a preview with a reason for every row that will not
// be imported, then a background job that creates the accounts (direct: a generated one-time password, the mailbox
// through the provisioning worker like a sign-up's) or invitations. Mailcow is asked once per file: one listing of the
// domain's mailboxes, one of its aliases, one look at its room — never once per row.
//
// Passwords and invitation links are never stored: they live in this process until the first status answer that
// carries the result CSV, and are dropped then (shown once).
import { randomInt, randomUUID } from "node:crypto";
import pLimit from "p-limit";
import type { Logger } from "pino";
import {
  IMPORT_MAX_ROWS,
  IMPORT_ROW_PROBLEMS,
  type ImportMode,
  type ImportPreview,
  type ImportPreviewRow,
  type ImportRowProblem,
  type ImportStatus,
} from "../../shared/schemas/admin-ops";
import { DisplayNameSchema, isReservedUsername, UsernameSchema } from "../../shared/schemas/auth";
import type { MailboxReason, MailboxState } from "../../shared/schemas/mailbox";
import type { AuditLog } from "../audit/audit-log";
import { UsernameTakenError, type Accounts } from "../auth/accounts";
import { hashGeneratedPassword } from "../auth/password";
import type { Db } from "../db/open-database";
import type { AppConfig } from "../env";
import type { MailboxService } from "../mailbox/service";
import type { MailcowClient } from "../mailcow";
import { loadCsv } from "../on-demand";
import type { Provisioner } from "../provisioning/worker";

/** Who started an action in the admin console (for the audit log). */
export interface AdminActor {
  id: string;
  name: string;
  ip: string | null;
}

/** A refusal of the whole file, as a validation code (the router makes it a BAD_REQUEST on `csv`). */
export class ImportFileError extends Error {
  constructor(
    readonly code: string,
    readonly params?: Record<string, string | number>,
  ) {
    super(code);
  }
}

/**
 * Creates one invitation with the username pre-set: its id and link (shown once), or the validation code that refused
 * it (e.g. already invited). The router supplies it from the invitations module (server/admin/invitations.ts).
 */
export type InvitationMaker = (input: { username: string; displayName: string | null; actor: AdminActor }) =>
  | { id: string; link: string }
  | { refused: string };

export interface ImportDeps {
  db: Db;
  accounts: Accounts;
  audit: AuditLog;
  mailcow: MailcowClient;
  mailboxes: MailboxService;
  provisioner: Pick<Provisioner, "wake">;
  config: Pick<AppConfig, "MAILBOX_QUOTA_MIB" | "RESERVED_USERNAMES">;
  mailDomain: string;
  logger: Logger;
  now: () => number;
  /** argon2 hashes the import runs at once (it leaves the rest of the CPU to sign-ins). */
  hashConcurrency?: number;
}

interface CsvRow {
  line: number;
  cells: string[];
}

/** Reads the CSV (UTF-8, BOM tolerated, with or without a `username,…` header); blank lines are skipped. */
export async function parseImportCsv(csv: string): Promise<{ hasHeader: boolean; rows: CsvRow[] }> {
  const text = csv.replace(/^\uFEFF/, "");
  const Papa = await loadCsv();
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: "greedy" });
  const fatal = parsed.errors.find((e) => e.type === "Quotes");
  if (fatal) throw new ImportFileError("import.csvUnreadable", { line: (fatal.row ?? 0) + 1, detail: fatal.message });
  const all = parsed.data.map((cells, index) => ({ line: index + 1, cells: cells.map((c) => c.trim()) }));
  const hasHeader = all[0]?.cells[0]?.toLowerCase() === "username";
  const rows = hasHeader ? all.slice(1) : all;
  if (rows.length === 0) throw new ImportFileError("import.noRows");
  if (rows.length > IMPORT_MAX_ROWS) throw new ImportFileError("import.tooManyRows", { max: IMPORT_MAX_ROWS });
  return { hasHeader, rows };
}

/**
 * A one-time password: 20 characters with lower and upper case, digits and a sign (any Mailcow policy passes). It
 * starts with a letter, so a spreadsheet opening the result CSV never reads it as a formula.
 */
export function generatePassword(): string {
  const lower = "abcdefghijkmnpqrstuvwxyz";
  const groups = [lower, "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789", "-_.!+"];
  const all = groups.join("");
  const chars = groups.map((g) => g[randomInt(g.length)]!);
  while (chars.length < 19) chars.push(all[randomInt(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return lower[randomInt(lower.length)]! + chars.join("");
}

const csvCell = (value: string) => (/[",\r\n]/.test(value) || /^[=+\-@]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

interface JobSecrets {
  /** line → password (direct) or invitation link. */
  byLine: Map<number, string>;
  delivered: boolean;
}

export function createImportService(deps: ImportDeps) {
  const { db, accounts, audit, mailcow, config, mailDomain, now } = deps;
  const log = deps.logger.child({ component: "import" });
  const hashLimit = pLimit(deps.hashConcurrency ?? 1);
  const secrets = new Map<string, JobSecrets>();
  const running = new Map<string, Promise<void>>();

  /** Validates every row against the platform and ONE look at Mailcow (mailboxes, aliases, room of the domain). */
  async function preview(csv: string): Promise<ImportPreview> {
    const { hasHeader, rows } = await parseImportCsv(csv);
    const [mailboxes, aliases, room] = await Promise.all([
      mailcow.listDomainMailboxes(mailDomain),
      mailcow.listDomainAliases(mailDomain),
      mailcow.domainRoom(mailDomain),
    ]);
    const inMailcow = new Set([...mailboxes.map((m) => m.username.toLowerCase()), ...aliases.map((a) => a.address.toLowerCase())]);
    const seen = new Set<string>();
    const out: ImportPreviewRow[] = rows.map(({ line, cells }) => {
      const problems: ImportPreviewRow["problems"] = [];
      const add = (kind: ImportRowProblem, code: string, params?: Record<string, string | number>) =>
        problems.push({ kind, code, ...(params ? { params } : {}) });
      const [rawName = "", rawDisplay = "", rawQuota = ""] = cells;
      if (cells.length > 3) add("invalid", "import.columns");

      let username = rawName;
      const name = UsernameSchema.safeParse(rawName);
      if (name.success) {
        username = name.data;
        if (isReservedUsername(username, config.RESERVED_USERNAMES)) add("reserved", "username.reserved");
      } else {
        const code = name.error.issues[0]?.message ?? "username.chars";
        if (code === "username.reserved") add("reserved", code);
        else add("invalid", code);
        username = rawName.toLowerCase();
      }
      if (username !== "") {
        if (seen.has(username)) add("duplicate", "import.duplicate");
        seen.add(username);
      }
      if (name.success) {
        if (accounts.findByUsername(username)) add("taken", "username.taken");
        if (inMailcow.has(`${username}@${mailDomain}`)) add("exists_in_mailcow", "import.existsInMailcow");
      }

      let displayName: string | null = null;
      if (rawDisplay !== "") {
        const display = DisplayNameSchema.safeParse(rawDisplay);
        if (display.success) displayName = display.data || null;
        else add("invalid", display.error.issues[0]?.message ?? "displayName.chars");
      }

      let quotaMiB: number | null = null;
      if (rawQuota !== "") {
        if (!/^\d+$/.test(rawQuota)) add("invalid", "import.quotaNotNumber");
        else {
          quotaMiB = Number(rawQuota);
          const max = room?.maxQuotaPerMailboxMiB ?? Number.MAX_SAFE_INTEGER;
          if (quotaMiB < 1 || quotaMiB > max) add("quota_out_of_range", "import.quotaRange", { max });
        }
      }
      return { line, username, displayName, quotaMiB, ok: problems.length === 0, problems };
    });

    const byProblem = Object.fromEntries(IMPORT_ROW_PROBLEMS.map((kind) => [kind, 0])) as Record<ImportRowProblem, number>;
    for (const row of out) for (const kind of new Set(row.problems.map((p) => p.kind))) byProblem[kind] += 1;
    const valid = out.filter((r) => r.ok);
    const quotaNeededMiB = valid.reduce((sum, r) => sum + (r.quotaMiB ?? config.MAILBOX_QUOTA_MIB), 0);
    return {
      hasHeader,
      rows: out,
      totals: { rows: out.length, valid: valid.length, invalid: out.length - valid.length, byProblem },
      room: room && {
        mailboxesLeft: room.mailboxesLeft,
        quotaLeftMiB: room.quotaLeftMiB,
        maxQuotaPerMailboxMiB: room.maxQuotaPerMailboxMiB,
        quotaNeededMiB,
        fits: valid.length <= room.mailboxesLeft && quotaNeededMiB <= room.quotaLeftMiB,
      },
      defaultQuotaMiB: config.MAILBOX_QUOTA_MIB,
    };
  }

  const insertJob = db.prepare(
    "INSERT INTO import_job (id, mode, state, actor_id, total, created_at) VALUES (@id, @mode, 'running', @actorId, @total, @now)",
  );
  const insertRow = db.prepare(
    `INSERT INTO import_row (job_id, line, username, display_name, quota_mib, status, reason)
     VALUES (@jobId, @line, @username, @displayName, @quotaMiB, @status, @reason)`,
  );
  const rowDone = db.prepare(
    "UPDATE import_row SET status = @status, reason = @reason, user_id = @userId, invitation_id = @invitationId WHERE job_id = @jobId AND line = @line",
  );
  const finishJob = db.prepare("UPDATE import_job SET state = @state, finished_at = @now WHERE id = @id");

  interface JobRow {
    id: string;
    mode: ImportMode;
    state: "running" | "done" | "failed";
    actor_id: string | null;
    total: number;
    created_at: number;
    finished_at: number | null;
  }
  interface RowRow {
    line: number;
    username: string;
    display_name: string | null;
    quota_mib: number | null;
    status: "waiting" | "created" | "skipped" | "failed";
    reason: string | null;
    user_id: string | null;
    invitation_id: string | null;
    state: MailboxState | null;
    mailbox_reason: MailboxReason | null;
  }
  const getJob = db.prepare<[string], JobRow>("SELECT * FROM import_job WHERE id = ?");

  const getRows = db.prepare<[string], RowRow>(
    `SELECT r.*, m.state AS state, m.reason AS mailbox_reason FROM import_row r LEFT JOIN mailbox m ON m.user_id = r.user_id
     WHERE r.job_id = ? ORDER BY r.line`,
  );

  /** Creates one account with a one-time password and queues its mailbox (one transaction). */
  async function createDirect(jobId: string, row: RowRow, actor: AdminActor, store: JobSecrets) {
    const password = generatePassword();
    const passwordHash = await hashLimit(() => hashGeneratedPassword(password));
    try {
      db.transaction(() => {
        const account = accounts.insert({ username: row.username, displayName: row.display_name, passwordHash });
        accounts.setMustChangePassword(account.id, true);
        deps.mailboxes.enqueueImport(account.id, account.username, password, row.quota_mib);
        rowDone.run({ jobId, line: row.line, status: "created", reason: null, userId: account.id, invitationId: null });
        audit.record({
          actorId: actor.id,
          actorName: actor.name,
          action: "admin.import.createAccount",
          targetUserId: account.id,
          target: `${account.username}@${mailDomain}`,
          result: "ok",
          detail: { importId: jobId, line: row.line, quotaMiB: row.quota_mib },
          ip: actor.ip,
        });
      })();
      store.byLine.set(row.line, password);
      deps.provisioner.wake();
    } catch (error) {
      // Someone signed up with the name since the preview; anything else is logged and the import goes on.
      if (!(error instanceof UsernameTakenError)) log.error({ err: error, importId: jobId, line: row.line }, "import: could not create an account");
      const reason = error instanceof UsernameTakenError ? "username.taken" : "server.internal";
      rowDone.run({ jobId, line: row.line, status: "failed", reason, userId: null, invitationId: null });
    }
  }

  function createInvitation(jobId: string, row: RowRow, actor: AdminActor, store: JobSecrets, make: InvitationMaker) {
    const invitation = make({ username: row.username, displayName: row.display_name, actor });
    if ("refused" in invitation) {
      rowDone.run({ jobId, line: row.line, status: "failed", reason: invitation.refused, userId: null, invitationId: null });
      return;
    }
    rowDone.run({ jobId, line: row.line, status: "created", reason: null, userId: null, invitationId: invitation.id });
    store.byLine.set(row.line, invitation.link);
  }

  async function runJob(jobId: string, mode: ImportMode, actor: AdminActor, invitations: InvitationMaker | null) {
    const store = secrets.get(jobId)!;
    const waiting = getRows.all(jobId).filter((r) => r.status === "waiting");
    try {
      if (mode === "direct") {
        // Hashing is the local cost; rows go one after the other through the hash queue while the worker creates
        // the mailboxes of the earlier rows.
        await Promise.all(waiting.map((row) => createDirect(jobId, row, actor, store)));
      } else {
        for (const row of waiting) createInvitation(jobId, row, actor, store, invitations!);
      }
      finishJob.run({ id: jobId, state: "done", now: now() });
      log.info({ importId: jobId, mode, rows: waiting.length }, "import finished");
    } catch (error) {
      finishJob.run({ id: jobId, state: "failed", now: now() });
      log.error({ err: error, importId: jobId }, "import stopped");
      audit.record({ actorId: actor.id, actorName: actor.name, action: "admin.import.stopped", target: jobId, result: "failed", ip: actor.ip });
    }
  }

  return {
    preview,

    /** Validates again (Mailcow may have changed since the preview), records the job, and runs it in the background. */
    async start(
      csv: string,
      mode: ImportMode,
      actor: AdminActor,
      invitations: InvitationMaker | null = null,
    ): Promise<{ id: string; preview: ImportPreview }> {
      if (mode === "invitations" && !invitations) throw new ImportFileError("import.invitationsUnavailable");
      const checked = await preview(csv);
      const id = randomUUID();
      db.transaction(() => {
        insertJob.run({ id, mode, actorId: actor.id, total: checked.rows.length, now: now() });
        for (const row of checked.rows) {
          insertRow.run({
            jobId: id,
            line: row.line,
            username: row.username.slice(0, 200),
            displayName: row.displayName,
            quotaMiB: row.quotaMiB,
            status: row.ok ? "waiting" : "skipped",
            reason: row.ok ? null : row.problems[0]!.kind,
          });
        }
        audit.record({
          actorId: actor.id,
          actorName: actor.name,
          action: "admin.import.start",
          target: id,
          result: "ok",
          detail: { mode, rows: checked.totals.rows, valid: checked.totals.valid, skipped: checked.totals.invalid },
          ip: actor.ip,
        });
      })();
      secrets.set(id, { byLine: new Map(), delivered: false });
      const job = runJob(id, mode, actor, invitations).finally(() => running.delete(id));
      running.set(id, job);
      return { id, preview: checked };
    },

    /** Progress, per-row results and (once) the result CSV with the passwords or links. Null for an unknown id. */
    status(id: string, { deliverSecrets = true } = {}): ImportStatus | null {
      const job = getJob.get(id);
      if (!job) return null;
      const rows = getRows.all(id);
      const count = (status: RowRow["status"]) => rows.filter((r) => r.status === status).length;
      const mailboxStates = rows.filter((r) => r.state !== null).map((r) => r.state!);
      const inProgress = mailboxStates.filter((s) => s === "provisioning" || s === "pending").length;
      const active = mailboxStates.filter((s) => s === "active").length;
      const done = job.state !== "running";
      const store = secrets.get(id);
      const withSecrets = deliverSecrets && done && store !== undefined && !store.delivered;
      let resultCsv: string | null = null;
      if (done) {
        const header = `line,username,address,status,reason,${job.mode === "direct" ? "password" : "invitationLink"}`;
        const lines = rows.map((r) =>
          [String(r.line), r.username, `${r.username}@${mailDomain}`, r.status, r.reason ?? r.mailbox_reason ?? "", withSecrets ? (store.byLine.get(r.line) ?? "") : ""]
            .map(csvCell)
            .join(","),
        );
        resultCsv = `${[header, ...lines].join("\r\n")}\r\n`;
        if (withSecrets) {
          store.delivered = true;
          secrets.delete(id);
        }
      }
      return {
        id: job.id,
        mode: job.mode,
        state: job.state,
        createdAt: job.created_at,
        finishedAt: job.finished_at,
        total: job.total,
        processed: rows.length - count("waiting"),
        created: count("created"),
        skipped: count("skipped"),
        failed: count("failed"),
        mailboxes: { active, inProgress, needAttention: mailboxStates.length - active - inProgress },
        settled: done && inProgress === 0,
        rows: rows.map((r) => ({
          line: r.line,
          username: r.username,
          status: r.status,
          reason: r.reason,
          userId: r.user_id,
          invitationId: r.invitation_id,
          mailbox: r.state ? { state: r.state, reason: r.mailbox_reason } : null,
        })),
        resultCsv,
        secretsIncluded: withSecrets,
      };
    },

    /**
     * At server start (the database lock makes it the only server): jobs cut short by a stop or crash end as failed,
     * their remaining rows are not created (the one-time secrets went with the process). Returns how many jobs.
     */
    failInterrupted(): number {
      return db.transaction(() => {
        db.prepare("UPDATE import_row SET status = 'failed', reason = 'import.interrupted' WHERE status = 'waiting'").run();
        return db.prepare("UPDATE import_job SET state = 'failed', finished_at = ? WHERE state = 'running'").run(now()).changes;
      })();
    },

    /** Resolves when the job has handled every row (tests and shutdown). */
    async settled(id?: string): Promise<void> {
      await Promise.allSettled(id ? [running.get(id)] : [...running.values()]);
    },
  };
}
export type ImportService = ReturnType<typeof createImportService>;
