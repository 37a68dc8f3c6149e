import type { Logger } from "pino";
import { createImportService } from "./admin/import";
import { createReconciler } from "./admin/reconcile";
import { createAlertNotifier } from "./alerts/webhook";
import { createQuotaWatch } from "./stats/quota";
import { createSnapshots } from "./stats/snapshots";
import { createStatsQueries } from "./stats/queries";
import { createAuditLog } from "./audit/audit-log";
import { createAccounts } from "./auth/accounts";
import { createSessionStore } from "./auth/lucia";
import { createLimits } from "./auth/rate-limit";
import { createTotpStore } from "./auth/totp";
import { openDatabase } from "./db/open-database";
import type { AppConfig } from "./env";
import { mailEndpoints } from "./mailbox/client-settings";
import type { DemoMode } from "./mailbox/demo";
import { createLiveCache } from "./mailbox/live-cache";
import { createLoginBudget } from "./mailbox/login-budget";
import { createPolicyCache } from "./mailbox/password-policy";
import { createMailSettingsService, createVacationSummary } from "./mail-features/filters-service";
import { createMailboxService } from "./mailbox/service";
import { createPlatformInbox, type PlatformInbox } from "./inbox/platform";
import { createMailcowClient } from "./mailcow";
import { createProvisioner } from "./provisioning/worker";
import { createSealer, loadSealingKey } from "./provisioning/seal";
import type { Services } from "./services";

export const DEMO_DOMAIN = "example.test";

export interface MailcowConnection {
  baseUrl: string;
  apiKey: string;
}

