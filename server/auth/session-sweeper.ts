// Expired sessions are deleted on a timer (lucia only refuses them; without this the table grows for ever).
import type { Logger } from "pino";
import type { SessionStore } from "./lucia";

export interface SessionSweeper {
  /** Deletes expired sessions now. */
  sweep(): Promise<void>;
  stop(): void;
}

/** Sweeps once at start and then every `intervalMs`; the timer does not keep the process alive. */
export function startSessionSweeper(sessions: Pick<SessionStore, "deleteExpired">, logger: Logger, intervalMs: number): SessionSweeper {
  const sweep = async () => {
    try {
      await sessions.deleteExpired();
    } catch (error) {
      logger.error({ err: error }, "could not delete expired sessions");
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return { sweep, stop: () => clearInterval(timer) };
}
