// Aliases and time-limited aliases against the emulator over real HTTP (Mailcow 2026-07a as recorded: AL.*, TA.*).
import { describe, expect, test } from "vitest";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import { createMailcowClient } from "./index";
import { ANN, BOB, CARL, RECORDED_SEED } from "./recorded-seed";
import { mailcowFailure } from "../test/mailcow-failure";

const mailcow = useMailcowEmulator({ seed: RECORDED_SEED });
const client = () => createMailcowClient({ ...mailcow.config, retryDelayMs: 1 });

const failure = mailcowFailure;

describe("aliases", () => {
  test("addAlias sends sender_allowed 1 and returns the new id; getAlias by id and by address", async () => {
    const { id, address } = await client().addAlias({ address: "Ann.Sales@Example.org", goto: [ANN], privateComment: "platform-mail-user-ann" });
    expect(address).toBe("ann.sales@example.org");
    const byId = await client().getAlias(id);
    expect(byId).toMatchObject({ id, address, domain: "example.org", goto: [ANN], active: true, senderAllowed: true, privateComment: "platform-mail-user-ann" });
    expect(await client().getAlias(address)).toEqual(byId);
    expect(await client().getAlias(999_999)).toBeNull();
  });

  test("senderAllowed false is stored as 0 (Mailcow's own default)", async () => {
    const { id } = await client().addAlias({ address: "ann.private@example.org", goto: [ANN], senderAllowed: false });
    expect(await client().getAlias(id)).toMatchObject({ senderAllowed: false });
  });

  test("listDomainAliases: that domain only, alias-domain aliases under the alias domain; filter by goto here", async () => {
    await client().addAlias({ address: "ann.private@example.org", goto: [ANN] });
    await client().addAlias({ address: "team@example.org", goto: [ANN, BOB] });
    await client().addAlias({ address: "ann.shop@alias.example", goto: [ANN] });
    await client().addAlias({ address: "carl.extra@small.example", goto: [CARL] });
    await client().addAlias({ address: "ann.elsewhere@notexample.org", goto: [ANN] });
    const primary = await client().listDomainAliases("example.org");
    expect(primary.map((a) => a.address).sort()).toEqual(["ann.private@example.org", "team@example.org"]);
    expect(primary.filter((a) => a.goto.length === 1 && a.goto[0] === ANN).map((a) => a.address)).toEqual(["ann.private@example.org"]);
    expect((await client().listDomainAliases("alias.example")).map((a) => a.address)).toEqual(["ann.shop@alias.example"]);
    expect(await client().listDomainAliases("unknown.example")).toEqual([]);
  });

  test("deleteAlias by id, confirmed by address; unknown is access_denied", async () => {
    const alias = await client().addAlias({ address: "ann.extra@example.org", goto: [ANN] });
    await client().deleteAlias(alias);
    expect(await client().getAlias(alias.id)).toBeNull();
    const error = await failure(client().deleteAlias(alias));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "access_denied" });
  });

  test("an address that is a mailbox (also through the alias domain) or an alias is is_alias_or_mailbox", async () => {
    for (const address of [BOB, "bob@alias.example"]) {
      const error = await failure(client().addAlias({ address, goto: [ANN] }));
      expect(error).toMatchObject({ kind: "rejected", messageKey: "is_alias_or_mailbox", args: [address], retryable: false });
    }
    await client().addAlias({ address: "ann.private@example.org", goto: [ANN] });
    const again = await failure(client().addAlias({ address: "ann.private@example.org", goto: [BOB] }));
    expect(again.messageKey).toBe("is_alias_or_mailbox");
    const unknown = await failure(client().addAlias({ address: "x@unknown.example", goto: [ANN] }));
    expect(unknown).toMatchObject({ messageKey: "domain_not_found", args: ["unknown.example"] });
  });

  test("a full domain answers bare max_alias_exceeded, also through its alias domain", async () => {
    await client().addAlias({ address: "a1@example.org", goto: [ANN] });
    await client().addAlias({ address: "a2@example.org", goto: [ANN] });
    // The domain's limit is set to its current count the way an admin would (AL.22).
    const response = await fetch(`${mailcow.config.baseUrl}/edit/domain`, {
      method: "POST",
      headers: { "X-API-Key": mailcow.config.apiKey, "Content-Type": "application/json" },
      body: JSON.stringify({ items: ["example.org"], attr: { aliases: 2 } }),
    });
    expect(response.status).toBe(200);
    expect((await client().getDomain("example.org"))!.aliasesLeft).toBe(0);
    for (const address of ["a3@example.org", "a3@alias.example"]) {
      const error = await failure(client().addAlias({ address, goto: [ANN] }));
      expect(error).toMatchObject({ kind: "rejected", messageKey: "max_alias_exceeded", args: [] });
    }
  });

  test("local refusals: no targets, a target that is not an address", async () => {
    await expect(client().addAlias({ address: "x@example.org", goto: [] })).rejects.toThrow(TypeError);
    await expect(client().addAlias({ address: "x@example.org", goto: ["not an address"] })).rejects.toThrow(TypeError);
  });
});

describe("time-limited aliases", () => {
  test("none: {} from Mailcow reads as []", async () => {
    expect(await client().listTimeLimitedAliases(BOB)).toEqual([]);
  });

  test("add returns the new address (read back), on the domain and on an alias domain; list; delete", async () => {
    const before = Date.now();
    const shop = await client().addTimeLimitedAlias({ mailbox: ANN, domain: "example.org", validityHours: 24, description: "shop-a" });
    expect(shop).toMatchObject({ mailbox: ANN, description: "shop-a", permanent: false });
    expect(shop.address).toMatch(/@example\.org$/);
    expect(shop.validUntil!.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 24 * 3_600_000 - 1000);
    const other = await client().addTimeLimitedAlias({ mailbox: ANN, domain: "alias.example", validityHours: 1 });
    expect(other.address).toMatch(/@alias\.example$/);
    expect((await client().listTimeLimitedAliases(ANN)).map((a) => a.address).sort()).toEqual([shop.address, other.address].sort());

    // A regular alias on a live time-limited address is refused.
    const taken = await failure(client().addAlias({ address: shop.address, goto: [BOB] }));
    expect(taken).toMatchObject({ messageKey: "is_spam_alias" });

    expect(await client().deleteTimeLimitedAlias(BOB, shop.address)).toBe(false);
    expect(await client().deleteTimeLimitedAlias(ANN, shop.address)).toBe(true);
    expect((await client().listTimeLimitedAliases(ANN)).map((a) => a.address)).toEqual([other.address]);
  });

  test("refusals: another mailbox's domain is domain_invalid; validity out of range refused locally", async () => {
    const error = await failure(client().addTimeLimitedAlias({ mailbox: ANN, domain: "small.example", validityHours: 24 }));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "domain_invalid" });
    await expect(client().addTimeLimitedAlias({ mailbox: ANN, domain: "example.org", validityHours: 0 })).rejects.toThrow(RangeError);
    await expect(client().addTimeLimitedAlias({ mailbox: ANN, domain: "example.org", validityHours: 87_601 })).rejects.toThrow(RangeError);
    const unknown = await failure(client().addTimeLimitedAlias({ mailbox: "nobody@example.org", domain: "example.org", validityHours: 24 }));
    expect(unknown.messageKey).toBe("access_denied");
  });
});
