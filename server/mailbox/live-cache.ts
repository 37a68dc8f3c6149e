// A short cache of live mailbox figures, so a busy Mail page does not hammer Mailcow. Concurrent readers
// share one request; a failure is remembered for the same short time (Mailcow down is not retried per view).
import type { MailcowClient, MailcowMailbox } from "../mailcow";

export type LiveResult = { ok: true; mailbox: MailcowMailbox | null } | { ok: false; error: unknown };

export function createLiveCache(mailcow: MailcowClient, ttlMs: number, now: () => number = Date.now) {
  const entries = new Map<string, { at: number; result: Promise<LiveResult> }>();
  return {
    get(address: string): Promise<LiveResult> {
      const entry = entries.get(address);
      if (entry && now() - entry.at < ttlMs) return entry.result;
      const result = mailcow.getMailbox(address).then(
        (mailbox): LiveResult => ({ ok: true, mailbox }),
        (error: unknown): LiveResult => ({ ok: false, error }),
      );
      entries.set(address, { at: now(), result });
      if (entries.size > 10_000) entries.delete(entries.keys().next().value!);
      return result;
    },
    invalidate(address: string) {
      entries.delete(address);
    },
  };
}
export type LiveCache = ReturnType<typeof createLiveCache>;
