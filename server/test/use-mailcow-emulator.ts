// One Mailcow emulator per test file, on a free loopback port, reset before every test; the adapter's real HTTP
// path runs against it. Call at the top level of a test file (or of a describe block) — it registers hooks:
//
//   const mailcow = useMailcowEmulator();
//   test("…", async () => {
//     mailcow.emulator.fault("down");
//     const client = createMailcowClient(mailcow.config);
//   });
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startMailcowEmulator, type MailcowEmulator } from "../../tools/mailcow-emulator/index";

export type MailcowEmulatorOptions = NonNullable<Parameters<typeof startMailcowEmulator>[0]>;

export interface MailcowTestConfig {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
}

export interface MailcowEmulatorHandle {
  readonly emulator: MailcowEmulator;
  /** Ready for createMailcowClient(); a short timeout keeps fault tests fast. */
  readonly config: MailcowTestConfig;
}

export function useMailcowEmulator(options: MailcowEmulatorOptions & { timeoutMs?: number } = {}): MailcowEmulatorHandle {
  const { timeoutMs = 2_000, ...emulatorOptions } = options;
  let emulator: MailcowEmulator | undefined;

  beforeAll(async () => {
    emulator = await startMailcowEmulator({ port: 0, ...emulatorOptions });
  });
  afterAll(async () => {
    await emulator?.close();
    emulator = undefined;
  });
  beforeEach(async () => {
    if (!emulator) return;
    await emulator.reset();
    emulator.fault(null);
  });

  const started = (): MailcowEmulator => {
    if (!emulator) throw new Error("useMailcowEmulator: the emulator is not running (use it inside tests or hooks)");
    return emulator;
  };
  return {
    get emulator() {
      return started();
    },
    get config() {
      const running = started();
      return { baseUrl: running.url, apiKey: running.apiKey, timeoutMs };
    },
  };
}
