// The adapter against the project's Mailcow emulator, over real HTTP: every operation, every error kind.
import { describe, expect, test } from "vitest";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import { checkRoomFor, createMailcowClient, hasRoomFor, MIB, type MailcowConfig } from "./index";
import { mailcowFailure } from "../test/mailcow-failure";

const mailcow = useMailcowEmulator({ slowMs: 2_000 });
const PASSWORD = "Corr3ct-Horse-Battery";

function client(overrides: Partial<MailcowConfig> = {}) {
  return createMailcowClient({ ...mailcow.config, retryDelayMs: 5, ...overrides });
}

const failure = mailcowFailure;

function addInput(localPart: string, extra: Partial<Parameters<ReturnType<typeof client>["addMailbox"]>[0]> = {}) {
  return { localPart, domain: mailcow.emulator.domain, name: "Ada Lovelace", quotaMiB: 1024, password: PASSWORD, ...extra };
}

describe("reads", () => {
  test("getVersion", async () => {
    const { version } = await client().getVersion();
    expect(version).toEqual(expect.any(String));
    expect(version.length).toBeGreaterThan(0);
  });

  test("getDomain: the configured domain, and null for an unknown one", async () => {
    const domain = await client().getDomain(mailcow.emulator.domain);
    expect(domain).toMatchObject({ name: mailcow.emulator.domain, active: true, mailboxCount: 0 });
    expect(domain!.mailboxesLeft).toBe(domain!.maxMailboxes);
    expect(domain!.quotaAllocatedBytes).toBe(0);
    expect(domain!.maxNewMailboxQuotaBytes).toBe(Math.min(domain!.totalQuotaBytes, domain!.maxQuotaPerMailboxBytes));
    expect(hasRoomFor(domain!, 1)).toBe(true);
    expect(await client().getDomain("nowhere.example")).toBeNull();
  });

  test("getDomain follows allocations", async () => {
    await client().addMailbox(addInput("ada", { quotaMiB: 100 }));
    const domain = await client().getDomain(mailcow.emulator.domain);
    expect(domain).toMatchObject({ mailboxCount: 1, quotaAllocatedBytes: 100 * MIB });
    expect(domain!.mailboxesLeft).toBe(domain!.maxMailboxes - 1);
  });

  test("getPasswordPolicy reads the live policy", async () => {
    expect(await client().getPasswordPolicy()).toEqual({ length: 6, chars: false, specialChars: false, lowerUpper: false, numbers: false });
    await mailcow.emulator.setPasswordPolicy({ length: 12, numbers: true });
    expect(await client().getPasswordPolicy()).toMatchObject({ length: 12, numbers: true, chars: false });
  });

  test("getMailbox of an unknown address is null", async () => {
    expect(await client().getMailbox(`nobody@${mailcow.emulator.domain}`)).toBeNull();
  });

  test("getMailbox normalises a seeded mailbox", async () => {
    await mailcow.emulator.seedMailbox({ localPart: "grace", name: "Grace Hopper", quotaMiB: 0, tags: ["t1"], active: 2 });
    const mailbox = await client().getMailbox(`grace@${mailcow.emulator.domain}`);
    expect(mailbox).toMatchObject({
      username: `grace@${mailcow.emulator.domain}`,
      localPart: "grace",
      domain: mailcow.emulator.domain,
      name: "Grace Hopper",
      active: 2,
      isActive: false,
      quotaBytes: 0,
      percentInUse: null,
      tags: ["t1"],
      lastImapLogin: null,
      lastSmtpLogin: null,
      lastPop3Login: null,
      lastSsoLogin: null,
    });
    expect(mailbox!.created).toBeInstanceOf(Date);
  });

  test("getAlias: forwarding alias found, unknown and a mailbox's own address are null", async () => {
    const domain = mailcow.emulator.domain;
    await mailcow.emulator.seedAlias(`info@${domain}`, `ada@${domain},x@elsewhere.example`);
    expect(await client().getAlias(`info@${domain}`)).toMatchObject({
      address: `info@${domain}`,
      goto: [`ada@${domain}`, "x@elsewhere.example"],
      id: expect.any(Number),
    });
    expect(await client().getAlias(`none@${domain}`)).toBeNull();
    await client().addMailbox(addInput("ada"));
    expect(await client().getAlias(`ada@${domain}`)).toBeNull();
  });
});

