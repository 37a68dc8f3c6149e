// App passwords and spam score against the emulator over real HTTP (Mailcow 2026-07a as recorded: AP.*, AUTH.*, SP.*).
import { describe, expect, test } from "vitest";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import { createMailcowClient } from "./index";
import { ANN, BOB, RECORDED_SEED } from "./recorded-seed";
import { mailcowFailure } from "../test/mailcow-failure";

const mailcow = useMailcowEmulator({ seed: RECORDED_SEED });
const client = () => createMailcowClient({ ...mailcow.config, retryDelayMs: 1 });

const failure = mailcowFailure;

describe("app passwords", () => {
  test("add returns the new one with its protocols as stored flags; no hash ever reaches the caller", async () => {
    expect(await client().listAppPasswords(ANN)).toEqual([]);
    const phone = await client().addAppPassword({ mailbox: ANN, name: "Phone", password: "Ann-app-imap-1", protocols: ["imap", "smtp"] });
    expect(phone).toMatchObject({ id: expect.any(Number), name: "Phone", mailbox: ANN, active: true, protocols: ["imap", "smtp"] });
    const all = await client().addAppPassword({ mailbox: ANN, name: "All", password: "Ann-app-all-1", protocols: ["imap", "smtp", "pop3", "sieve", "dav", "eas"] });
    expect(all.protocols).toEqual(["imap", "smtp", "pop3", "sieve", "dav", "eas"]);
    const list = await client().listAppPasswords(ANN);
    expect(list).toEqual([phone, all]);
    const text = JSON.stringify(list);
    expect(text).not.toMatch(/BLF-CRYPT|SSHA|password/i);
    expect(Object.keys(list[0]!)).not.toContain("password");
  });

  test("the stored flags decide what the app password logs in to (Mailcow's passdb)", async () => {
    await client().addAppPassword({ mailbox: ANN, name: "imap-only", password: "Ann-app-imap-1", protocols: ["imap"] });
    expect(mailcow.emulator.checkLogin(ANN, "Ann-app-imap-1", "imap")).toBe(true);
    expect(mailcow.emulator.checkLogin(ANN, "Ann-app-imap-1", "smtp")).toBe(false);
    const inactive = await client().addAppPassword({ mailbox: ANN, name: "off", password: "Ann-app-off-1", protocols: ["imap"], active: false });
    expect(inactive.active).toBe(false);
    expect(mailcow.emulator.checkLogin(ANN, "Ann-app-off-1", "imap")).toBe(false);
  });

  test("edit names the owner, reads back, never moves; another mailbox's id is left alone", async () => {
    const bobs = await client().addAppPassword({ mailbox: BOB, name: "bob-mail", password: "Bob-app-1x", protocols: ["imap"] });
    const anns = await client().addAppPassword({ mailbox: ANN, name: "laptop", password: "Ann-app-1x", protocols: ["imap"] });
    const edited = await client().editAppPassword(ANN, anns.id, { name: "work laptop", protocols: ["imap", "smtp"], password: "Ann-app-2y" });
    expect(edited).toMatchObject({ id: anns.id, mailbox: ANN, name: "work laptop", protocols: ["imap", "smtp"] });
    expect(mailcow.emulator.checkLogin(ANN, "Ann-app-2y", "smtp")).toBe(true);
    expect(mailcow.emulator.checkLogin(ANN, "Ann-app-1x", "imap")).toBe(false);

    const writes = mailcow.emulator.stats().writes;
    expect(await client().editAppPassword(ANN, bobs.id, { active: false })).toBeNull();
    expect(await client().deleteAppPasswords(ANN, [bobs.id])).toEqual([]);
    expect(mailcow.emulator.stats().writes).toBe(writes);
    expect(await client().listAppPasswords(BOB)).toEqual([bobs]);
  });

  test("edit/app-passwd without username: 200 with an empty body, nothing changed → empty_answer (wire fact the adapter never triggers)", async () => {
    const anns = await client().addAppPassword({ mailbox: ANN, name: "laptop", password: "Ann-app-1x", protocols: ["imap"] });
    const response = await fetch(`${mailcow.config.baseUrl}/edit/app-passwd`, {
      method: "POST",
      headers: { "X-API-Key": mailcow.config.apiKey, "Content-Type": "application/json" },
      body: JSON.stringify({ items: [anns.id], attr: { app_name: "renamed" } }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect((await client().listAppPasswords(ANN))[0]!.name).toBe("laptop");
  });

  test("delete returns the ids deleted", async () => {
    const a = await client().addAppPassword({ mailbox: ANN, name: "a", password: "Ann-app-a1", protocols: ["imap"] });
    const b = await client().addAppPassword({ mailbox: ANN, name: "b", password: "Ann-app-b1", protocols: ["imap"] });
    expect(await client().deleteAppPasswords(ANN, [b.id, a.id, 999_999])).toEqual([b.id, a.id]);
    expect(await client().listAppPasswords(ANN)).toEqual([]);
  });

  test("refusals carry Mailcow's key and never the password", async () => {
    const weak = await failure(client().addAppPassword({ mailbox: ANN, name: "short", password: "abc", protocols: ["imap"] }));
    expect(weak).toMatchObject({ kind: "rejected", messageKey: "password_complexity" });
    const ghost = await failure(client().addAppPassword({ mailbox: "nobody@example.org", name: "ghost", password: "Ghost-app-1", protocols: ["imap"] }));
    expect(ghost).toMatchObject({ kind: "rejected", messageKey: "access_denied" });
    expect(JSON.stringify(ghost) + ghost.message + String(ghost.stack)).not.toContain("Ghost-app-1");
    await expect(client().addAppPassword({ mailbox: ANN, name: "x", password: "Ann-app-x1", protocols: ["imap_access" as "imap"] })).rejects.toThrow(TypeError);
    await expect(client().addAppPassword({ mailbox: ANN, name: " ", password: "Ann-app-x1", protocols: ["imap"] })).rejects.toThrow(TypeError);
  });
});

describe("spam score", () => {
  test("Mailcow's default, set, equal values, back to default", async () => {
    expect(await client().getSpamScore(ANN)).toEqual({ low: 5, high: 15 });
    await client().setSpamScore(ANN, { low: 3, high: 10 });
    expect(await client().getSpamScore(ANN)).toEqual({ low: 3, high: 10 });
    await client().setSpamScore(ANN, { low: 4.5, high: 12.25 });
    expect(await client().getSpamScore(ANN)).toEqual({ low: 4.5, high: 12.25 });
    await client().setSpamScore(ANN, { low: 8, high: 8 });
    expect(await client().getSpamScore(ANN)).toEqual({ low: 8, high: 8.1 });
    await client().setSpamScore(ANN, "default");
    expect(await client().getSpamScore(ANN)).toEqual({ low: 5, high: 15 });
  });

  test("an unknown mailbox: get null, set access_denied; nonsense refused locally", async () => {
    expect(await client().getSpamScore("nobody@example.org")).toBeNull();
    const error = await failure(client().setSpamScore("nobody@example.org", { low: 3, high: 10 }));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "access_denied" });
    await expect(client().setSpamScore(ANN, { low: 10, high: 3 })).rejects.toThrow(RangeError);
    await expect(client().setSpamScore(ANN, { low: Number.NaN, high: 3 })).rejects.toThrow(RangeError);
  });
});
