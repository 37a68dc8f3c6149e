// The admin console's actions on people: what each would do (preview, from the platform's own records) and doing it
// (a job, one person at a time within the concurrency bound; each person re-checked, done, and audited).
// Mailcow is reached only through the mailbox service: disable, enable, quota and mailbox password act on a mailbox
// only while it carries the person's owner tag, and a `conflict` mailbox (someone else's) is never adopted — resolving
// a conflict renames the platform user to a free name and provisions a new mailbox, or leaves it with a note.
import type { ActionPreview, ActionTarget, AdminAction } from "../../shared/schemas/admin";
import { isReservedUsername } from "../../shared/schemas/auth";
import type { AccountRow } from "../auth/accounts";
import { isMailcowError } from "../mailcow";
import type { MailboxRow } from "../provisioning/store";
import type { Services } from "../services";
import { adminCore } from "./core";
import type { JobItemResult } from "./jobs";
import { matchingUserIds } from "./list";
import { temporaryPassword } from "./tokens";

export interface Actor {
  id: string;
  name: string;
  ip: string | null;
}

interface Person {
  userId: string;
  account: AccountRow | null;
  row: MailboxRow | null;
}

type Verdict = { outcome: "will"; why: null } | { outcome: "skip"; why: string };
const will: Verdict = { outcome: "will", why: null };
const skip = (why: string): Verdict => ({ outcome: "skip", why });

export type Blocked = { code: string; params: Record<string, string | number> };

const PREVIEW_ITEMS = 500;
const RETRYABLE = new Set(["pending", "provisioning", "failed", "needs_password"]);

function resolveTarget(services: Services, target: ActionTarget): string[] {
  return "userIds" in target ? [...new Set(target.userIds)] : matchingUserIds(services.db, services.mailDomain, target.filter);
}

function load(services: Services, userId: string): Person {
  return { userId, account: services.accounts.findById(userId), row: services.provisioner.store.get(userId) };
}

/** What the action would do to this person, from the platform's records (Mailcow is asked when it runs). */
function judge(action: AdminAction, person: Person, actor: Actor): Verdict {
  const { account, row } = person;
  if (!account) return skip("no_account");
  if (account.deleted_at !== null) return skip("deleted");
  switch (action.type) {
    case "retry":
      if (!row) return will; // no mailbox row: created now (an account from before provisioning)
      if (row.state === "active") return skip("already");
      if (row.state === "conflict") return skip("conflict");
      return RETRYABLE.has(row.state) ? will : skip("not_retryable");
    case "disable":
    case "enable":
    case "setQuota":
    case "resetMailboxPassword":
      if (!row) return skip("no_mailbox");
      return row.state === "active" ? will : skip("not_active");
    case "signOut":
    case "delete":
      return person.userId === actor.id ? skip("self") : will;
    case "resetPlatformPassword":
      return will;
    case "resolveConflict":
      return row?.state === "conflict" ? will : skip("not_conflict");
  }
}

/** Problems that stop the whole action before anyone is touched. */
async function blockedBy(services: Services, action: AdminAction, userIds: readonly string[]): Promise<Blocked | null> {
  if (action.type === "setQuota" && action.quotaMiB > 0) {
    try {
      const room = await services.mailcow.domainRoom(services.mailDomain);
      if (!room) return { code: "admin.domainMissing", params: { domain: services.mailDomain } };
      if (action.quotaMiB > room.maxQuotaPerMailboxMiB) return { code: "quota.aboveMailboxMax", params: { maxMiB: room.maxQuotaPerMailboxMiB } };
    } catch {
      return { code: "mailbox.mailcowUnavailable", params: {} };
    }
  }
  if (action.type === "resolveConflict" && action.resolution === "rename") {
    if (userIds.length !== 1) return { code: "admin.renameOneAtATime", params: {} };
    if (!action.newUsername) return { code: "username.required", params: {} };
    const problem = await renameProblem(services, action.newUsername);
    if (problem) return { code: problem, params: { username: action.newUsername } };
  }
  return null;
}

/** Why a platform user cannot take this name: reserved, taken on the platform, or an address that exists in Mailcow. */
async function renameProblem(services: Services, username: string): Promise<string | null> {
  if (isReservedUsername(username, services.config.RESERVED_USERNAMES)) return "username.reserved";
  if (services.accounts.findByUsername(username)) return "username.taken";
  const address = `${username}@${services.mailDomain}`;
  try {
    const [mailbox, alias] = await Promise.all([services.mailcow.getMailbox(address), services.mailcow.getAlias(address)]);
    if (mailbox || alias) return "username.takenInMail";
  } catch {
    return "mailbox.mailcowUnavailable";
  }
  return null;
}

