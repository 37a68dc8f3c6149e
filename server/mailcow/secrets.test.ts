// The API key and mailbox passwords never show up in an error, however it is printed or logged.
// ofetch's FetchError carries the request options (headers with X-API-Key, the body with the password);
// these tests would catch it, or anything like it, leaking through `cause`.
import { inspect } from "node:util";
import { describe, expect, test } from "vitest";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import { createMailcowClient, MailcowError, type MailcowErrorKind } from "./index";

const mailcow = useMailcowEmulator({ slowMs: 2_000 });
const PASSWORD = "Xq7-unmistakable-PASSWORD-4711";
const WRONG_KEY = "DEAD00-BEEF11-CAFE22-F00D33-ABCD44";

async function caught(promise: Promise<unknown>): Promise<MailcowError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailcowError);
  return error as MailcowError;
}

function renderings(error: Error): string[] {
  return [
    JSON.stringify(error),
    JSON.stringify({ err: error, cause: error.cause }),
    String(error),
    error.stack ?? "",
    inspect(error, { depth: 10, showHidden: true, getters: true }),
    inspect({ error }, { depth: 10 }),
  ];
}

function expectClean(error: Error, secrets: string[]) {
  for (const text of renderings(error)) {
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      // Lower-cased too: Mailcow compares keys case-insensitively, so a lower-cased echo would still be the key.
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  }
}

describe("no secrets in errors", () => {
  const scenarios: Array<[MailcowErrorKind, string, () => Promise<MailcowError>]> = [
    [
      "unauthorized",
      "wrong key on a write",
      () => caught(createMailcowClient({ ...mailcow.config, apiKey: WRONG_KEY }).addMailbox(add())),
    ],
    [
      "unauthorized",
      "read-only key on a password change",
      () => caught(createMailcowClient({ ...mailcow.config, apiKey: mailcow.emulator.readOnlyApiKey! }).editMailbox(email(), { password: PASSWORD })),
    ],
    [
      "rejected",
      "password refused by policy",
      async () => {
        await mailcow.emulator.setPasswordPolicy({ length: 64 });
        return caught(client().addMailbox(add()));
      },
    ],
    [
      "rejected",
      "object_exists on add",
      async () => {
        await client().addMailbox(add());
        return caught(client().addMailbox(add()));
      },
    ],
    ["rejected", "mysql_error", () => fault("danger", () => client().addMailbox(add()))],
    ["unreachable", "down", () => fault("down", () => client().addMailbox(add()))],
    ["unreachable", "reset", () => fault("reset", () => client().editMailbox(email(), { password: PASSWORD }))],
    ["unreachable", "timeout", () => fault("slow", () => client({ timeoutMs: 200 }).addMailbox(add()))],
    ["server_error", "html500", () => fault("html500", () => client().addMailbox(add()))],
    ["bad_response", "malformed", () => fault("malformed", () => client().editMailbox(email(), { password: PASSWORD }))],
    ["unreachable", "read while down", () => fault("down", () => client().getMailbox(email()))],
    ["server_error", "read on html500", () => fault("html500", () => client().getVersion())],
    ["bad_response", "read of malformed", () => fault("malformed", () => client().getDomain(mailcow.emulator.domain))],
  ];

  test.each(scenarios)("%s (%s)", async (kind, _label, run) => {
    const error = await run();
    expect(error.kind).toBe(kind);
    expectClean(error, [mailcow.config.apiKey, WRONG_KEY, PASSWORD, mailcow.emulator.readOnlyApiKey!]);
  });

  test("an unreachable host with the key in nothing but the header", async () => {
    // A closed port: the lowest-level error (undici's "fetch failed" with its cause) is what gets wrapped.
    const error = await caught(createMailcowClient({ baseUrl: "http://127.0.0.1:9/api/v1", apiKey: mailcow.config.apiKey, readRetries: 0 }).addMailbox(add()));
    expect(error.kind).toBe("unreachable");
    expectClean(error, [mailcow.config.apiKey, PASSWORD]);
    expect(error.cause).toBeInstanceOf(Error);
    expect(Object.keys(error.cause as object)).not.toContain("options");
  });
});

function client(overrides: { timeoutMs?: number } = {}) {
  return createMailcowClient({ ...mailcow.config, retryDelayMs: 1, ...overrides });
}

function email() {
  return `ada@${mailcow.emulator.domain}`;
}

function add() {
  return { localPart: "ada", domain: mailcow.emulator.domain, quotaMiB: 10, password: PASSWORD };
}

async function fault(mode: "down" | "reset" | "slow" | "html500" | "danger" | "malformed", run: () => Promise<unknown>) {
  mailcow.emulator.fault(mode);
  return caught(run());
}