describe("addMailbox", () => {
  test("creates the mailbox: quota MiB in, bytes out; flags, tags and password land", async () => {
    const domain = mailcow.emulator.domain;
    const result = await client().addMailbox(
      addInput("Ada", { quotaMiB: 1024, forcePwUpdate: true, tlsEnforceIn: true, tlsEnforceOut: true, tags: ["platform", "signup"] }),
    );
    expect(result.username).toBe(`ada@${domain}`);
    const mailbox = await client().getMailbox(`ada@${domain}`);
    expect(mailbox).toMatchObject({
      username: `ada@${domain}`,
      name: "Ada Lovelace",
      active: 1,
      isActive: true,
      quotaBytes: 1024 * MIB,
      quotaUsedBytes: 0,
      percentInUse: 0,
      messages: 0,
      forcePasswordUpdate: true,
      tlsEnforceIn: true,
      tlsEnforceOut: true,
    });
    expect([...mailbox!.tags].sort()).toEqual(["platform", "signup"]);
    expect(mailcow.emulator.checkPassword(`ada@${domain}`, PASSWORD)).toBe(true);
    expect(mailcow.emulator.mailbox(`ada@${domain}`)).not.toBeNull();
  });

  test("object_exists", async () => {
    await client().addMailbox(addInput("ada"));
    const error = await failure(client().addMailbox(addInput("ada")));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "object_exists", args: [`ada@${mailcow.emulator.domain}`], retryable: false, status: 200 });
  });

  test("is_alias: an address taken by an alias cannot become a mailbox", async () => {
    await mailcow.emulator.seedAlias(`sales@${mailcow.emulator.domain}`, "boss@elsewhere.example");
    const error = await failure(client().addMailbox(addInput("sales")));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "is_alias", retryable: false });
  });

  test("password_complexity under the live policy", async () => {
    await mailcow.emulator.setPasswordPolicy({ length: 30 });
    const error = await failure(client().addMailbox(addInput("ada")));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "password_complexity", retryable: false });
    expect(mailcow.emulator.mailbox(`ada@${mailcow.emulator.domain}`)).toBeNull();
  });

  test("unknown domain is access_denied", async () => {
    const error = await failure(client().addMailbox(addInput("ada", { domain: "nowhere.example" })));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "access_denied" });
  });

  test("quota above the per-mailbox maximum", async () => {
    const domain = (await client().getDomain(mailcow.emulator.domain))!;
    const tooBig = domain.maxQuotaPerMailboxBytes / MIB + 1;
    expect(checkRoomFor(domain, tooBig)).toMatchObject({ ok: false, reason: "quota_above_mailbox_max" });
    const error = await failure(client().addMailbox(addInput("ada", { quotaMiB: tooBig })));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "mailbox_quota_exceeded" });
  });
});

describe("a small domain", () => {
  // 2 mailboxes, 1024 MiB per mailbox, 1536 MiB in total.
  const small = useMailcowEmulator({ domainLimits: { mailboxes: 2, maxQuotaMiB: 1024, quotaMiB: 1536 } });
  const smallClient = () => createMailcowClient({ ...small.config, retryDelayMs: 5 });
  const input = (localPart: string, quotaMiB: number) => ({ localPart, domain: small.emulator.domain, quotaMiB, password: PASSWORD });

  test("mailbox_quota_left_exceeded when the domain total would be passed", async () => {
    await smallClient().addMailbox(input("a", 1024));
    const domain = (await smallClient().getDomain(small.emulator.domain))!;
    expect(checkRoomFor(domain, 1024)).toEqual({ ok: false, reason: "quota_above_domain_left", leftMiB: 512 });
    expect(hasRoomFor(domain, 512)).toBe(true);
    const error = await failure(smallClient().addMailbox(input("b", 1024)));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "mailbox_quota_left_exceeded" });
  });

  test("max_mailbox_exceeded when the domain is full", async () => {
    await smallClient().addMailbox(input("a", 10));
    await smallClient().addMailbox(input("b", 10));
    const domain = (await smallClient().getDomain(small.emulator.domain))!;
    expect(domain.mailboxesLeft).toBe(0);
    expect(checkRoomFor(domain, 10)).toEqual({ ok: false, reason: "no_mailboxes_left", maxMailboxes: 2 });
    const error = await failure(smallClient().addMailbox(input("c", 10)));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "max_mailbox_exceeded", retryable: false });
  });
});

