// Forwarding, out-of-office and the spam level of a user's own mailbox. The platform keeps the structured settings
// in its database (table mail_filter_settings) and writes ONE generated Sieve prefilter to Mailcow, marked as its
// own in `script_desc`: rewritten when it exists, added otherwise, deleted when forwarding and out-of-office are both
// off. Nothing here ever parses a script back.
//
// Mailcow 2026-07a keeps one active filter per mailbox and type: activating one turns the others of that type off.
// An active prefilter the platform did not write (made in Mailcow's UI) is therefore reported, and turned off (by
// activating ours) only when the user confirmed it (`replaceForeign`). It is never edited or deleted.
import type { Logger } from "pino";
import type { MailSettingsCode } from "../../shared/i18n/mail-settings";
import {
  SPAM_PRESETS,
  type ForwardingState,
  type SpamLevel,
  type SpamLevelState,
  type VacationState,
} from "../../shared/schemas/mail-settings";
import type { Db } from "../db/open-database";
import type { AppConfig } from "../env";
import { isMailcowError, type MailcowClient, type MailcowFilter } from "../mailcow";
import { fail, ok, type MailboxProblem, type Result } from "../mailbox/problems";
import type { MailboxService, OwnedMailbox } from "../mailbox/service";
import {
  buildPlatformScript,
  checkForwardingTargets,
  isPlatformFilter,
  PLATFORM_FILTER_DESC,
  type ForwardingPolicy,
  type ForwardingTargetCode,
  type SieveBuildError,
} from "./sieve";

export interface StoredForwarding {
  to: string[];
  keepCopy: boolean;
}

export interface StoredVacation {
  subject: string;
  message: string;
  from: string | null;
  until: string | null;
}

interface Stored {
  forwarding: StoredForwarding | null;
  vacation: StoredVacation | null;
}

interface SettingsRow {
  address: string;
  forwarding: string | null;
  vacation: string | null;
}

/** Mailcow's spam thresholds when the mailbox has none of its own (rspamd's defaults; Mailcow 2026-07a). */
export const MAILCOW_DEFAULT_SPAM = { low: 5, high: 15 } as const;

export interface MailSettingsDeps {
  db: Db;
  config: Pick<AppConfig, "FORWARDING_EXTERNAL" | "FORWARDING_ALLOWED_DOMAINS" | "FORWARDING_MAX_TARGETS" | "VACATION_DAYS">;
  mailDomain: string;
  mailcow: MailcowClient;
  mailboxes: Pick<MailboxService, "withOwnedMailbox">;
  logger: Logger;
  now: () => number;
}

const TARGET_CODES: Record<ForwardingTargetCode, MailSettingsCode> = {
  invalid_address: "forwarding.invalidAddress",
  self: "forwarding.self",
  own_alias: "forwarding.ownAlias",
  duplicate: "forwarding.duplicate",
  external_not_allowed: "forwarding.externalDenied",
};

const field = (name: string, code: MailSettingsCode, params?: Record<string, string | number>, status?: "conflict"): MailboxProblem => ({
  kind: "field",
  field: name,
  code,
  ...(params ? { params } : {}),
  ...(status ? { status } : {}),
});

/** The generator's refusals as problems on the form's fields. */
function buildProblem(error: SieveBuildError): MailboxProblem {
  switch (error.code) {
    case "vacation_subject_empty":
      return field("subject", "vacation.subjectRequired");
    case "vacation_message_empty":
      return field("message", "vacation.messageRequired");
    case "invalid_date":
      return field(error.field, "vacation.date");
    case "date_order":
      return field("until", "vacation.dateOrder");
    case "too_long":
      return field("message", "mailSettings.scriptTooLong");
    case "invalid_target":
      return field("to", "forwarding.invalidAddress");
    case "empty":
    case "vacation_days":
    case "invalid_zone":
    case "invalid_address":
      // The platform's own values (configuration, the mailbox's addresses): not something the user can fix.
      return { kind: "unexpected", cause: new Error(`Sieve generator refused the platform's own values: ${error.code}`) };
  }
}

/** What a write does about an active prefilter the platform did not write. */
type OnForeign = "refuse" | "replace" | "keep";

/**
 * An adapter error of a mail-settings call as a problem the user reads in words (never Mailcow's English): Sieve
 * refused (`sieve_error`), the script too large (HTTP 200 with an empty body), thresholds refused; anything else is
 * the mail server being unavailable.
 */
