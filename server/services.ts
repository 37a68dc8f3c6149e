// Everything a request handler may use, built once per server process (or per test).
import type { Logger } from "pino";
import type { ImportService } from "./admin/import";
import type { Reconciler } from "./admin/reconcile";
import type { AlertNotifier } from "./alerts/webhook";
import type { AuditLog } from "./audit/audit-log";
import type { Accounts } from "./auth/accounts";
import type { Limits } from "./auth/rate-limit";
import type { SessionStore } from "./auth/lucia";
import type { TotpStore } from "./auth/totp";
import type { Db } from "./db/open-database";
import type { AppConfig } from "./env";
import type { MailEndpoints } from "./mailbox/client-settings";
import type { DemoMode } from "./mailbox/demo";
import type { LiveCache } from "./mailbox/live-cache";
import type { LoginBudget } from "./mailbox/login-budget";
import type { PolicyCache } from "./mailbox/password-policy";
import type { MailSettingsService } from "./mail-features/filters-service";
import type { MailboxService } from "./mailbox/service";
import type { MailcowClient } from "./mailcow";
import type { Provisioner } from "./provisioning/worker";
import type { PlatformInbox } from "./inbox/platform";
import type { QuotaWatch } from "./stats/quota";
import type { Snapshots } from "./stats/snapshots";
import type { StatsQueries } from "./stats/queries";

export interface Services {
  config: AppConfig;
  db: Db;
  accounts: Accounts;
  /** Who did what to whom: admin actions and users' mailbox-settings changes. */
  audit: AuditLog;
  /** Operator alerts over the webhook (ALERT_WEBHOOK_URL); without one, conditions are only recorded. */
  alerts: AlertNotifier;
  /** Quota levels (QUOTA_WARN_PERCENT, QUOTA_CRITICAL_PERCENT) and their alerts, once per crossing. */
  quotaWatch: QuotaWatch;
  /** The daily usage snapshot (start/stop; tests call takeNow/runIfDue). */
  snapshots: Snapshots;
  /** What the admin statistics page reads (admin.stats.*). */
  stats: StatsQueries;
  sessions: SessionStore;
  /** Two-factor sign-in (TOTP and recovery codes). */
  totp: TotpStore;
  limits: Limits;
  logger: Logger;
  /** The domain platform addresses live in (MAILCOW_DOMAIN; example.test in demo mode). */
  mailDomain: string;
  mailcow: MailcowClient;
  /** The provisioning worker (start/stop; tests drain it). Procedures use `mailboxes`. */
  provisioner: Provisioner;
  /** Everything about a user's mailbox: the one way routers reach Mailcow for a user. */
  mailboxes: MailboxService;
  /** Reading and sending the user's mail (IMAP pool, sender, the platform's own app password per user). */
  inbox: PlatformInbox;
  /** Forwarding, out-of-office and spam level of the user's own mailbox (on top of `mailboxes`). */
  mailSettings: MailSettingsService;
  passwordPolicy: PolicyCache;
  liveMailboxes: LiveCache;
  /** Failed mail logins this server may still make (all users together), below Mailcow's fail2ban limit. */
  mailLoginBudget: LoginBudget;
  endpoints: MailEndpoints;
  now: () => number;
  /** What the demo really runs (null outside demo mode). */
  demoMode: DemoMode | null;
  /** Bulk onboarding from CSV (admin console). */
  imports: ImportService;
  /** Platform ↔ Mailcow drift reports and fixes (admin console; start/stop runs the schedule). */
  reconciler: Reconciler;
}
