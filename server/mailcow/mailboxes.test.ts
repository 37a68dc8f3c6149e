// Mailbox listing for reconcile, tag removal, quota edits and the domain's room, against the emulator over real HTTP
// (Mailcow 2026-07a as recorded: RC.*, QU.*).
import { describe, expect, test } from "vitest";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import { createMailcowClient, isOwnedBy, MIB, ownerOf, ownerTag, PLATFORM_TAG } from "./index";
import { ANN, BOB, RECORDED_SEED } from "./recorded-seed";
import { mailcowFailure } from "../test/mailcow-failure";

const mailcow = useMailcowEmulator({ seed: RECORDED_SEED });
const client = () => createMailcowClient({ ...mailcow.config, retryDelayMs: 1 });

const failure = mailcowFailure;

async function rawList(path: string): Promise<string[]> {
  const response = await fetch(`${mailcow.config.baseUrl}/${path}`, { headers: { "X-API-Key": mailcow.config.apiKey } });
  const body = (await response.json()) as { username: string }[] | Record<string, never>;
  return Array.isArray(body) ? body.map((m) => m.username).sort() : [];
}

describe("listDomainMailboxes", () => {
  test("Mailcow matches the domain and tags by substring; the adapter keeps exact matches only", async () => {
    // What Mailcow answers: a look-alike domain and a prefix tag match too.
    expect(await rawList("get/mailbox/all/example.org?tags=platform-mail")).toContain("ann@notexample.org");
    expect(await rawList("get/mailbox/all/example.org?tags=platform-mail-user-a")).toEqual([ANN, "ann@notexample.org"]);

    const platform = await client().listDomainMailboxes("example.org", { tag: PLATFORM_TAG });
    expect(platform.map((m) => m.username).sort()).toEqual([ANN, BOB, "fpu@example.org"]);
    expect(await client().listDomainMailboxes("example.org", { tag: "platform-mail-user-a" })).toEqual([]);
    expect(await client().listDomainMailboxes("example.org", { tag: "nomatch" })).toEqual([]);

    const all = await client().listDomainMailboxes("Example.org");
    expect(all.map((m) => m.username).sort()).toEqual([ANN, BOB, "fpu@example.org", "noimap@example.org", "off@example.org"]);
    expect(all.find((m) => m.username === "off@example.org")).toMatchObject({ active: 0, tags: [] });
  });

  test("ownership is exact: the owner tag of one user, never a prefix or another domain's look-alike", async () => {
    const [ann] = await client().listDomainMailboxes("example.org", { tag: ownerTag("ann") });
    expect(ann!.username).toBe(ANN);
    expect(isOwnedBy(ann!, "ann")).toBe(true);
    expect(isOwnedBy(ann!, "an")).toBe(false);
    expect(isOwnedBy(ann!, "ANN")).toBe(false);
    expect(ownerOf(ann!)).toBe("ann");
    expect(ownerOf({ tags: [PLATFORM_TAG] })).toBeNull();
    expect(ownerOf({ tags: [ownerTag("a"), ownerTag("b")] })).toBeNull();
  });
});

describe("tags", () => {
  test("edit adds, deleteMailboxTags removes (an unknown tag is no error)", async () => {
    await client().editMailbox(ANN, { tags: ["vip", "second"] });
    expect((await client().getMailbox(ANN))!.tags.sort()).toEqual(["platform-mail", "platform-mail-user-ann", "second", "vip"]);
    await client().deleteMailboxTags(ANN, ["vip", "second", "never-set"]);
    expect((await client().getMailbox(ANN))!.tags.sort()).toEqual(["platform-mail", "platform-mail-user-ann"]);
  });
});

describe("quota and room", () => {
  test("domainRoom follows allocations", async () => {
    // example.org: 10 mailboxes, 2560 MiB in all, 2048 MiB per mailbox; five seeded mailboxes of 100 MiB.
    expect(await client().domainRoom("example.org")).toEqual({ mailboxesLeft: 5, quotaLeftMiB: 2060, maxQuotaPerMailboxMiB: 2048, aliasesLeft: 400 });
    await client().editMailbox(ANN, { quotaMiB: 300 });
    expect((await client().getMailbox(ANN))!.quotaBytes).toBe(300 * MIB);
    expect((await client().domainRoom("example.org"))!.quotaLeftMiB).toBe(1860);
    expect(await client().domainRoom("unknown.example")).toBeNull();
  });

  test("a quota above the domain's max or its room is mailbox_quota_left_exceeded with the MiB allowed", async () => {
    const aboveMax = await failure(client().editMailbox(ANN, { quotaMiB: 2049 }));
    expect(aboveMax).toMatchObject({ kind: "rejected", messageKey: "mailbox_quota_left_exceeded", args: [2048] });
    await client().editMailbox(BOB, { quotaMiB: 2000 });
    const aboveRoom = await failure(client().editMailbox(ANN, { quotaMiB: 500 }));
    // Room for a raise = the domain's unallocated quota + the mailbox's own: 2560 - (2000 + 4 × 100) + 100.
    expect(aboveRoom).toMatchObject({ kind: "rejected", messageKey: "mailbox_quota_left_exceeded", args: [260] });
    expect((await client().domainRoom("example.org"))!.quotaLeftMiB + 100).toBe(260);
  });
});