export function mailSettingsProblem(error: unknown): MailboxProblem {
  if (!isMailcowError(error)) return { kind: "unexpected", cause: error };
  if (error.kind === "rejected" && error.messageKey === "sieve_error") return field("_form", "mailSettings.scriptRefused");
  if (error.reason === "empty_answer") return field("_form", "mailSettings.scriptTooLong");
  if (error.kind === "rejected" && error.messageKey === "spam_score_invalid") return field("_form", "mailSettings.spamRefused");
  return { kind: "mailcow_unavailable", cause: error };
}

/** Today's date (UTC) as YYYY-MM-DD. */
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * "Out-of-office is on, until …" from the platform's table alone (no Mailcow call), for mailbox.info: null when it is
 * off or its last day (the server's UTC date) has passed.
 */
export function createVacationSummary(db: Db, now: () => number) {
  const select = db.prepare<[string], { address: string; vacation: string | null }>("SELECT address, vacation FROM mail_filter_settings WHERE user_id = ?");
  return (userId: string, address: string): { until: string | null } | null => {
    const row = select.get(userId);
    if (!row?.vacation || row.address !== address) return null;
    const { until } = JSON.parse(row.vacation) as StoredVacation;
    if (until !== null && until < isoDay(now())) return null;
    return { until };
  };
}
export type VacationSummary = ReturnType<typeof createVacationSummary>;

export function createMailSettingsService(deps: MailSettingsDeps) {
  const { db, config, mailcow, mailboxes, now } = deps;
  const log = deps.logger.child({ component: "mail-settings" });

  const selectRow = db.prepare<[string], SettingsRow>("SELECT address, forwarding, vacation FROM mail_filter_settings WHERE user_id = ?");
  const upsertRow = db.prepare(
    `INSERT INTO mail_filter_settings (user_id, address, forwarding, vacation, updated_at) VALUES (@userId, @address, @forwarding, @vacation, @at)
     ON CONFLICT (user_id) DO UPDATE SET address = excluded.address, forwarding = excluded.forwarding, vacation = excluded.vacation, updated_at = excluded.updated_at`,
  );
  const deleteRow = db.prepare("DELETE FROM mail_filter_settings WHERE user_id = ?");

  /** The settings for this mailbox address (a row kept for another address of the user counts as nothing). */
  function stored(userId: string, address: string): Stored {
    const row = selectRow.get(userId);
    if (!row || row.address !== address) return { forwarding: null, vacation: null };
    return {
      forwarding: row.forwarding ? (JSON.parse(row.forwarding) as StoredForwarding) : null,
      vacation: row.vacation ? (JSON.parse(row.vacation) as StoredVacation) : null,
    };
  }

  function save(userId: string, address: string, next: Stored) {
    if (!next.forwarding && !next.vacation) deleteRow.run(userId);
    else {
      upsertRow.run({
        userId,
        address,
        forwarding: next.forwarding ? JSON.stringify(next.forwarding) : null,
        vacation: next.vacation ? JSON.stringify(next.vacation) : null,
        at: now(),
      });
    }
  }

  function mailcowProblem(error: unknown): MailboxProblem {
    const problem = mailSettingsProblem(error);
    if (problem.kind === "mailcow_unavailable" && isMailcowError(error)) {
      log.warn({ kind: error.kind, reason: error.reason, messageKey: error.messageKey }, "Mailcow refused or failed a mail-settings call");
    }
    return problem;
  }

  /** Runs a Mailcow step; a thrown adapter error becomes a problem. */
  async function step<T>(call: () => Promise<T>): Promise<Result<T>> {
    try {
      return ok(await call());
    } catch (error) {
      return fail(mailcowProblem(error));
    }
  }

  async function prefilters(address: string): Promise<Result<MailcowFilter[]>> {
    return step(async () => (await mailcow.listFilters(address)).filter((filter) => filter.type === "prefilter"));
  }

  /** The active prefilter the platform did not write, if any. */
  function foreignOf(filters: MailcowFilter[]): { description: string } | null {
    const foreign = filters.find((filter) => filter.active && !isPlatformFilter(filter.description));
    return foreign ? { description: foreign.description } : null;
  }

  /** Addresses that deliver to this mailbox: aliases of its domain whose targets include it. */
  async function ownAliases(address: string): Promise<Result<string[]>> {
    const domain = address.slice(address.lastIndexOf("@") + 1);
    return step(async () => (await mailcow.listDomainAliases(domain)).filter((alias) => alias.goto.includes(address)).map((alias) => alias.address));
  }

  function policy(address: string, aliases: string[]): ForwardingPolicy {
    return {
      mailbox: address,
      aliases,
      companyDomain: deps.mailDomain,
      maxTargets: config.FORWARDING_MAX_TARGETS,
      external: config.FORWARDING_EXTERNAL,
      allowedDomains: config.FORWARDING_ALLOWED_DOMAINS,
    };
  }

  /**
   * Writes what `next` says to Mailcow: the platform's prefilter rewritten, added, or (both off) deleted; then stores
   * `next`. A foreign active prefilter stops the write unless `replaceForeign`.
   */
  async function apply(owned: OwnedMailbox, userId: string, next: Stored, onForeign: OnForeign, aliases: string[]): Promise<Result<void>> {
    const { address } = owned;
    const filters = await prefilters(address);
    if (!filters.ok) return filters;
    const ours = filters.value.filter((filter) => isPlatformFilter(filter.description));

    if (!next.forwarding && !next.vacation) {
      if (ours.length > 0) {
        const removed = await step(() => mailcow.deleteFilters(address, ours.map((filter) => filter.id)));
        if (!removed.ok) return removed;
      }
      save(userId, address, next);
      return ok(undefined);
    }

    const built = buildPlatformScript({
      ...(next.forwarding ? { forwarding: next.forwarding } : {}),
      ...(next.vacation
        ? {
            vacation: {
              subject: next.vacation.subject,
              message: next.vacation.message,
              ...(next.vacation.from ? { from: next.vacation.from } : {}),
              ...(next.vacation.until ? { until: next.vacation.until } : {}),
              days: config.VACATION_DAYS,
              addresses: [address, ...aliases],
              replyFrom: address,
            },
          }
        : {}),
    });
    if ("error" in built) return fail(buildProblem(built.error));

    const foreign = foreignOf(filters.value);
    if (foreign && onForeign === "refuse") {
      return fail(field("replaceForeign", "mailSettings.foreignFilter", { description: foreign.description || "—" }, "conflict"));
    }
    // Turning one part off never turns the user's own filter off: the rest of ours is kept, inactive, for later.
    const active = !(foreign && onForeign === "keep");

    const [current, ...extra] = ours;
    const written = await step(async () => {
      if (current) {
        const edited = await mailcow.editFilter(address, current.id, { script: built.script, description: PLATFORM_FILTER_DESC, active });
        if (!edited) throw new Error("the platform's filter vanished between listing and editing it");
      } else {
        await mailcow.addFilter({ mailbox: address, type: "prefilter", description: PLATFORM_FILTER_DESC, script: built.script, active });
      }
      // A second platform filter (an interrupted earlier write): only one may stay.
      if (extra.length > 0) await mailcow.deleteFilters(address, extra.map((filter) => filter.id));
    });
    if (!written.ok) return written;
    if (foreign && active) log.info({ userId }, "the user replaced an active prefilter made outside the platform");
    save(userId, address, next);
    return ok(undefined);
  }

  function forwardingState(owned: OwnedMailbox, settings: Stored, foreign: { description: string } | null): ForwardingState {
    return {
      enabled: settings.forwarding !== null,
      to: settings.forwarding?.to ?? [],
      keepCopy: settings.forwarding?.keepCopy ?? true,
      foreignFilter: foreign,
      policy: {
        external: config.FORWARDING_EXTERNAL,
        allowedDomains: [...config.FORWARDING_ALLOWED_DOMAINS],
        companyDomain: deps.mailDomain,
        maxTargets: config.FORWARDING_MAX_TARGETS,
      },
    };
  }

  function vacationState(settings: Stored, foreign: { description: string } | null): VacationState {
    const v = settings.vacation;
    return {
      enabled: v !== null,
      subject: v?.subject ?? "",
      message: v?.message ?? "",
      from: v?.from ?? null,
      until: v?.until ?? null,
      days: config.VACATION_DAYS,
      foreignFilter: foreign,
    };
  }

  /** Reads the stored settings and Mailcow's prefilters, then answers with `view`. */
  function read<T>(userId: string, view: (owned: OwnedMailbox, settings: Stored, foreign: { description: string } | null) => T): Promise<Result<T>> {
    return mailboxes.withOwnedMailbox(userId, async (owned) => {
      const filters = await prefilters(owned.address);
      if (!filters.ok) return filters;
      return ok(view(owned, stored(userId, owned.address), foreignOf(filters.value)));
    });
  }

  /** Changes one part of the settings (the other part is kept as stored) and writes the script. */
  function change<T>(
    userId: string,
    onForeign: OnForeign,
    next: (owned: OwnedMailbox, current: Stored, aliases: string[]) => Result<Stored>,
    view: (owned: OwnedMailbox, settings: Stored) => T,
  ): Promise<Result<T>> {
    return mailboxes.withOwnedMailbox(userId, async (owned) => {
      const aliases = await ownAliases(owned.address);
      if (!aliases.ok) return aliases;
      const wanted = next(owned, stored(userId, owned.address), aliases.value);
      if (!wanted.ok) return wanted;
      const applied = await apply(owned, userId, wanted.value, onForeign, aliases.value);
      return applied.ok ? ok(view(owned, wanted.value)) : applied;
    });
  }

  function spamLevelOf(score: { low: number; high: number }): SpamLevel {
    const same = (a: { low: number; high: number }) => a.low === score.low && a.high === score.high;
    if (same(SPAM_PRESETS.relaxed)) return "relaxed";
    if (same(SPAM_PRESETS.strict)) return "strict";
    if (same(MAILCOW_DEFAULT_SPAM)) return "default";
    return "custom";
  }

  async function readSpam(address: string): Promise<Result<SpamLevelState>> {
    const score = await step(() => mailcow.getSpamScore(address));
    if (!score.ok) return score;
    const value = score.value ?? MAILCOW_DEFAULT_SPAM;
    return ok({ level: spamLevelOf(value), low: value.low, high: value.high });
  }

  return {
    forwardingGet(userId: string): Promise<Result<ForwardingState>> {
      return read(userId, forwardingState);
    },

    forwardingSet(userId: string, input: { to: string[]; keepCopy: boolean; replaceForeign?: boolean | undefined }): Promise<Result<ForwardingState>> {
      return change(
        userId,
        input.replaceForeign === true ? "replace" : "refuse",
        (owned, current, aliases) => {
          const checked = checkForwardingTargets(input.to, policy(owned.address, aliases));
          if (!checked.ok) {
            if (checked.code !== "targets") {
              return fail(checked.code === "no_targets" ? field("to", "forwarding.noTargets") : field("to", "forwarding.tooMany", { max: checked.max }));
            }
            const [first] = checked.problems;
            const code = TARGET_CODES[first!.code];
            if (first!.code === "external_not_allowed" && config.FORWARDING_ALLOWED_DOMAINS.length > 0) {
              const domain = first!.address.trim().toLowerCase().split("@").pop() ?? "";
              const allowed = [deps.mailDomain, ...config.FORWARDING_ALLOWED_DOMAINS].join(", ");
              return fail(field(`to.${first!.index}`, "forwarding.domainDenied", { domain, allowed }));
            }
            return fail(field(`to.${first!.index}`, code));
          }
          return ok({ ...current, forwarding: { to: checked.targets, keepCopy: input.keepCopy } });
        },
        (owned, settings) => forwardingState(owned, settings, null),
      );
    },

    forwardingDisable(userId: string): Promise<Result<ForwardingState>> {
      return change(userId, "keep", (_owned, current) => ok({ ...current, forwarding: null }), (owned, settings) => forwardingState(owned, settings, null));
    },

    vacationGet(userId: string): Promise<Result<VacationState>> {
      return read(userId, (_owned, settings, foreign) => vacationState(settings, foreign));
    },

    vacationSet(
      userId: string,
      input: { subject: string; message: string; from?: string | undefined; until?: string | undefined; replaceForeign?: boolean | undefined },
    ): Promise<Result<VacationState>> {
      return change(
        userId,
        input.replaceForeign === true ? "replace" : "refuse",
        (_owned, current) => {
          if (input.until !== undefined && input.until < isoDay(now())) return fail(field("until", "vacation.untilPast"));
          return ok({
            ...current,
            vacation: { subject: input.subject, message: input.message, from: input.from ?? null, until: input.until ?? null },
          });
        },
        (_owned, settings) => vacationState(settings, null),
      );
    },

    vacationDisable(userId: string): Promise<Result<VacationState>> {
      return change(userId, "keep", (_owned, current) => ok({ ...current, vacation: null }), (_owned, settings) => vacationState(settings, null));
    },

    spamLevelGet(userId: string): Promise<Result<SpamLevelState>> {
      return mailboxes.withOwnedMailbox(userId, (owned) => readSpam(owned.address));
    },

    spamLevelSet(userId: string, input: { level: "relaxed" | "default" | "strict" } | { low: number; high: number }): Promise<Result<SpamLevelState>> {
      return mailboxes.withOwnedMailbox(userId, async (owned) => {
        const value = "level" in input ? (input.level === "default" ? "default" : SPAM_PRESETS[input.level]) : { low: input.low, high: input.high };
        const written = await step(() => mailcow.setSpamScore(owned.address, value));
        if (!written.ok) return written;
        return readSpam(owned.address);
      });
    },
  };
}

export type MailSettingsService = ReturnType<typeof createMailSettingsService>;