export async function previewAction(services: Services, action: AdminAction, target: ActionTarget, actor: Actor): Promise<ActionPreview> {
  const userIds = resolveTarget(services, target);
  const skippedBy: Record<string, number> = {};
  const items: ActionPreview["items"] = [];
  let willCount = 0;
  for (const userId of userIds) {
    const person = load(services, userId);
    const verdict = judge(action, person, actor);
    if (verdict.outcome === "will") willCount += 1;
    else skippedBy[verdict.why] = (skippedBy[verdict.why] ?? 0) + 1;
    if (items.length < PREVIEW_ITEMS) items.push({ userId, username: person.account?.username ?? null, outcome: verdict.outcome, why: verdict.why });
  }
  return {
    total: userIds.length,
    will: willCount,
    skipped: userIds.length - willCount,
    skippedBy,
    items,
    blocked: await blockedBy(services, action, userIds),
  };
}

/** Starts the action as a job; a problem that stops the whole action is answered instead. */
export async function performAction(
  services: Services,
  action: AdminAction,
  target: ActionTarget,
  actor: Actor,
): Promise<{ ok: true; jobId: string; total: number } | { ok: false; blocked: Blocked }> {
  const userIds = resolveTarget(services, target);
  const blocked = await blockedBy(services, action, userIds);
  if (blocked) {
    services.audit.record({
      actorId: actor.id, actorName: actor.name, action: `admin.mailboxes.${action.type}`, result: "refused",
      detail: { code: blocked.code, people: userIds.length }, ip: actor.ip,
      ...(userIds.length === 1 ? { targetUserId: userIds[0] } : {}),
    });
    return { ok: false, blocked };
  }
  const jobId = adminCore(services).jobs.start(actor.id, action.type, userIds, async (userId) => {
    const result = await runOne(services, action, userId, actor);
    services.audit.record({
      actorId: actor.id,
      actorName: actor.name,
      action: `admin.mailboxes.${action.type}`,
      targetUserId: userId,
      target: result.username,
      result: result.result === "ok" ? "ok" : result.result === "skipped" ? "refused" : "failed",
      detail: { jobId, code: result.code, ...result.params, ...(action.type === "setQuota" ? { quotaMiB: action.quotaMiB } : {}) },
      ip: actor.ip,
    });
    return result;
  });
  return { ok: true, jobId, total: userIds.length };
}

/** Mailcow's refusals, as codes with words in ru/en (never Mailcow's raw English). */
function mailcowFailure(error: unknown): { code: string; params?: Record<string, string | number> } {
  if (isMailcowError(error) && error.kind === "rejected") {
    const first = typeof error.args[0] === "number" ? error.args[0] : Number(error.args[0]);
    switch (error.messageKey) {
      case "mailbox_quota_left_exceeded":
        return { code: "quota.domainLeft", params: { leftMiB: Number.isFinite(first) ? first : 0 } };
      case "mailbox_quota_exceeded":
        return { code: "quota.aboveMailboxMax", params: { maxMiB: Number.isFinite(first) ? first : 0 } };
      case "password_complexity":
      case "password_mismatch":
        return { code: "password.mailRejected" };
      default:
        return { code: "admin.mailcowRefused", params: { key: error.messageKey ?? "" } };
    }
  }
  return { code: "mailbox.mailcowUnavailable" };
}

