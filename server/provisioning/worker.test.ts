// The worker on its own clock: with Mailcow down at sign-up, the mailbox turns active by itself after recovery.
import { expect, test } from "vitest";
import { manualClock } from "../test/clock";
import { createTestClient, createTestServices, STRONG_PASSWORD } from "../test/create-test-context";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import { backoffMs } from "./attempt";

const mailcow = useMailcowEmulator({ timeoutMs: 10_000 });

test("a pending mailbox becomes active by itself once Mailcow recovers, without a second mailbox", async () => {
  const clock = manualClock();
  const services = createTestServices(
    { PROVISIONING_POLL_MS: "50", PROVISIONING_SIGNUP_DEADLINE_MS: "10000" },
    { mailcow: mailcow.config, now: clock },
  );
  services.provisioner.start();
  try {
    mailcow.emulator.fault("down");
    const user = await (await createTestClient(services).caller()).auth.register({ username: "ada", password: STRONG_PASSWORD });
    expect(user.mailbox.state).toBe("pending");
    mailcow.emulator.fault(null);
    // Once the backoff is over, the worker's own loop creates the mailbox.
    clock.advance(3_600_000);
    await expect.poll(() => services.provisioner.store.get(user.id)?.state, { timeout: 10_000, interval: 50 }).toBe("active");
    expect(mailcow.emulator.checkPassword("ada@example.test", STRONG_PASSWORD)).toBe(true);
    expect(mailcow.emulator.stats().writes).toBe(1);
  } finally {
    await services.provisioner.stop();
  }
});

test("backoff grows exponentially with jitter, capped", () => {
  const base = 5000;
  const cap = 1_800_000;
  expect(backoffMs(1, base, cap, () => 0)).toBe(2500);
  expect(backoffMs(1, base, cap, () => 1)).toBe(5000);
  expect(backoffMs(3, base, cap, () => 1)).toBe(20_000);
  expect(backoffMs(30, base, cap, () => 1)).toBe(cap);
  expect(backoffMs(30, base, cap, () => 0)).toBe(cap / 2);
});
