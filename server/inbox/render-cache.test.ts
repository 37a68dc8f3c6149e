// The rendered-message cache: keyed by everything that decides the rendering, least recently used out first, never
// above its byte budget.
import { describe, expect, test } from "vitest";
import type { RenderedMessage } from "./render";
import { RenderCache } from "./render-cache";

function message(htmlChars: number, subject = "s"): RenderedMessage {
  return {
    subject,
    from: [],
    to: [],
    cc: [],
    replyTo: [],
    date: null,
    messageId: null,
    inReplyTo: null,
    references: [],
    listId: null,
    text: "",
    html: "x".repeat(htmlChars),
    remote: { count: 0, hosts: [], allowed: false },
    attachments: [],
  };
}

describe("RenderCache", () => {
  test("the key tells users, folders, UIDVALIDITY, UIDs and the image mode apart", () => {
    const keys = [
      RenderCache.key("u1", "INBOX", 1n, 7, false),
      RenderCache.key("u2", "INBOX", 1n, 7, false),
      RenderCache.key("u1", "Trash", 1n, 7, false),
      RenderCache.key("u1", "INBOX", 2n, 7, false),
      RenderCache.key("u1", "INBOX", 1n, 8, false),
      RenderCache.key("u1", "INBOX", 1n, 7, true),
      // A folder name that would run into the UID if the parts were simply joined.
      RenderCache.key("u1", "INBOX\u00001", 1n, 7, false),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  test("least recently used goes first; the budget is never exceeded", () => {
    // 5,000 characters weigh 11,024 bytes: four fit into 48,000, a fifth does not.
    const cache = new RenderCache(48_000);
    const a = message(5_000, "a");
    cache.set("a", a);
    for (const key of ["b", "c", "d"]) cache.set(key, message(5_000, key));
    expect(cache.get("a")).toBe(a); // a is now the most recently used
    cache.set("e", message(5_000, "e"));
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")?.subject).toBe("a");
    expect(cache.get("e")?.subject).toBe("e");
    expect(cache.stats().bytes).toBeLessThanOrEqual(48_000);
    expect(cache.stats()).toMatchObject({ entries: 4, hits: 3, misses: 1 });
  });

  test("a message heavier than a quarter of the budget is not kept; a budget of 0 keeps nothing", () => {
    const cache = new RenderCache(40_000);
    cache.set("big", message(5_000));
    expect(cache.get("big")).toBeUndefined();
    const none = new RenderCache(0);
    none.set("a", message(1));
    expect(none.get("a")).toBeUndefined();
    expect(none.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });
});
