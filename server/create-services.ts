import type { Logger } from "pino";
import { createAccounts } from "./auth/accounts";
import { createSessionStore } from "./auth/lucia";
import { createLimits } from "./auth/rate-limit";
import { openDatabase } from "./db/open-database";
import type { AppConfig } from "./env";
import type { Services } from "./services";

export const DEMO_DOMAIN = "example.test";

export function createServices(config: AppConfig, logger: Logger): Services {
  const db = openDatabase(config.DATABASE_PATH);
  return {
    config,
    db,
    logger,
    accounts: createAccounts(db),
    sessions: createSessionStore(db, { secureCookies: config.APP_ORIGIN?.startsWith("https://") ?? false }),
    limits: createLimits({
      loginPoints: config.LOGIN_RATE_LIMIT_POINTS,
      loginWindowSeconds: config.LOGIN_RATE_LIMIT_WINDOW_SECONDS,
    }),
    mailDomain: config.MAILCOW_DOMAIN ?? DEMO_DOMAIN,
  };
}
