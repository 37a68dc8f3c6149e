// The one way into a user's mailbox, between the routers and everything else (Mailcow adapter, provisioning worker,
// caches). Every rule lives here once: the address, the ownership check before every read or change, sign-up's checks
// against Mailcow, creation and retries, the password change, "check my login". Answers are values or typed problems
// (problems.ts); the routers map problems to tRPC errors.
//
// Ownership: the platform touches a Mailcow mailbox only while it carries `platform-mail-user-<userId>` (compared
// exactly here). An active mailbox that is gone from Mailcow, or that now carries someone else's tag, becomes
// `conflict` / `removed_in_mailcow` and is never read or changed again. New mailbox features (forwarding, aliases,
// app passwords, inbox, admin) take the mailbox from `withOwnedMailbox`.
import type { Logger } from "pino";
import type { Locale } from "../../shared/i18n/validation";
import type { CheckLoginResult, ClientSettings, MailboxInfo, MailboxReason, MailboxState } from "../../shared/schemas/mailbox";
import type { Limits } from "../auth/rate-limit";
import type { AppConfig } from "../env";
import { within } from "../lib/deadline";
import { isMailcowError, type MailcowClient, type MailcowDomain, type MailcowMailbox } from "../mailcow";
import { isOwnedBy } from "../provisioning/attempt";
import type { MailboxRow } from "../provisioning/store";
import type { Provisioner } from "../provisioning/worker";
import { checkMailboxLogin } from "./check-login";
import { clientSettings, type MailEndpoints } from "./client-settings";
import { signupHeadroom } from "./headroom";
import type { LiveCache } from "./live-cache";
import type { LoginBudget } from "./login-budget";
import type { DemoMode } from "./demo";
import { mailboxPasswordProblem } from "./password-checks";
import type { PolicyCache } from "./password-policy";
import { fail, ok, type MailboxProblem, type Result } from "./problems";
import type { QuotaWatch } from "../stats/quota";
import { mailboxView, type LiveView } from "./view";

export interface MailboxServiceDeps {
  config: Pick<
    AppConfig,
    | "demo"
    | "MAILBOX_QUOTA_MIB"
    | "PROVISIONING_SIGNUP_DEADLINE_MS"
    | "PROVISIONING_ROOM_CHECK_MINUTES"
    | "SIGNUP_MIN_FREE_MAILBOXES"
    | "ACCOUNT_DELETION_GRACE_HOURS"
    | "MAIL_CHECK_TIMEOUT_MS"
    | "MAIL_TLS_CA_FILE"
  >;
  logger: Logger;
  /** The domain platform addresses live in. */
  mailDomain: string;
  mailcow: MailcowClient;
  provisioner: Provisioner;
  passwordPolicy: PolicyCache;
  liveMailboxes: LiveCache;
  endpoints: MailEndpoints;
  limits: Pick<Limits, "checkLogin">;
  mailLoginBudget: LoginBudget;
  demoMode: DemoMode | null;
  /** Out-of-office from the platform's own settings (mail-features/filters-service.ts), shown by `info`. */
  vacationSummary?: (userId: string, address: string) => { until: string | null } | null;
  /** Quota levels of the live figures, and their operator alerts (once per crossing). */
  quotaWatch: QuotaWatch;
  now: () => number;
}

/** A user's mailbox as the service hands it to an action: our row, and Mailcow's record carrying our tag. */
export interface OwnedMailbox {
  row: MailboxRow;
  address: string;
  mailbox: MailcowMailbox;
}

/** States a user may (re)create the mailbox from, with a password they give. */
const CREATABLE = new Set<MailboxState>(["needs_password", "failed", "none"]);
/** How long one look at the domain's room serves sign-ups. */
const HEADROOM_CACHE_MS = 30_000;

