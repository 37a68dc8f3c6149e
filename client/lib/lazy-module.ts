import { use } from "react";

/**
 * A module loaded on demand (its own chunk) that renders without a loading flash once it is here:
 * a loader or an event handler calls `preload()` first, and `read()` then returns it synchronously.
 * Called during render before that, `read()` suspends until the chunk arrives.
 */
export function lazyModule<T>(load: () => Promise<T>) {
  let value: T | undefined;
  let promise: Promise<T> | undefined;
  const preload = (): Promise<T> =>
    (promise ??= load().then(
      (loaded) => (value = loaded),
      (error: unknown) => {
        promise = undefined; // a failed chunk load can be tried again
        throw error;
      },
    ));
  return {
    preload,
    /** For render only (it may suspend). */
    read: (): T => value ?? use(preload()),
  };
}
