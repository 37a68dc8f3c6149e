// Test support: the start state of the recorded Mailcow 2026-07a session (domains example.org and small.example,
// alias domain alias.example, password policy length 6) plus the mailboxes the recordings use, and one more domain
// whose name contains "example.org" to show that Mailcow's `/all/<domain>` matches by substring.
import type { MailcowEmulatorOptions } from "../test/use-mailcow-emulator";

export const RW_KEY = "A1B2C3-D4E5F6-0A1B2C-3D4E5F-6A7B8C";
export const PLATFORM = ["platform-mail"];
export const ANN = "ann@example.org";
export const BOB = "bob@example.org";
export const CARL = "carl@small.example";

export const RECORDED_SEED: NonNullable<MailcowEmulatorOptions["seed"]> = {
  domains: [
    { domain: "example.org", description: "test", mailboxes: 10, aliases: 400, defquota: 1024, maxquota: 2048, quota: 2560 },
    { domain: "small.example", description: "small.example", mailboxes: 1, aliases: 400, defquota: 100, maxquota: 1024, quota: 1024 },
    { domain: "notexample.org", description: "look-alike", mailboxes: 10, aliases: 400, defquota: 100, maxquota: 1024, quota: 2048 },
  ],
  aliasDomains: [{ aliasDomain: "alias.example", targetDomain: "example.org", active: 1 }],
  passwordPolicy: { length: 6 },
  apiKeys: { rw: RW_KEY, ro: "ROROR0-D4E5F6-0A1B2C-3D4E5F-6A7B8C" },
  mailboxes: [
    { address: ANN, name: "Ann", password: "Ann-mail-pw-1", quota: 100, tags: ["platform-mail", "platform-mail-user-ann"] },
    { address: BOB, name: "Bob", password: "Bob-mail-pw-1", quota: 100, tags: ["platform-mail", "platform-mail-user-bob"] },
    { address: "fpu@example.org", name: "Fpu", password: "Fpu-mail-pw-1", quota: 100, tags: ["platform-mail"] },
    { address: "off@example.org", name: "Off", password: "Off-mail-pw-1", quota: 100, active: 0 },
    { address: "noimap@example.org", name: "No Imap", password: "Noimap-mail-pw-1", quota: 100, tags: ["other-tag"] },
    { address: CARL, name: "Carl", password: "Carl-mail-pw-1", quota: 100, tags: ["platform-mail"] },
    { address: "ann@notexample.org", name: "Ann Elsewhere", password: "Ann-other-pw-1", quota: 100, tags: ["platform-mail", "platform-mail-user-ann"] },
  ],
};