describe("editMailbox and deleteMailboxes", () => {
  test("password, active, quota, name, force-update and additive tags", async () => {
    const email = `ada@${mailcow.emulator.domain}`;
    await client().addMailbox(addInput("ada", { tags: ["a"] }));
    await client().editMailbox(email, { password: "N3w-Password-Here", active: false, quotaMiB: 512, name: "Ada King", forcePwUpdate: true, tags: ["b"] });
    expect(mailcow.emulator.checkPassword(email, "N3w-Password-Here")).toBe(true);
    expect(mailcow.emulator.checkPassword(email, PASSWORD)).toBe(false);
    const mailbox = await client().getMailbox(email);
    expect(mailbox).toMatchObject({ active: 0, isActive: false, quotaBytes: 512 * MIB, name: "Ada King", forcePasswordUpdate: true });
    expect([...mailbox!.tags].sort()).toEqual(["a", "b"]);
  });

  test("a refused password saves nothing else", async () => {
    const email = `ada@${mailcow.emulator.domain}`;
    await client().addMailbox(addInput("ada"));
    await mailcow.emulator.setPasswordPolicy({ length: 40 });
    const error = await failure(client().editMailbox(email, { password: "short-but-fine", name: "Changed" }));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "password_complexity" });
    expect(await client().getMailbox(email)).toMatchObject({ name: "Ada Lovelace" });
  });

  test("editing an unknown mailbox is access_denied", async () => {
    const error = await failure(client().editMailbox(`nobody@${mailcow.emulator.domain}`, { active: false }));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "access_denied", retryable: false });
  });

  test("delete removes, and an unknown address is access_denied", async () => {
    const domain = mailcow.emulator.domain;
    await client().addMailbox(addInput("ada"));
    await client().addMailbox(addInput("bob"));
    expect(await client().deleteMailboxes([`ada@${domain}`, `bob@${domain}`])).toMatchObject({ removed: [`ada@${domain}`, `bob@${domain}`] });
    expect(await client().getMailbox(`ada@${domain}`)).toBeNull();
    expect(mailcow.emulator.mailbox(`bob@${domain}`)).toBeNull();
    const error = await failure(client().deleteMailboxes([`ada@${domain}`]));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "access_denied" });
  });
});

describe("authentication", () => {
  test("a wrong key is unauthorized, for reads and writes; after the first 401 the client pauses", async () => {
    const key = "WRONG0-D4E5F6-0A1B2C-3D4E5F-6A7B8C";
    const wrong = client({ apiKey: key });
    expect(await failure(wrong.getVersion())).toMatchObject({ kind: "unauthorized", reason: "authentication_failed", status: 401, retryable: false });
    expect(await failure(client({ apiKey: key }).addMailbox(addInput("ada")))).toMatchObject({ kind: "unauthorized", status: 401 });
    expect(mailcow.emulator.mailbox(`ada@${mailcow.emulator.domain}`)).toBeNull();
    // The same client sends nothing more: its next call fails at once without reaching Mailcow.
    const sent = mailcow.emulator.stats().requests;
    expect(await failure(wrong.addMailbox(addInput("ada")))).toMatchObject({ kind: "unauthorized", reason: "paused", status: undefined });
    expect(mailcow.emulator.stats().requests).toBe(sent);
    expect(wrong.authStatus()).toMatchObject({ paused: true, reason: "authentication_failed" });
  });

  test("the read-only key reads but cannot write", async () => {
    const readOnlyKey = mailcow.emulator.readOnlyApiKey;
    expect(readOnlyKey).toEqual(expect.any(String));
    const readOnly = client({ apiKey: readOnlyKey! });
    await expect(readOnly.getVersion()).resolves.toMatchObject({ version: expect.any(String) });
    const error = await failure(readOnly.addMailbox(addInput("ada")));
    expect(error).toMatchObject({ kind: "unauthorized", reason: "read_only", status: 403, retryable: false });
    expect(await failure(readOnly.editMailbox(`ada@${mailcow.emulator.domain}`, { active: false }))).toMatchObject({ reason: "read_only" });
    expect(await failure(readOnly.deleteMailboxes([`ada@${mailcow.emulator.domain}`]))).toMatchObject({ reason: "read_only" });
  });
});

