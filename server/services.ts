// Everything a request handler may use, built once per server process (or per test).
import type { Logger } from "pino";
import type { Accounts } from "./auth/accounts";
import type { Limits } from "./auth/rate-limit";
import type { SessionStore } from "./auth/lucia";
import type { TotpStore } from "./auth/totp";
import type { Db } from "./db/open-database";
import type { AppConfig } from "./env";
import type { MailEndpoints } from "./mailbox/client-settings";
import type { DemoMode } from "./mailbox/demo";
import type { LiveCache } from "./mailbox/live-cache";
import type { PolicyCache } from "./mailbox/password-policy";
import type { MailcowClient } from "./mailcow";
import type { Provisioner } from "./provisioning/provisioner";

export interface Services {
  config: AppConfig;
  db: Db;
  accounts: Accounts;
  sessions: SessionStore;
  /** Two-factor sign-in (TOTP and recovery codes). */
  totp: TotpStore;
  limits: Limits;
  logger: Logger;
  /** The domain platform addresses live in (MAILCOW_DOMAIN; example.test in demo mode). */
  mailDomain: string;
  mailcow: MailcowClient;
  provisioner: Provisioner;
  passwordPolicy: PolicyCache;
  liveMailboxes: LiveCache;
  endpoints: MailEndpoints;
  now: () => number;
  /** What the demo really runs (null outside demo mode). */
  demoMode: DemoMode | null;
}
