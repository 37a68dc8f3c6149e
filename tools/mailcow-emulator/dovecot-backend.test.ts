// The Dovecot backend: every mailbox change through the API is a real IMAP fact before the call returns, and
// get/mailbox reports what Dovecot counts. Skipped (with the reason printed) where Dovecot is not installed.
import { describe, expect, test } from "vitest";
import { passwdLine } from "./dovecot-backend";
import type { MailboxRow } from "./store";

const MIB = 1_048_576;

describe("passwd-file lines", () => {
  const row = (patch: Partial<MailboxRow> = {}): MailboxRow => ({
    username: "ada@example.test",
    local_part: "ada",
    domain: "example.test",
    name: "",
    password: "{BLF-CRYPT}$2y$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01",
    quota: 1024 * MIB,
    active: 1,
    attributes: { imap_access: "1" },
    authsource: "mailcow",
    rl_value: null,
    rl_frame: null,
    bytes: 0,
    messages: 0,
    created: "",
    modified: null,
    ...patch,
  });

  test("an active mailbox: hash as stored, Mailcow's quota rule in bytes", () => {
    expect(passwdLine(row(), true)).toBe(`ada@example.test:${row().password}::::::userdb_quota_rule=*:bytes=1073741824`);
    expect(passwdLine(row({ quota: 0 }), true)).toMatch(/userdb_quota_rule=\*:bytes=0$/);
  });

  test("active 2 and imap_access 0 keep the userdb entry (mail is delivered) but cannot log in", () => {
    expect(passwdLine(row({ active: 2 }), true)).toMatch(/::::::nologin userdb_quota_rule=/);
    expect(passwdLine(row({ attributes: { imap_access: "0" } }), true)).toMatch(/::::::nologin userdb_quota_rule=/);
  });

  test("inactive mailboxes, inactive domains and values that would break the file get no line", () => {
    expect(passwdLine(row({ active: 0 }), true)).toBeNull();
    expect(passwdLine(row(), false)).toBeNull();
    expect(passwdLine(row({ password: "{SHA}a:b" }), true)).toBeNull();
    expect(passwdLine(row({ password: "{SHA}a\nevil@example.test:{PLAIN}x" }), true)).toBeNull();
  });
});
