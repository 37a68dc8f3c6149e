// Builds what the Mail page is told (mailbox.info) from the stored row and Mailcow's live figures.
import { mailboxReasonText } from "../../shared/i18n/mailbox";
import type { Locale } from "../../shared/i18n/validation";
import type { MailboxInfo, MailboxLive, MailboxReason, MailboxState } from "../../shared/schemas/mailbox";
import type { MailcowMailbox } from "../mailcow";
import type { MailboxRow } from "../provisioning/store";
import type { Services } from "../services";
import { clientSettings } from "./client-settings";

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

/** States whose mailbox exists in Mailcow, so live figures are worth asking for. */
const LIVE_STATES = new Set(["active", "disabled"]);

export async function mailboxInfo(services: Services, userId: string, username: string, locale: Locale): Promise<MailboxInfo> {
  const row: MailboxRow | null = services.provisioner.store.get(userId);
  const address = row?.address ?? `${username}@${services.mailDomain}`;
  let state: MailboxState = row?.state ?? "none";
  let reason: MailboxReason | null = row?.reason ?? (row ? null : "password_missing");
  let live: MailboxLive | null = null;
  let liveUnavailable = false;

  if (row && LIVE_STATES.has(row.state)) {
    const result = await services.liveMailboxes.get(address);
    if (!result.ok) liveUnavailable = true;
    else if (!result.mailbox) {
      state = "disabled";
      reason = "removed_in_mailcow";
    } else {
      live = toLive(result.mailbox);
      if (!result.mailbox.isActive) {
        state = "disabled";
        reason = "disabled_in_mailcow";
      }
    }
  }

  return {
    state,
    reason,
    reasonText: reason ? mailboxReasonText(reason, locale) : null,
    address,
    live,
    liveUnavailable,
    nextAttemptAt: row && (row.state === "pending" || row.state === "provisioning") ? iso(row.next_attempt_at) : null,
    attempts: row?.attempts ?? 0,
    deleteAfter: row?.state === "deleting" ? iso(row.delete_after) : null,
    settings: clientSettings(services.endpoints, address),
    demo: services.config.demo,
    demoMailstack: services.demoMode?.mailstack ?? null,
  };
}