async function runOne(services: Services, action: AdminAction, userId: string, actor: Actor): Promise<JobItemResult> {
  const person = load(services, userId);
  const username = person.account?.username ?? null;
  const done = (extra: Partial<JobItemResult> = {}): JobItemResult => ({ userId, username, result: "ok", code: null, ...extra });
  const skipped = (code: string): JobItemResult => ({ userId, username, result: "skipped", code });
  const failed = (code: string, params?: Record<string, string | number>): JobItemResult => ({ userId, username, result: "failed", code, params: params ?? null });

  const verdict = judge(action, person, actor);
  if (verdict.outcome === "skip") return skipped(verdict.why);
  const { provisioner, mailboxes, config } = services;
  const deadline = config.PROVISIONING_SIGNUP_DEADLINE_MS;

  /** Runs a change on the person's own (tagged) mailbox; a mailbox that is not theirs is skipped, never touched. */
  const onOwned = async (change: (address: string, active: number) => Promise<JobItemResult>): Promise<JobItemResult> => {
    const owned = await mailboxes.ownedMailbox(userId);
    if (!owned.ok) return owned.problem.kind === "not_active" ? skipped("not_active") : failed("mailbox.mailcowUnavailable");
    try {
      return await change(owned.value.address, owned.value.mailbox.active);
    } catch (error) {
      const failure = mailcowFailure(error);
      return failed(failure.code, failure.params);
    } finally {
      services.liveMailboxes.invalidate(owned.value.address);
    }
  };

  switch (action.type) {
    case "retry": {
      const row = person.row;
      // No password is known any more for failed / needs_password: a random one is set, never shown; the person sets
      // their own on the Mail page (mailbox.updatePassword) once the mailbox exists.
      if (!row) provisioner.enqueueSignup(userId, mailboxes.address(userId, username!), temporaryPassword());
      else if (row.state === "failed" || row.state === "needs_password") {
        if (!provisioner.restart(userId, row.state, temporaryPassword())) return skipped("changed");
      } else provisioner.store.makeDue(userId, services.now());
      const after = await provisioner.runNow(userId, deadline);
      return done({ code: `state.${after?.state ?? "provisioning"}`, params: { state: after?.state ?? "provisioning", reason: after?.reason ?? "" } });
    }
    case "disable":
    case "enable": {
      const want = action.type === "enable" ? 1 : 0;
      return onOwned(async (address, active) => {
        if (active === want) return skipped("already");
        await services.mailcow.editMailbox(address, { active: want === 1 });
        // Disabled on purpose: the reconcile does not report it as drift.
        provisioner.store.setDeactivated(userId, want === 0, services.now());
        return done();
      });
    }
    case "setQuota":
      return onOwned(async (address) => {
        await services.mailcow.editMailbox(address, { quotaMiB: action.quotaMiB });
        // The quota the platform knows (the reconcile compares Mailcow's with it).
        provisioner.store.setQuota(userId, action.quotaMiB, services.now());
        return done({ params: { quotaMiB: action.quotaMiB } });
      });
    case "resetMailboxPassword":
      return onOwned(async (address) => {
        const password = temporaryPassword();
        await services.mailcow.editMailbox(address, { password, forcePwUpdate: true });
        return done({ secret: { temporaryPassword: password } });
      });
    case "signOut":
      await services.sessions.invalidateUserSessions(userId);
      return done();
    case "resetPlatformPassword": {
      const reset = adminCore(services).passwordResets.create(userId, actor.id);
      return done({ secret: { resetLink: reset.link }, params: { expiresAt: new Date(reset.expiresAt).toISOString() } });
    }
    case "delete": {
      services.db.transaction(() => {
        services.accounts.markDeleted(userId, services.now());
        mailboxes.startDeletion(userId, username!);
      })();
      await services.sessions.invalidateUserSessions(userId);
      await mailboxes.disableAfterDeletion(userId);
      return done({ params: { deleteAfter: new Date(services.now() + config.ACCOUNT_DELETION_GRACE_HOURS * 3_600_000).toISOString() } });
    }
    case "resolveConflict": {
      if (action.resolution === "leave") {
        services.db.prepare("UPDATE mailbox SET admin_note = ? WHERE user_id = ? AND state = 'conflict'").run(action.note ?? null, userId);
        return done({ code: "conflict.left" });
      }
      const newUsername = action.newUsername!;
      const problem = await renameProblem(services, newUsername);
      if (problem) return failed(problem, { username: newUsername });
      const address = `${newUsername}@${services.mailDomain}`;
      const renamed = services.db.transaction(() => {
        if (provisioner.store.get(userId)?.state !== "conflict") return false;
        services.db.prepare("UPDATE user SET username = ? WHERE id = ?").run(newUsername, userId);
        services.db.prepare("UPDATE mailbox SET address = ?, admin_note = ? WHERE user_id = ?").run(address, `renamed from ${username}`, userId);
        return provisioner.restart(userId, "conflict", temporaryPassword());
      });
      try {
        if (!renamed.immediate()) return skipped("changed");
      } catch (error) {
        if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") return failed("username.taken", { username: newUsername });
        throw error;
      }
      const after = await provisioner.runNow(userId, deadline);
      return { userId, username: newUsername, result: "ok", code: `state.${after?.state ?? "provisioning"}`, params: { from: username ?? "", to: newUsername } };
    }
  }
}
