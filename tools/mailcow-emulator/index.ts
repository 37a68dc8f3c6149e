// The stand-in Mailcow: a real HTTP server that answers Mailcow's API (mailboxes, aliases, domains, filters, app
// passwords, time-limited aliases, spam score, password policy, version; resources.ts lists them) and its passdb
// endpoint the way the real PHP does, with SQLite state and fault switches for tests, demos and benchmarks. It shares
// no code with the adapter in server/mailcow/.
import { createEmulator, type EmulatorOptions, type MailcowEmulator } from "./emulator-server";

export type {
  EmulatorFault,
  EmulatorMailboxRow,
  EmulatorOptions,
  EmulatorStats,
  MailcowEmulator,
} from "./emulator-server";
export type { DovecotBackendOptions } from "./dovecot-backend";
export type { Seed, SeedInput } from "./seed";
export { parseSeed, readSeedFile } from "./seed";
export { generateApiKey } from "./emulator-server";

export function startMailcowEmulator(options: EmulatorOptions = {}): Promise<MailcowEmulator> {
  return createEmulator(options);
}
