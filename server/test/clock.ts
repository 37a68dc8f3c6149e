// An injected clock for the platform's time decisions (backoff, leases, retry window, grace periods, room checks):
// tests move time on instead of waiting for it.

export interface ManualClock {
  (): number;
  advance(ms: number): void;
}

export function manualClock(start = Date.now()): ManualClock {
  let at = start;
  return Object.assign(() => at, {
    advance(ms: number) {
      at += ms;
    },
  });
}

/** Longer than any backoff (PROVISIONING_RETRY_MAX_SECONDS, 30 min) and any lease, shorter than the retry window. */
export const PAST_EVERY_BACKOFF_MS = 3_600_000;

/** Moves past every backoff, then runs the worker until nothing is due. */
export async function drainLater(services: { provisioner: { drain(): Promise<void> } }, clock: ManualClock, ms = PAST_EVERY_BACKOFF_MS) {
  clock.advance(ms);
  await services.provisioner.drain();
}