export function createMailboxService(deps: MailboxServiceDeps) {
  const { config, mailcow, provisioner, liveMailboxes, mailDomain, now } = deps;
  const log = deps.logger.child({ component: "mailbox" });
  const store = provisioner.store;
  const deadlineMs = config.PROVISIONING_SIGNUP_DEADLINE_MS;

  /** The user's address: the one their mailbox row holds, else the one sign-up gives (`<username>@<domain>`). */
  function address(userId: string, username: string): string {
    return store.get(userId)?.address ?? `${username}@${mailDomain}`;
  }

  /**
   * The user's active mailbox, if Mailcow still shows it with this user's tag. `fresh` asks Mailcow now (before a
   * change or a login); otherwise the short live cache answers (what the Mail page shows).
   */
  async function ownedMailbox(userId: string, { fresh = true } = {}): Promise<Result<OwnedMailbox>> {
    const row = store.get(userId);
    if (!row || row.state !== "active") return fail({ kind: "not_active" });
    if (fresh) liveMailboxes.invalidate(row.address);
    const live = await liveMailboxes.get(row.address);
    if (!live.ok) return fail(unavailable(live.error));
    if (!live.mailbox || !isOwnedBy(live.mailbox, userId)) {
      if (store.markRemoved(userId, now())) {
        log.error(
          { userId, address: row.address, exists: live.mailbox !== null },
          "the user's mailbox is gone from Mailcow or no longer carries the user's tag: it is left alone from now on",
        );
      }
      liveMailboxes.invalidate(row.address);
      return fail({ kind: "not_active" });
    }
    return ok({ row, address: row.address, mailbox: live.mailbox });
  }

  /** Runs `action` on the user's own mailbox, or answers with the problem that stopped it. */
  async function withOwnedMailbox<T>(userId: string, action: (owned: OwnedMailbox) => Promise<Result<T>>): Promise<Result<T>> {
    const owned = await ownedMailbox(userId);
    return owned.ok ? action(owned.value) : owned;
  }

  function unavailable(error: unknown): MailboxProblem {
    if (isMailcowError(error) && error.kind === "unauthorized" && error.reason !== "paused") {
      // Our API key, not the user: log it for the operator, tell the user it is temporary.
      log.error({ kind: error.kind, reason: error.reason }, "Mailcow refused the platform's API key");
    }
    return isMailcowError(error) ? { kind: "mailcow_unavailable", cause: error } : { kind: "unexpected", cause: error };
  }

  async function info(userId: string, username: string, locale: Locale): Promise<MailboxInfo> {
    const view = { endpoints: deps.endpoints, demo: config.demo, locale, mailServer: mailcow.authStatus().paused ? ("unavailable" as const) : ("ok" as const),
      demoMailstack: deps.demoMode?.mailstack ?? null,
    };
    let live: LiveView = { kind: "not_asked" };
    if (store.get(userId)?.state === "active") {
      const owned = await ownedMailbox(userId, { fresh: false });
      if (owned.ok) {
        const { mailbox } = owned.value;
        const figures = { userId, address: owned.value.address, usedBytes: mailbox.quotaUsedBytes, quotaBytes: mailbox.quotaBytes };
        const quotaAlert = mailbox.isActive ? deps.quotaWatch.observe(figures) : null;
        live = { kind: "owned", mailbox, quotaAlert };
      }
      else if (owned.problem.kind !== "not_active") live = { kind: "unavailable" };
    }
    const shown = mailboxView(store.get(userId), address(userId, username), live, view);
    return shown.state === "active" && deps.vacationSummary ? { ...shown, vacation: deps.vacationSummary(userId, shown.address) } : shown;
  }

  async function passwordProblem(field: string, password: string, username: string, wait?: number): Promise<MailboxProblem | null> {
    const problem = await mailboxPasswordProblem(deps.passwordPolicy, password, username, wait);
    return problem ? { kind: "field", field, code: problem.code, ...(problem.params ? { params: problem.params } : {}) } : null;
  }

  /**
   * True when the address already exists in Mailcow as a mailbox or an alias (this platform creates mailboxes only
   * for new accounts, so any existing one is somebody else's). Unknown (Mailcow down or slow) counts as free: the
   * worker looks again before every add and reports a conflict instead of taking the mailbox over.
   */
  function takenInMailcow(addr: string, wait: number): Promise<boolean> {
    const check = Promise.all([mailcow.getMailbox(addr), mailcow.getAlias(addr)]).then(
      ([mailbox, alias]) => mailbox !== null || alias !== null,
      (error: unknown) => {
        log.warn({ kind: isMailcowError(error) ? error.kind : "unknown" }, "sign-up: could not check the address in Mailcow");
        return false;
      },
    );
    return within(check, wait, () => false);
  }

  // The sign-up headroom guard: one look at the domain serves sign-ups for HEADROOM_CACHE_MS; the operator hears
  // about a (nearly) full domain once per PROVISIONING_ROOM_CHECK_MINUTES, not once per refused sign-up.
  let headroom: { at: number; verdict: Promise<boolean> } | null = null;
  let warnedAt = -Infinity;
  function judgeRoom(domain: MailcowDomain | null): boolean {
    if (!domain) return true; // a missing domain is a configuration problem the worker reports per mailbox
    const headroom = signupHeadroom(domain, config.MAILBOX_QUOTA_MIB, config.SIGNUP_MIN_FREE_MAILBOXES);
    if (!headroom.ok && now() - warnedAt >= config.PROVISIONING_ROOM_CHECK_MINUTES * 60_000) {
      warnedAt = now();
      log.error(
        { domain: domain.name, mailboxesLeft: domain.mailboxesLeft, minFree: config.SIGNUP_MIN_FREE_MAILBOXES, newMailboxMiB: config.MAILBOX_QUOTA_MIB },
        `sign-ups are refused: ${headroom.why}. Raise the domain's mailbox count or quota in Mailcow (or lower SIGNUP_MIN_FREE_MAILBOXES / MAILBOX_QUOTA_MIB)`,
      );
    }
    return headroom.ok;
  }
  function hasHeadroom(wait: number): Promise<boolean> {
    if (config.SIGNUP_MIN_FREE_MAILBOXES === 0) return Promise.resolve(true);
    if (!headroom || now() - headroom.at >= HEADROOM_CACHE_MS) {
      // Mailcow unreachable: sign-up goes on, the worker deals with the mailbox.
      headroom = { at: now(), verdict: mailcow.getDomain(mailDomain).then(judgeRoom, () => true) };
    }
    return within(headroom.verdict, wait, () => true);
  }

  return {
    address,
    ownedMailbox,
    withOwnedMailbox,
    info,

    settings(userId: string, username: string): ClientSettings {
      return clientSettings(deps.endpoints, address(userId, username));
    },

    /**
     * Sign-up's checks against Mailcow, within half the sign-up deadline: the domain has room, the name is free in
     * Mailcow (refusing existing addresses stops a newcomer from taking over, say, the director's mailbox by signing
     * up with its name), the password passes Mailcow's policy. Null when sign-up may go on.
     */
    async signUpProblem(username: string, password: string): Promise<MailboxProblem | null> {
      const wait = deadlineMs / 2;
      const [room, taken, weak] = await Promise.all([
        hasHeadroom(wait),
        takenInMailcow(`${username}@${mailDomain}`, wait),
        passwordProblem("password", password, username, wait),
      ]);
      if (!room) return { kind: "field", field: "username", code: "mailbox.noRoom", status: "unavailable" };
      if (taken) return { kind: "field", field: "username", code: "username.takenInMail", status: "conflict" };
      return weak;
    },

    /** Inside the sign-up transaction: the mailbox job is part of the account. The worker leaves it alone until `firstAttemptAt`. */
    enqueueSignup(userId: string, username: string, password: string, firstAttemptAt: number) {
      provisioner.enqueueSignup(userId, `${username}@${mailDomain}`, password, firstAttemptAt);
    },

    /**
     * An account made by a bulk import: its mailbox job goes to the same worker (and Mailcow limiter) as a sign-up's,
     * due now, with the row's quota (null: MAILBOX_QUOTA_MIB). Call inside the transaction that creates the account.
     */
    enqueueImport(userId: string, username: string, password: string, quotaMiB: number | null) {
      provisioner.enqueueSignup(userId, `${username}@${mailDomain}`, password, now(), quotaMiB);
    },

    /** Sign-up's first attempt, within what is left of the deadline; whatever happens, the row says why. */
    async provisionAfterSignUp(userId: string, startedAt: number): Promise<{ state: MailboxState; reason: MailboxReason | null }> {
      const row = await provisioner.runNow(userId, Math.max(0, deadlineMs - (now() - startedAt)));
      return { state: row?.state ?? "provisioning", reason: row?.reason ?? null };
    },

    /** Creates the mailbox (or tries again) with a password the user gives: for needs_password, failed or none. */
    async create(userId: string, username: string, password: string, locale: Locale): Promise<Result<MailboxInfo>> {
      const current = await info(userId, username, locale);
      if (current.state === "active" || current.state === "provisioning") return ok(current);
      if (current.state === "pending") {
        await provisioner.runNow(userId, deadlineMs);
      } else if (!CREATABLE.has(current.state)) {
        return fail({ kind: "not_creatable", reasonText: current.reasonText ?? current.state });
      } else {
        const weak = await passwordProblem("password", password, username);
        if (weak) return fail(weak);
        const restarted =
          current.state === "none"
            ? (provisioner.enqueueSignup(userId, current.address, password), true)
            : provisioner.restart(userId, current.state === "failed" ? "failed" : "needs_password", password);
        if (restarted) await provisioner.runNow(userId, deadlineMs);
      }
      liveMailboxes.invalidate(current.address);
      return ok(await info(userId, username, locale));
    },

    /** "Retry now" for a pending mailbox. */
    async retry(userId: string, username: string, locale: Locale): Promise<MailboxInfo> {
      if (store.get(userId)?.state === "pending") await provisioner.runNow(userId, deadlineMs);
      return info(userId, username, locale);
    },

    /** Changes the mailbox password only (not the account's), and clears Mailcow's forced change. */
    async updatePassword(userId: string, username: string, newPassword: string, locale: Locale): Promise<Result<MailboxInfo>> {
      const changed = await withOwnedMailbox(userId, async ({ address: addr }) => {
        const weak = await passwordProblem("newPassword", newPassword, username);
        if (weak) return fail(weak);
        try {
          await mailcow.editMailbox(addr, { password: newPassword, forcePwUpdate: false });
        } catch (error) {
          if (isMailcowError(error) && error.kind === "rejected" && ["password_complexity", "password_mismatch"].includes(error.messageKey ?? "")) {
            return fail({ kind: "field", field: "newPassword", code: "password.mailRejected" });
          }
          return fail(unavailable(error));
        } finally {
          liveMailboxes.invalidate(addr);
        }
        log.info({ userId }, "mailbox password changed");
        return ok(undefined);
      });
      return changed.ok ? ok(await info(userId, username, locale)) : changed;
    },

    /** "Check my login": an IMAP login as the user's own active mailbox (never someone else's). */
    async checkLogin(userId: string, password: string): Promise<Result<CheckLoginResult>> {
      return withOwnedMailbox(userId, async ({ address: addr }) => ok(await checkMailboxLogin(deps, userId, addr, password)));
    },

    /** Inside the deletion transaction: the row becomes a deletion job (disable now, delete after the grace period). */
    startDeletion(userId: string, username: string) {
      store.startDeletion(userId, address(userId, username), now(), now() + config.ACCOUNT_DELETION_GRACE_HOURS * 3_600_000);
    },

    /** Disables the deleted account's mailbox now (best effort within the deadline; the worker retries otherwise). */
    async disableAfterDeletion(userId: string) {
      await provisioner.runNow(userId, deadlineMs);
    },
  };
}
export type MailboxService = ReturnType<typeof createMailboxService>;
