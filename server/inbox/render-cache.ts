// Rendered message bodies kept for a second opening (and, through `BoundedLru`, the message structures the lists
// fetched): an IMAP message never changes under its (mailbox, UIDVALIDITY, UID), so the key says everything and
// nothing needs invalidating; a new UIDVALIDITY makes new keys and the old ones age out. Bounded by the characters
// held (HTML + text, UTF-16: two bytes each) and least recently used first out.
import type { RenderedMessage } from "./render";

export interface RenderCacheStats {
  entries: number;
  /** Approximate bytes held (HTML and text, two bytes a character, plus a fixed cost per entry). */
  bytes: number;
  hits: number;
  misses: number;
}

const ENTRY_OVERHEAD_BYTES = 1024;

function weight(message: RenderedMessage): number {
  return ENTRY_OVERHEAD_BYTES + 2 * ((message.html?.length ?? 0) + message.text.length);
}

/**
 * A least-recently-used map bounded by the summed weight of its values (`weigh`). `maxWeight` 0 keeps nothing; a value
 * heavier than a quarter of the budget is not kept either.
 */
export class BoundedLru<V> {
  private readonly entries = new Map<string, { value: V; weight: number }>();
  private weight = 0;
  private hits = 0;
  private misses = 0;

  constructor(
    private readonly maxWeight: number,
    private readonly weigh: (value: V) => number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map keeps insertion order: re-inserting makes it the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    const weight = this.weigh(value);
    if (weight > this.maxWeight / 4) return;
    this.delete(key);
    this.entries.set(key, { value, weight });
    this.weight += weight;
    for (const [oldest, entry] of this.entries) {
      if (this.weight <= this.maxWeight) break;
      this.entries.delete(oldest);
      this.weight -= entry.weight;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.weight -= entry.weight;
  }

  clear(): void {
    this.entries.clear();
    this.weight = 0;
  }

  stats(): RenderCacheStats {
    return { entries: this.entries.size, bytes: this.weight, hits: this.hits, misses: this.misses };
  }
}

/** Rendered messages by `RenderCache.key`, bounded by bytes (`maxBytes` 0 keeps none). */
export class RenderCache extends BoundedLru<RenderedMessage> {
  constructor(maxBytes: number) {
    super(maxBytes, weight);
  }

  static key(userId: string, folder: string, uidValidity: bigint | number | string, uid: number, allowRemoteImages: boolean): string {
    return JSON.stringify([userId, folder, String(uidValidity), uid, allowRemoteImages]);
  }
}
