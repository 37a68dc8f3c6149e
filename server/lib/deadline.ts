// One way to stop waiting: an AbortSignal. The work itself is not cancelled (a Mailcow request or an IMAP login goes
// on and is cleaned up by its own code); only the caller stops waiting for it.

/** Settles like `work`, or with `onAbort()` (its value, or what it throws) once `signal` aborts first. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      try {
        resolve(onAbort());
      } catch (error) {
        reject(error);
      }
    };
    if (signal.aborted) return abort();
    signal.addEventListener("abort", abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", abort);
        reject(error);
      },
    );
  });
}

/** Settles like `work`, or with `onTimeout()` after `ms` (AbortSignal.timeout: an unref'd timer, it never holds the process). */
export function within<T>(work: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  return untilAborted(work, AbortSignal.timeout(Math.max(0, ms)), onTimeout);
}