describe("faults", () => {
  test("down → unreachable (refused), retryable", async () => {
    mailcow.emulator.fault("down");
    const error = await failure(client().getVersion());
    expect(error).toMatchObject({ kind: "unreachable", retryable: true, status: undefined });
    expect(error.operation).toBe("getVersion");
  });

  test("slow → unreachable (timeout) within the budget, and a timed-out read is not repeated", async () => {
    const slow = useSlow();
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 300 }).getVersion());
    expect(error).toMatchObject({ kind: "unreachable", reason: "timeout", retryable: true });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(mailcow.emulator.stats().requests - slow.before).toBe(1);
  });

  test("reset → unreachable", async () => {
    mailcow.emulator.fault("reset");
    const error = await failure(client().getVersion());
    expect(error).toMatchObject({ kind: "unreachable", retryable: true });
  });

  test("html500 → server_error; reads are tried 1 + readRetries times", async () => {
    mailcow.emulator.fault("html500");
    const before = mailcow.emulator.stats().requests;
    const error = await failure(client({ readRetries: 2 }).getVersion());
    expect(error).toMatchObject({ kind: "server_error", status: 500, retryable: true });
    expect(mailcow.emulator.stats().requests - before).toBe(3);
  });

  test("a read that fails once and then works succeeds", async () => {
    mailcow.emulator.fault("html500");
    const before = mailcow.emulator.stats().requests;
    const pending = client({ retryDelayMs: 250 }).getVersion();
    await waitFor(() => mailcow.emulator.stats().requests > before);
    mailcow.emulator.fault(null);
    await expect(pending).resolves.toMatchObject({ version: expect.any(String) });
    expect(mailcow.emulator.stats().requests - before).toBe(2);
  });

  test("danger → rejected mysql_error, retryable", async () => {
    mailcow.emulator.fault("danger");
    const error = await failure(client().addMailbox(addInput("ada")));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "mysql_error", retryable: true });
  });

  test("malformed → bad_response", async () => {
    mailcow.emulator.fault("malformed");
    const error = await failure(client().getVersion());
    expect(error).toMatchObject({ kind: "bad_response", retryable: true });
  });

  // The emulator counts `writes` only for requests it routed, so html500 and slow are counted as requests.
  // (A reset connection is counted by neither; wire.test.ts covers that case.)
  test.each(["html500", "slow", "danger", "malformed"] as const)("a failed write is sent once under %s", async (mode) => {
    if (mode === "slow") useSlow();
    else mailcow.emulator.fault(mode);
    const before = mailcow.emulator.stats();
    await failure(client({ timeoutMs: 300 }).addMailbox(addInput("ada")));
    const after = mailcow.emulator.stats();
    expect(after.requests - before.requests).toBe(1);
    if (mode === "danger" || mode === "malformed") expect(after.writes - before.writes).toBe(1);
  });
});

function useSlow() {
  mailcow.emulator.fault("slow");
  return { before: mailcow.emulator.stats().requests };
}

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("waitFor: condition not met");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
