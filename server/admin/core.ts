// The admin console's state for one set of services (one per server process, one per test): invitations, password
// resets, bulk jobs, the per-admin rate limit. Built on first use, so the shared services stay as they are.
import { RateLimiterMemory } from "rate-limiter-flexible";
import { RateLimitedError } from "../auth/rate-limit";
import type { Services } from "../services";
import { createInvitationStore } from "./invitations";
import { createJobs } from "./jobs";
import { createPasswordResets } from "./password-resets";

function build(services: Services) {
  const { config, db, now } = services;
  const origin = config.APP_ORIGIN ?? "";
  const limiter = new RateLimiterMemory({ keyPrefix: "admin", points: config.ADMIN_RATE_LIMIT_PER_MINUTE, duration: 60 });
  return {
    invitations: createInvitationStore(db, { ttlDays: config.INVITATION_TTL_DAYS, origin, reservedUsernames: config.RESERVED_USERNAMES, now }),
    passwordResets: createPasswordResets(db, { ttlHours: config.PASSWORD_RESET_TTL_HOURS, origin, now }),
    jobs: createJobs({ now, concurrency: config.PROVISIONING_CONCURRENCY }),
    /** One call of an admin procedure; throws RateLimitedError (→ TOO_MANY_REQUESTS) when the minute's budget is spent. */
    async limit(adminId: string): Promise<void> {
      try {
        await limiter.consume(adminId);
      } catch (error) {
        const ms = (error as { msBeforeNext?: number }).msBeforeNext;
        if (typeof ms === "number") throw new RateLimitedError(Math.max(1, Math.ceil(ms / 1000)));
        throw error;
      }
    },
  };
}

const cores = new WeakMap<Services, ReturnType<typeof build>>();

/** The admin state of these services (the same object every time). */
export function adminCore(services: Services): ReturnType<typeof build> {
  // A request context is a copy of the services with identity added: key by the database, which is shared.
  const key = services.db as unknown as Services;
  let core = cores.get(key);
  if (!core) {
    core = build(services);
    cores.set(key, core);
  }
  return core;
}
export type AdminCore = ReturnType<typeof build>;

/** Deletes audit entries older than AUDIT_RETENTION_DAYS now and then once a day; the timer does not hold the process. */
export function startAuditRetention(services: Pick<Services, "audit" | "config" | "logger">, intervalMs = 86_400_000) {
  const prune = () => {
    try {
      const removed = services.audit.prune(services.config.AUDIT_RETENTION_DAYS);
      if (removed) services.logger.info({ removed, retentionDays: services.config.AUDIT_RETENTION_DAYS }, "old audit entries deleted");
    } catch (error) {
      services.logger.error({ err: error }, "could not delete old audit entries");
    }
  };
  prune();
  const timer = setInterval(prune, intervalMs);
  timer.unref();
  return { prune, stop: () => clearInterval(timer) };
}
