import type { Logger } from "pino";
import { createAccounts } from "./auth/accounts";
import { createSessionStore } from "./auth/lucia";
import { createLimits } from "./auth/rate-limit";
import { openDatabase } from "./db/open-database";
import type { AppConfig } from "./env";
import { mailEndpoints } from "./mailbox/client-settings";
import { createLiveCache } from "./mailbox/live-cache";
import { createPolicyCache } from "./mailbox/password-policy";
import { createMailcowClient } from "./mailcow";
import { createProvisioner } from "./provisioning/provisioner";
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
  { mailcow: connection, now = Date.now }: { mailcow: MailcowConnection; now?: () => number },
): Services {
  const db = openDatabase(config.DATABASE_PATH);
  const mailDomain = config.MAILCOW_DOMAIN ?? DEMO_DOMAIN;
  const mailcow = createMailcowClient({ ...connection, timeoutMs: config.MAILCOW_TIMEOUT_MS });
  const sealer = createSealer(loadSealingKey(config.MAILBOX_SECRET_KEY, config.DATA_DIR, config.DATABASE_PATH === ":memory:"));
  const provisioner = createProvisioner({
    db,
    mailcow,
    sealer,
    logger,
    now,
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
      deletionGraceMs: config.ACCOUNT_DELETION_GRACE_HOURS * 3_600_000,
      pollMs: config.PROVISIONING_POLL_MS,
      // One attempt makes up to four Mailcow calls (look-up, alias look-up, add, read-back), each with retries.
      leaseMs: Math.max(60_000, config.MAILCOW_TIMEOUT_MS * 12),
    },
  });
  return {
    config,
    db,
    logger,
    accounts: createAccounts(db),
    sessions: createSessionStore(db, { secureCookies: config.APP_ORIGIN?.startsWith("https://") ?? false }),
    limits: createLimits({
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
    }),
    mailDomain,
    mailcow,
    provisioner,
    passwordPolicy: createPolicyCache(mailcow, config.MAILCOW_POLICY_CACHE_SECONDS * 1000, now),
    liveMailboxes: createLiveCache(mailcow, config.MAILBOX_INFO_CACHE_SECONDS * 1000, now),
    endpoints: mailEndpoints(config, mailDomain, connection.baseUrl),
    now,
  };
}
