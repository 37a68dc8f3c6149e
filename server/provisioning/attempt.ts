// One attempt at one mailbox against Mailcow: look the address up, create, read back, or (for a deleted account)
// disable and delete. It decides the row's next state and never writes it: the worker does, under its lease.
// - before every add the address is looked up: ours (tagged for this user) → adopt, someone else's → conflict,
//   so a crash between Mailcow's success and our commit never creates a second mailbox;
// - the password is kept sealed only while creation may still be retried (transient failures, or a full domain
//   that the worker re-checks), and wiped otherwise.
import type { Logger } from "pino";
import type { MailboxReason } from "../../shared/schemas/mailbox";
import { isMailcowError, isOwnedBy, ownerTag, PLATFORM_TAG, type MailcowClient } from "../mailcow";
import type { Sealer } from "./seal";
import { ROOM_REASONS, type MailboxRow, type Outcome, type StoredState } from "./store";

export interface AttemptSettings {
  domain: string;
  quotaMiB: number;
  forcePwUpdate: boolean;
  tlsEnforceIn: boolean;
  tlsEnforceOut: boolean;
  retryBaseMs: number;
  retryMaxMs: number;
  retryWindowMs: number;
  /** How long a mailbox that failed for want of room waits before the worker looks at the domain again. */
  roomCheckMs: number;
}

// The platform and owner tags, compared exactly (Mailcow's `?tags=` is a substring LIKE): one definition, beside the adapter.
export { isOwnedBy, ownerTag, PLATFORM_TAG } from "../mailcow";

/** Exponential backoff with jitter: half fixed, half random, capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Maps a failed attempt to the next state: transient errors retry, permanent refusals need a person (or room). */
export function classify(error: unknown): { retry: boolean; reason: MailboxReason } {
  if (!isMailcowError(error)) return { retry: true, reason: "unexpected" };
  switch (error.kind) {
    case "unreachable":
      return { retry: true, reason: "mailcow_unreachable" };
    case "server_error":
    case "bad_response":
      return { retry: true, reason: "mailcow_error" };
    case "unauthorized":
      // Our key, not the user: an administrator fixes it and the job then converges by itself.
      return { retry: true, reason: "mailcow_auth" };
    case "rejected":
      if (error.retryable) return { retry: true, reason: "mailcow_busy" };
      switch (error.messageKey) {
        case "password_complexity":
        case "password_mismatch":
          return { retry: false, reason: "password_policy" };
        case "max_mailbox_exceeded":
          return { retry: false, reason: "domain_full" };
        case "mailbox_quota_exceeded":
        case "mailbox_quota_left_exceeded":
          return { retry: false, reason: "quota_exceeded" };
        case "object_exists":
        case "is_alias":
        case "is_spam_alias":
          return { retry: false, reason: "address_taken" };
        default:
          return { retry: false, reason: "mail_config" };
      }
  }
}

/** "removed": the mailbox is gone from Mailcow and the account may go too. */
export type AttemptResult = Outcome | "removed";

export interface AttemptDeps {
  mailcow: MailcowClient;
  sealer: Sealer;
  logger: Logger;
  settings: AttemptSettings;
  now: () => number;
}

