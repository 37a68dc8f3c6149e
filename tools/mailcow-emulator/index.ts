// The stand-in Mailcow: a real HTTP server that answers the mailbox, alias, domain, password-policy and version
// endpoints of Mailcow's API the way the real PHP does (../shared/mailcow/API-CONTRACT.md), with SQLite state and
// fault switches for tests, demos and benchmarks. It shares no code with the adapter in server/mailcow/.
import { createEmulator, type EmulatorOptions, type MailcowEmulator } from "./emulator-server";

export type {
  EmulatorFault,
  EmulatorMailboxRow,
  EmulatorOptions,
  EmulatorStats,
  MailcowEmulator,
} from "./emulator-server";
export type { DovecotBackendOptions } from "./dovecot-backend";
export { generateApiKey } from "./emulator-server";

export function startMailcowEmulator(options: EmulatorOptions = {}): Promise<MailcowEmulator> {
  return createEmulator(options);
}
