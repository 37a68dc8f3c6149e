// Builds what the Mail page is told (mailbox.info) from the stored row and Mailcow's live figures.
import { mailboxReasonText } from "../../shared/i18n/mailbox";
import type { Locale } from "../../shared/i18n/validation";
import type { MailboxInfo, MailboxLive, MailboxReason, MailboxState, QuotaAlert } from "../../shared/schemas/mailbox";
import type { MailcowMailbox } from "../mailcow";
import type { MailboxRow } from "../provisioning/store";
import { clientSettings, type MailEndpoints } from "./client-settings";

const iso = (value: Date | number | null | undefined) =>
  value === null || value === undefined ? null : new Date(value).toISOString();

export function toLive(mailbox: MailcowMailbox): MailboxLive {
  return {
    active: mailbox.isActive,
    quotaBytes: mailbox.quotaBytes,
    usedBytes: mailbox.quotaUsedBytes,
    percentUsed: mailbox.quotaBytes === 0 ? null : (mailbox.percentInUse ?? Math.round((mailbox.quotaUsedBytes / mailbox.quotaBytes) * 100)),
    messages: mailbox.messages,
    forcePasswordChange: mailbox.forcePasswordUpdate,
    lastImapLogin: iso(mailbox.lastImapLogin),
    lastSmtpLogin: iso(mailbox.lastSmtpLogin),
    lastWebmailLogin: iso(mailbox.lastSsoLogin),
    name: mailbox.name,
  };
}

/** What Mailcow said about the mailbox just now: nothing asked (not active), unavailable, or our mailbox. */
export type LiveView = { kind: "not_asked" } | { kind: "unavailable" } | { kind: "owned"; mailbox: MailcowMailbox; quotaAlert: QuotaAlert };

export interface ViewContext {
  endpoints: MailEndpoints;
  demo: boolean;
  locale: Locale;
  /** The mail server as a whole: "unavailable" while Mailcow calls are paused after it refused the platform's key. */
  mailServer: "ok" | "unavailable";
  /** Demo with the mailstack: which of its services run; null otherwise. */
  demoMailstack: { imap: boolean; lmtp: boolean; smtp: boolean } | null;
}

/** The Mail page's view of a mailbox: the stored row, plus the live figures of an active mailbox we own. */
export function mailboxView(row: MailboxRow | null, address: string, live: LiveView, { endpoints, demo, locale, mailServer, demoMailstack }: ViewContext): MailboxInfo {
  let state: MailboxState = row?.state ?? "none";
  let reason: MailboxReason | null = row?.reason ?? (row ? null : "password_missing");
  let figures: MailboxLive | null = null;
  if (live.kind === "owned") {
    figures = toLive(live.mailbox);
    // "disabled" is derived, never stored: an administrator may switch the mailbox on again in Mailcow.
    if (!live.mailbox.isActive) {
      state = "disabled";
      reason = "disabled_in_mailcow";
    }
  }
  return {
    state,
    reason,
    reasonText: reason ? mailboxReasonText(reason, locale) : null,
    address,
    live: figures,
    liveUnavailable: live.kind === "unavailable",
    quotaAlert: live.kind === "owned" && live.mailbox.isActive ? live.quotaAlert : null,
    nextAttemptAt: row && (row.state === "pending" || row.state === "provisioning") ? iso(row.next_attempt_at) : null,
    attempts: row?.attempts ?? 0,
    deleteAfter: row?.state === "deleting" ? iso(row.delete_after) : null,
    settings: clientSettings(endpoints, address),
    demo,
    mailServer,
    demoMailstack,
  };
}