export function createServices(
  config: AppConfig,
  logger: Logger,
  { mailcow: connection, now = Date.now, demoMode }: { mailcow: MailcowConnection; now?: () => number; demoMode?: DemoMode },
): Services {
  const db = openDatabase(config.DATABASE_PATH);
  const mailDomain = config.MAILCOW_DOMAIN ?? DEMO_DOMAIN;
  // Without ALERT_WEBHOOK_URL nothing is sent; conditions are still recorded so switching it on replays nothing.
  const alerts = createAlertNotifier({ url: config.ALERT_WEBHOOK_URL, secret: config.ALERT_WEBHOOK_SECRET, db, logger, now });
  const quotaWatch = createQuotaWatch(alerts, { warnPercent: config.QUOTA_WARN_PERCENT, criticalPercent: config.QUOTA_CRITICAL_PERCENT });
  // One client, so one request limiter and one auth pause, for every Mailcow call of this process.
  const mailcow = createMailcowClient({
    ...connection,
    timeoutMs: config.MAILCOW_TIMEOUT_MS,
    maxConcurrency: config.MAILCOW_MAX_CONCURRENCY,
    authProbeMs: config.MAILCOW_AUTH_PROBE_SECONDS * 1000,
    now,
    log: logger.child({ component: "mailcow" }),
    onBreakerChange: (state) => {
      if (state === "closed") alerts.clear("mailcow:breaker");
      if (state === "open") alerts.notifyOnce("mailcow:breaker", { kind: "mailcow_breaker_open", severity: "critical", summary: "Mailcow refuses the platform's API key: every Mailcow call is paused", details: mailcowAuthDetails() });
    },
  });
  const mailcowAuthDetails = () => {
    const status = mailcow.authStatus();
    return status.paused ? { reason: status.reason, since: new Date(status.since).toISOString(), nextProbeAt: new Date(status.nextProbeAt).toISOString() } : {};
  };
  const sealer = createSealer(loadSealingKey(config.MAILBOX_SECRET_KEY, config.DATA_DIR, config.DATABASE_PATH === ":memory:"));
  const accounts = createAccounts(db);
  // The inbox needs the mailbox service, which needs the provisioner: bound once both exist.
  let inbox: PlatformInbox | null = null;
  const provisioner = createProvisioner({
    beforeDisable: async (userId, address) => inbox?.revoke(userId, address),
    db,
    accounts,
    mailcow,
    sealer,
    logger,
    now,
    alerts,
    settings: {
      domain: mailDomain,
      quotaMiB: config.MAILBOX_QUOTA_MIB,
      forcePwUpdate: config.MAILBOX_FORCE_PW_UPDATE,
      tlsEnforceIn: config.MAILBOX_TLS_ENFORCE_IN,
      tlsEnforceOut: config.MAILBOX_TLS_ENFORCE_OUT,
      concurrency: config.PROVISIONING_CONCURRENCY,
      retryBaseMs: config.PROVISIONING_RETRY_BASE_SECONDS * 1000,
      retryMaxMs: config.PROVISIONING_RETRY_MAX_SECONDS * 1000,
      retryWindowMs: config.PROVISIONING_RETRY_WINDOW_HOURS * 3_600_000,
      roomCheckMs: config.PROVISIONING_ROOM_CHECK_MINUTES * 60_000,
      pollMs: config.PROVISIONING_POLL_MS,
      // One attempt makes up to four Mailcow calls (look-up, alias look-up, add, read-back), each with retries.
      leaseMs: Math.max(60_000, config.MAILCOW_TIMEOUT_MS * 12),
    },
  });
  const limits = createLimits({
    loginPoints: config.LOGIN_RATE_LIMIT_POINTS,
    loginWindowSeconds: config.LOGIN_RATE_LIMIT_WINDOW_SECONDS,
    loginIpPoints: config.LOGIN_IP_RATE_LIMIT_POINTS,
    loginAccountPoints: config.LOGIN_ACCOUNT_RATE_LIMIT_POINTS,
    loginAccountWindowSeconds: config.LOGIN_ACCOUNT_RATE_LIMIT_WINDOW_SECONDS,
    knownAddressSeconds: config.LOGIN_KNOWN_ADDRESS_DAYS * 86_400,
    userActionPoints: config.USER_ACTION_RATE_LIMIT_POINTS,
    userActionWindowSeconds: config.USER_ACTION_RATE_LIMIT_WINDOW_SECONDS,
    checkLoginPerHour: config.MAIL_CHECK_RATE_LIMIT_PER_HOUR,
    mailDomain,
    hashConcurrency: config.PASSWORD_HASH_CONCURRENCY,
    hashQueueMax: config.PASSWORD_HASH_QUEUE_MAX,
    hashPerIp: config.PASSWORD_HASH_PER_IP,
    now,
  });
  const passwordPolicy = createPolicyCache(mailcow, config.MAILCOW_POLICY_CACHE_SECONDS * 1000, now);
  const liveMailboxes = createLiveCache(mailcow, config.MAILBOX_INFO_CACHE_SECONDS * 1000, now);
  const endpoints = mailEndpoints(config, mailDomain, connection.baseUrl);
  const demo = config.demo ? (demoMode ?? { checkPassword: null, mailstack: null }) : null;
  const mailLoginBudget = createLoginBudget({
    failures: config.MAIL_LOGIN_FAILURE_BUDGET,
    windowMs: config.MAIL_LOGIN_FAILURE_WINDOW_SECONDS * 1000,
    now,
    logger,
  });
  const audit = createAuditLog(db, now);
  const mailboxes = createMailboxService({ config, logger, mailDomain, mailcow, provisioner, passwordPolicy, liveMailboxes, endpoints, limits, mailLoginBudget, demoMode: demo, vacationSummary: createVacationSummary(db, now), quotaWatch, now });
  inbox = createPlatformInbox({
    config,
    defaultHost: endpoints.host,
    db,
    mailcow,
    mailboxes,
    sealer,
    loginBudget: mailLoginBudget,
    logger,
    now,
  });
  return {
    config,
    db,
    logger,
    accounts,
    audit,
    alerts,
    quotaWatch,
    stats: createStatsQueries({ db, mailcow, quotaWatch, now }),
    snapshots: createSnapshots({ db, mailcow, quotaWatch, logger, now, settings: { hour: config.STATS_SNAPSHOT_HOUR, retentionDays: config.STATS_RETENTION_DAYS } }),
    sessions: createSessionStore(db, { secureCookies: config.APP_ORIGIN?.startsWith("https://") ?? false }),
    totp: createTotpStore({ db, sealer, now }),
    limits,
    mailDomain,
    mailcow,
    provisioner,
    mailboxes,
    inbox,
    mailSettings: createMailSettingsService({ db, config, mailDomain, mailcow, mailboxes, logger, now }),
    mailLoginBudget,
    passwordPolicy,
    liveMailboxes,
    endpoints,
    now,
    demoMode: demo,
    // The import's one-time passwords are hashed with at most half the argon2 concurrency: sign-ins keep the rest.
    imports: createImportService({
      db, accounts, audit, mailcow, mailboxes, provisioner, config, mailDomain, logger, now,
      hashConcurrency: Math.max(1, Math.floor(config.PASSWORD_HASH_CONCURRENCY / 2)),
    }),
    reconciler: createReconciler({ db, accounts, audit, mailcow, store: provisioner.store, liveMailboxes, config, mailDomain, logger, now, alerts }),
  };
}
