// Every Mailcow fault class during sign-up, mailbox password change and account deletion: the user is told the
// truth, nothing is lost, and everything converges once Mailcow (or its API key) is healthy again.
// provisioning.test.ts covers the sign-up cases one by one; this file runs the whole matrix with the same checks,
// including the read-only key and faults during updatePassword and deletion. Each case has its own emulator and
// database, so all cases start together in beforeAll and each test reports its own case's outcome.
// Deterministic under load: a healthy Mailcow never times out (10 s), the "slow" Mailcow stalls 30 s against a
// 1 s timeout, and time-driven steps (backoff, grace period) move an injected clock instead of waiting.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { pino } from "pino";
import { beforeAll, describe, expect, test } from "vitest";
import { startMailcowEmulator, type EmulatorFault, type MailcowEmulator } from "../../tools/mailcow-emulator/index";
import { ownerTag } from "../provisioning/attempt";
import type { Services } from "../services";
import { createTestClient, createTestServices, STRONG_PASSWORD } from "../test/create-test-context";

/** A healthy request never takes this long, whatever the load. */
const TIMEOUT_MS = 10_000;
/** The platform's timeout against the "slow" Mailcow, which stalls for 30 s: the stall always wins. */
const SLOW_TIMEOUT_MS = 1_000;
const PAST_EVERY_BACKOFF_MS = 3_600_000;

interface FaultCase {
  name: string;
  /** An emulator fault switch, or an API key the platform is (mis)configured with. */
  emulator?: EmulatorFault;
  key?: (mailcow: MailcowEmulator) => string;
  /** Mailcow answers writes with a refusal (each refused add is counted by the emulator as a write). */
  refusesWrites?: boolean;
  /** The reason the mailbox row gives once the sign-up's attempt has failed. */
  reason: string;
}

const FAULTS: FaultCase[] = [
  { name: "down", emulator: "down", reason: "mailcow_unreachable" },
  { name: "reset", emulator: "reset", reason: "mailcow_unreachable" },
  { name: "slow", emulator: "slow", reason: "mailcow_unreachable" }, // our timeout
  { name: "html500", emulator: "html500", reason: "mailcow_error" },
  { name: "danger", emulator: "danger", refusesWrites: true, reason: "mailcow_busy" },
  { name: "malformed", emulator: "malformed", reason: "mailcow_error" },
  { name: "wrong key", key: () => "WRONG-KEY-0123456789", reason: "mailcow_auth" },
  { name: "read-only key", key: (mailcow) => mailcow.readOnlyApiKey!, refusesWrites: true, reason: "mailcow_auth" },
];

/**
 * One platform over one database file, and a way to break Mailcow for it and heal it again. A wrong key is an
 * operator's mistake: the platform runs with it until the key is fixed and the server restarted, so the faulty
 * and the healed platform are two service instances over the same database (like two processes in a row).
 */
async function world(fault: FaultCase) {
  const mailcow = await startMailcowEmulator({ slowMs: 30_000 });
  let clock = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), "pm-faults-"));
  const env = { DATABASE_PATH: path.join(dir, "platform.db"), DATA_DIR: dir, PROVISIONING_SIGNUP_DEADLINE_MS: "200", ACCOUNT_DELETION_GRACE_HOURS: "24" };
  const errors: string[] = [];
  const open = (apiKey = mailcow.apiKey, timeoutMs = TIMEOUT_MS): Services => {
    // Error-level log lines are collected: an operator must hear about a wrong key.
    const logger = pino({ level: "error" }, { write: (line: string) => void errors.push(line) });
    return createTestServices(env, { mailcow: { baseUrl: mailcow.url, apiKey, timeoutMs }, now: () => clock, logger });
  };
  const healthy = open();
  const opened: Services[] = [healthy];
  return {
    mailcow,
    healthy,
    errors,
    advance: (ms: number) => void (clock += ms),
    /** Moves past every backoff, then lets the healthy platform work until nothing is due. */
    async drain() {
      clock += PAST_EVERY_BACKOFF_MS;
      await healthy.provisioner.drain();
    },
    /**
     * Services that see the fault: the same ones for most emulator faults; a twin over the same database for a
     * misconfigured key, and for "slow" (a twin with a short timeout, so the stall always outlasts it).
     */
    break(): Services {
      if (fault.emulator) mailcow.fault(fault.emulator);
      if (fault.emulator && fault.emulator !== "slow") return healthy;
      const broken = fault.key ? open(fault.key(mailcow)) : open(mailcow.apiKey, SLOW_TIMEOUT_MS);
      opened.push(broken);
      return broken;
    },
    /**
     * Attempts still running (a request's attempt may outlive its short deadline) end under the fault first, so
     * the outcome never depends on how fast this machine is; then Mailcow is healthy again.
     */
    async heal() {
      for (const services of opened) await services.provisioner.stop();
      mailcow.fault(null);
    },
    async close() {
      for (const services of opened) {
        await services.provisioner.stop();
        services.db.close();
      }
      await mailcow.close();
    },
  };
}

