// Rendered message bodies kept for a second opening: an IMAP message never changes under its (mailbox, UIDVALIDITY,
// UID), so the key says everything and nothing needs invalidating; a new UIDVALIDITY makes new keys and the old ones
// age out. Bounded by the characters held (HTML + text, UTF-16: two bytes each) and least recently used first out.
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

export class RenderCache {
  private readonly entries = new Map<string, { message: RenderedMessage; bytes: number }>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;

  /** `maxBytes` 0 keeps nothing. A message heavier than a quarter of the budget is not kept either. */
  constructor(private readonly maxBytes: number) {}

  static key(userId: string, folder: string, uidValidity: bigint | number | string, uid: number, allowRemoteImages: boolean): string {
    return JSON.stringify([userId, folder, String(uidValidity), uid, allowRemoteImages]);
  }

  get(key: string): RenderedMessage | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map keeps insertion order: re-inserting makes it the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.message;
  }

  set(key: string, message: RenderedMessage): void {
    const bytes = weight(message);
    if (bytes > this.maxBytes / 4) return;
    this.delete(key);
    this.entries.set(key, { message, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  stats(): RenderCacheStats {
    return { entries: this.entries.size, bytes: this.bytes, hits: this.hits, misses: this.misses };
  }
}
