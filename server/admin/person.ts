// A person's page in the admin console: account, mailbox state and its history, live Mailcow figures (only from the
// person's own tagged mailbox), sessions, audit entries.
import type { AdminPerson } from "../../shared/schemas/admin";
import { listSessions } from "../auth/sessions-list";
import type { Services } from "../services";
import { toAuditEntry } from "./audit";
import { saveFigures } from "./list";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

interface HistoryRow {
  from_state: string | null;
  to_state: string;
  reason: string | null;
  at: number;
}

function latestLogin(dates: (Date | null)[]): number | null {
  const times = dates.filter((d): d is Date => d !== null).map((d) => d.getTime());
  return times.length ? Math.max(...times) : null;
}

export async function personPage(services: Services, userId: string): Promise<AdminPerson | null> {
  const account = services.accounts.findById(userId);
  if (!account) return null;
  const row = services.provisioner.store.get(userId);
  const note = row
    ? (services.db.prepare<[string], { admin_note: string | null }>("SELECT admin_note FROM mailbox WHERE user_id = ?").get(userId)?.admin_note ?? null)
    : null;
  const history = services.db
    .prepare<[string], HistoryRow>("SELECT from_state, to_state, reason, at FROM mailbox_state_history WHERE user_id = ? ORDER BY id DESC LIMIT 200")
    .all(userId)
    .map((h) => ({ from: h.from_state, to: h.to_state, reason: h.reason, at: iso(h.at)! }));

  let live: AdminPerson["live"] = { status: "not_active" };
  if (row?.state === "active") {
    const owned = await services.mailboxes.ownedMailbox(userId, { fresh: false });
    if (owned.ok) {
      const m = owned.value.mailbox;
      const lastLogin = latestLogin([m.lastImapLogin, m.lastSmtpLogin, m.lastPop3Login, m.lastSsoLogin]);
      live = {
        status: "ok",
        active: m.active,
        quotaBytes: m.quotaBytes,
        quotaUsedBytes: m.quotaUsedBytes,
        percentInUse: m.percentInUse,
        messages: m.messages,
        forcePasswordUpdate: m.forcePasswordUpdate,
        lastLoginAt: iso(lastLogin),
      };
      saveFigures(services.db, userId, { quotaPercent: m.percentInUse, lastLoginAt: lastLogin, at: services.now() });
    } else if (owned.problem.kind !== "not_active") live = { status: "unavailable" };
  }
  const totp = services.db.prepare<[string], { enabled_at: number | null }>("SELECT enabled_at FROM user_totp WHERE user_id = ?").get(userId);
  return {
    account: {
      id: account.id,
      username: account.username,
      displayName: account.display_name,
      email: `${account.username}@${services.mailDomain}`,
      createdAt: iso(account.created_at)!,
      deletedAt: iso(account.deleted_at),
      admin: account.role === "admin",
      totpEnabled: totp?.enabled_at != null,
    },
    mailbox: row
      ? {
          address: row.address,
          state: row.state,
          reason: row.reason,
          attempts: row.attempts,
          nextAttemptAt: iso(row.next_attempt_at),
          deleteAfter: iso(row.delete_after),
          createdAt: iso(row.created_at)!,
          updatedAt: iso(row.updated_at)!,
          provisionedAt: iso(row.provisioned_at),
          note,
        }
      : null,
    history,
    live,
    // No session of the admin's is "current" on another person's page.
    sessions: listSessions(services.db, userId, "", services.now()),
    audit: services.audit.list({ targetUserId: userId, limit: 100 }).map(toAuditEntry),
  };
}