async function signUp(services: Services, username: string, password = STRONG_PASSWORD) {
  const client = createTestClient(services);
  const user = await (await client.caller()).auth.register({ username, password });
  return { client, user };
}

/** An account whose mailbox is active (the first attempt may outlive the short sign-up deadline: drain waits for it). */
async function activeAccount(services: Services, username: string) {
  const { user } = await signUp(services, username);
  await services.provisioner.drain();
  expect(services.provisioner.store.get(user.id)?.state).toBe("active");
  return user;
}

async function signIn(services: Services, login: string, password: string) {
  const client = createTestClient(services);
  await (await client.caller()).auth.login({ login, password });
  return client;
}

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

/** The Mailcow mailbox of a user: exists, carries their tag (so it is ours, and there is exactly one address). */
async function ourMailbox(services: Services, address: string, userId: string) {
  const mailbox = await services.mailcow.getMailbox(address);
  expect(mailbox, `${address} in Mailcow`).not.toBeNull();
  expect(mailbox!.tags).toContain(ownerTag(userId));
  return mailbox!;
}

/** The three operations, each under one fault, from a fresh world to convergence. */
const CASES: Record<string, (fault: FaultCase) => Promise<void>> = {
  "sign-up: the account stands, the mailbox waits honestly, and is created exactly once after recovery": async (fault) => {
    const w = await world(fault);
    try {
      const broken = w.break();
      const { client, user } = await signUp(broken, "ada");
      // Honest state: the account exists and is signed in; the mailbox is "being created" (the attempt outlived the
      // sign-up's deadline) or "pending" with the reason, never active.
      expect(["provisioning", "pending"]).toContain(user.mailbox.state);
      if (user.mailbox.state === "pending") expect(user.mailbox.reason).toBe(fault.reason);
      expect(await (await client.caller()).auth.me()).toMatchObject({ username: "ada" });
      await broken.provisioner.stop(); // waits for the attempt still running, if any
      const info = await (await client.caller()).mailbox.info();
      expect(info).toMatchObject({ state: "pending", reason: fault.reason, live: null });
      expect(info.reasonText).toMatch(/автоматически/);
      // Nothing lost: the password waits sealed (never in clear) until Mailcow has the mailbox.
      const row = broken.provisioner.store.get(user.id)!;
      expect(row.sealed_password).toMatch(/^v1\./);
      expect(row.sealed_password).not.toContain(STRONG_PASSWORD);

      await w.heal();
      await w.drain();
      expect(w.healthy.provisioner.store.get(user.id)).toMatchObject({ state: "active", sealed_password: null });
      await ourMailbox(w.healthy, "ada@example.test", user.id);
      expect(w.mailcow.checkPassword("ada@example.test", STRONG_PASSWORD)).toBe(true);
      // Exactly one creation reached Mailcow (plus the one it refused, where it refuses writes): no second add.
      expect(w.mailcow.stats().writes).toBe(fault.refusesWrites ? 2 : 1);
    } finally {
      await w.close();
    }
  },
  "mailbox password change: refused honestly, the mailbox and its password intact, works after recovery": async (fault) => {
    const w = await world(fault);
    try {
      const user = await activeAccount(w.healthy, "ada");
      const broken = w.break();
      const client = await signIn(broken, "ada", STRONG_PASSWORD);
      const error = await rejection((await client.caller()).mailbox.updatePassword({ newPassword: "a-brand-new-mailbox-pw" }));
      expect(error.code).toBe("SERVICE_UNAVAILABLE");
      expect(error.message).toBe("mailbox.mailcowUnavailable");
      if (fault.key) expect(w.errors.join("\n")).toContain("Mailcow refused the platform's API key");
      // The stored state is untouched: still our active mailbox, nothing sealed, the account password unchanged.
      expect(broken.provisioner.store.get(user.id)).toMatchObject({ state: "active", sealed_password: null });

      await w.heal();
      await ourMailbox(w.healthy, "ada@example.test", user.id);
      const old = w.mailcow.checkPassword("ada@example.test", STRONG_PASSWORD);
      const changed = w.mailcow.checkPassword("ada@example.test", "a-brand-new-mailbox-pw");
      if (fault.emulator === "malformed") {
        // Mailcow did the change but the answer never arrived in one piece: one of the two, never neither.
        expect(old !== changed).toBe(true);
      } else {
        expect({ old, changed }).toEqual({ old: true, changed: false });
      }
      // Convergence: the user tries again and it works.
      const again = await signIn(w.healthy, "ada", STRONG_PASSWORD);
      const info = await (await again.caller()).mailbox.updatePassword({ newPassword: "a-brand-new-mailbox-pw" });
      expect(info.state).toBe("active");
      expect(w.mailcow.checkPassword("ada@example.test", "a-brand-new-mailbox-pw")).toBe(true);
    } finally {
      await w.close();
    }
  },
  "account deletion: signed out at once, the mailbox kept until it can be disabled, removed after the grace period": async (fault) => {
    const w = await world(fault);
    try {
      const user = await activeAccount(w.healthy, "ada");
      const broken = w.break();
      const client = await signIn(broken, "ada", STRONG_PASSWORD);
      expect(await (await client.caller()).auth.deleteAccount({ password: STRONG_PASSWORD })).toEqual({ ok: true });
      // The account side is done whatever Mailcow does: signed out, cannot sign in, the name stays taken.
      expect(await (await client.caller()).auth.me()).toBeNull();
      await rejection(signIn(broken, "ada", STRONG_PASSWORD));
      const row = broken.provisioner.store.get(user.id)!;
      expect(row).toMatchObject({ state: "deleting", reason: "account_deleted" });
      // Nothing removed early: the mailbox is still in Mailcow (disabled only where the change got through).
      await w.heal();
      const during = await ourMailbox(w.healthy, "ada@example.test", user.id);
      if (fault.emulator !== "malformed") expect(during.active).toBe(1);

      // Recovery: the worker disables it…
      await w.drain();
      expect((await ourMailbox(w.healthy, "ada@example.test", user.id)).active).toBe(0);
      expect(w.healthy.provisioner.store.get(user.id)).toMatchObject({ state: "deleting" });
      expect(w.healthy.accounts.findById(user.id)).not.toBeNull();
      // …and after the grace period removes mailbox and account; the name is free again.
      w.advance(25 * 3_600_000);
      await w.healthy.provisioner.drain();
      expect(w.mailcow.mailbox("ada@example.test")).toBeNull();
      expect(w.healthy.accounts.findById(user.id)).toBeNull();
      expect(w.healthy.provisioner.store.get(user.id)).toBeNull();
    } finally {
      await w.close();
    }
  },
};

const outcomes = new Map<string, Promise<void>>();
beforeAll(() => {
  for (const fault of FAULTS) {
    for (const [name, run] of Object.entries(CASES)) {
      const outcome = run(fault);
      outcome.catch(() => undefined); // reported by its test, not as an unhandled rejection
      outcomes.set(`${fault.name}: ${name}`, outcome);
    }
  }
});

describe.each(FAULTS)("Mailcow fault: $name", (fault) => {
  // All 24 cases run at once, so one case's wall time includes the others' work: the limit guards against a hang
  // only (outcomes never depend on time here).
  for (const name of Object.keys(CASES)) test(name, () => outcomes.get(`${fault.name}: ${name}`), 180_000);
});