export function createAttempt({ mailcow, sealer, logger: log, settings, now }: AttemptDeps) {
  const retryOutcome = (row: MailboxRow, reason: MailboxReason): Outcome => {
    const attempts = row.attempts + 1;
    return {
      state: row.state === "deleting" ? "deleting" : "pending",
      reason: row.state === "deleting" ? "account_deleted" : reason,
      keepPassword: true,
      attempts,
      nextAttemptAt: now() + backoffMs(attempts, settings.retryBaseMs, settings.retryMaxMs),
    };
  };
  const settled = (state: StoredState, reason: MailboxReason | null, extra: Partial<Outcome> = {}): Outcome => ({
    state,
    reason,
    keepPassword: false,
    attempts: 0,
    nextAttemptAt: null,
    ...extra,
  });
  /** A refusal for want of room keeps the password: the worker looks at the domain again after roomCheckMs. */
  const refused = (reason: MailboxReason): Outcome =>
    (ROOM_REASONS as readonly MailboxReason[]).includes(reason)
      ? settled("failed", reason, { keepPassword: true, nextAttemptAt: now() + settings.roomCheckMs })
      : settled("failed", reason);

  /** Looks the address up: adopt our own mailbox, refuse anybody else's mailbox or alias. */
  async function lookUp(row: MailboxRow): Promise<Outcome | null> {
    const existing = await mailcow.getMailbox(row.address);
    if (existing) {
      if (isOwnedBy(existing, row.user_id)) return settled("active", null, { provisionedAt: now() });
      log.warn({ userId: row.user_id, address: row.address }, "address is held by a mailbox this platform did not create");
      return settled("conflict", "address_taken");
    }
    if (await mailcow.getAlias(row.address)) {
      log.warn({ userId: row.user_id, address: row.address }, "address is held by an alias");
      return settled("conflict", "address_taken");
    }
    return null;
  }

  async function create(row: MailboxRow): Promise<Outcome> {
    const password = row.sealed_password ? sealer.open(row.sealed_password, row.user_id) : null;
    if (!password) return settled("needs_password", "password_missing");
    if (row.password_sealed_at !== null && now() - row.password_sealed_at > settings.retryWindowMs) {
      return settled("needs_password", "retry_window_passed");
    }
    const found = await lookUp(row);
    if (found) return found;
    const [localPart = "", domain = settings.domain] = row.address.split("@");
    try {
      await mailcow.addMailbox({
        localPart,
        domain,
        name: localPart,
        quotaMiB: row.quota_mib ?? settings.quotaMiB,
        password,
        active: true,
        forcePwUpdate: settings.forcePwUpdate,
        tlsEnforceIn: settings.tlsEnforceIn,
        tlsEnforceOut: settings.tlsEnforceOut,
        tags: [PLATFORM_TAG, ownerTag(row.user_id)],
      });
    } catch (error) {
      // Someone (or a lost earlier attempt of ours) took the address between look-up and add: look again.
      if (isMailcowError(error) && ["object_exists", "is_alias", "is_spam_alias"].includes(error.messageKey ?? "")) {
        return (await lookUp(row)) ?? retryOutcome(row, "mailcow_error");
      }
      throw error;
    }
    // Created only when Mailcow said so AND a read-back agrees.
    const back = await mailcow.getMailbox(row.address);
    if (back && isOwnedBy(back, row.user_id)) return settled("active", null, { provisionedAt: now() });
    log.error({ userId: row.user_id }, "Mailcow reported the mailbox created but the read-back does not show it");
    return retryOutcome(row, "mailcow_error");
  }

  /** During the grace period: disable our mailbox (if any); after it: delete it. */
  async function deletionStep(row: MailboxRow): Promise<AttemptResult> {
    const existing = await mailcow.getMailbox(row.address);
    const ours = existing && isOwnedBy(existing, row.user_id) ? existing : null;
    if (row.delete_after !== null && now() < row.delete_after) {
      if (ours && ours.active !== 0) await mailcow.editMailbox(row.address, { active: false });
      return { ...settled("deleting", "account_deleted"), nextAttemptAt: row.delete_after };
    }
    if (ours) await mailcow.deleteMailboxes([row.address]);
    return "removed";
  }

  /** One attempt; never throws: every failure is an outcome. */
  return async function attempt(row: MailboxRow): Promise<AttemptResult> {
    try {
      return row.state === "deleting" ? await deletionStep(row) : await create(row);
    } catch (error) {
      const { retry, reason } = classify(error);
      if (!isMailcowError(error)) log.error({ err: error, userId: row.user_id }, "provisioning attempt failed unexpectedly");
      else log.warn({ userId: row.user_id, kind: error.kind, messageKey: error.messageKey, reason }, "provisioning attempt failed");
      return retry || row.state === "deleting" ? retryOutcome(row, reason) : refused(reason);
    }
  };
}
export type Attempt = ReturnType<typeof createAttempt>;
