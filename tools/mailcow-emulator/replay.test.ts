// Replays the 201 exchanges recorded against Mailcow's real PHP (fixtures/: exchanges measured against Mailcow tag 2026-07a)
// in order, against one emulator, and compares status, content type, Set-Cookie presence and the body byte for byte
// once timestamps, Unix times and password hashes are masked. Out-of-scope exchanges are skipped by name below, each with its reason.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEmulator, type MailcowEmulator } from "./emulator-server";
import { loadExchanges, type Exchange } from "./recorded-exchanges";
import { readSeedFile } from "./seed";
import { rawRequest } from "./test-support";


const FILES = ["exchanges-1.json", "exchanges-2.json", "exchanges-3.json"];
const exchanges: Exchange[] = loadExchanges(...FILES);

const RW_KEY = "A1B2C3-D4E5F6-0A1B2C-3D4E5F-6A7B8C";
const RO_KEY = "ROROR0-D4E5F6-0A1B2C-3D4E5F-6A7B8C";

const IP_ACL = "needs Mailcow's per-key IP allow list, changed by SQL during the recording; the emulator has no IP restriction";
const QUARANTINE = "quarantine notification settings are out of scope";

/** Exchanges the emulator does not reproduce, with why. Everything else must match. */
const SKIPPED: Record<string, string> = {
  "A2.1": IP_ACL,
  "A2.2": IP_ACL,
  "H.5": IP_ACL,
  "A2.3": "the read-only key was deactivated by SQL during the recording; the emulator's keys are always active",
  "X39.1": QUARANTINE,
  "X39.2": QUARANTINE,
  "X40.1": "the API request log (/get/logs/api) is out of scope",
};

/**
 * Deliberate differences, applied to the recorded body before comparing. Real Mailcow echoes passwords in clear text
 * when the body is wrapped as {"attr": …}; the emulator never echoes a password.
 */
const DEVIATIONS: Record<string, (expected: string) => string> = {
  "M14.1": (expected) => expected.replace('"password":"secret1","password2":"secret1"', '"password":"*","password2":"*"'),
};

/** Usage figures the recording wrote into quota2 by SQL (normally Dovecot) right before the "Q" exchanges. */
const USAGE_BEFORE_Q: [string, number, number][] = [
  ["str@example.org", 4_718_592, 3],
  ["proto@example.org", 8_126_464, 5],
  ["dom@example.org", 9_961_472, 7],
  ["abc@example.org", 1_234_567, 1],
  ["pp@example.org", 3_000_000, 2],
];

const DATETIME = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g;
const normalise = (body: string) =>
  body
    .replace(DATETIME, "<datetime>")
    .replace(/"\{(?:BLF-CRYPT|SSHA256)\}[^"]*"/g, '"<hash>"')
    .replace(/"validity": [1-9]\d{8,}/g, '"validity": <unix time>');

function recordedCookie(headers: [string, string][] | undefined): string | null {
  const cookie = headers?.find(([name]) => name.toLowerCase() === "set-cookie")?.[1];
  return cookie ? (/MCSESSID=([0-9a-f]+)/.exec(cookie)?.[1] ?? null) : null;
}

describe("replay of the recorded Mailcow exchanges", () => {
  let emulator: MailcowEmulator;
  // Session ids differ per run: map the recording's ids to the ones this emulator handed out.
  const sessionIds = new Map<string, string>();

  beforeAll(async () => {
    // The recording starts with no domain at all and creates its own (S.1–S.3): its seed holds only the keys and
    // the policy. cookieAuth reproduces the cookie-reuse quirk the C.* exchanges demonstrate.
    const seed = readSeedFile(new URL("./seeds/recorded-empty.json", import.meta.url).pathname);
    expect(seed.apiKeys).toEqual({ rw: RW_KEY, ro: RO_KEY });
    // The recording's one time-limited alias got a random name; the emulator is handed that name.
    emulator = await createEmulator({ seed, version: "2026-07a", cookieAuth: true }, { spamAliasLocalPart: () => "fupogi.ci" });
  });
  afterAll(async () => {
    await emulator.close();
  });

  test("the skip list only names exchanges that exist, each with a reason; everything else is replayed", () => {
    const labels = new Set(exchanges.map((e) => e.label));
    expect(exchanges).toHaveLength(201);
    for (const reason of Object.values(SKIPPED)) expect(reason.trim()).not.toBe("");
    expect(exchanges.filter((e) => !SKIPPED[e.label])).toHaveLength(201 - Object.keys(SKIPPED).length);
    for (const label of [...Object.keys(SKIPPED), ...Object.keys(DEVIATIONS)]) expect(labels).toContain(label);
  });

  exchanges.forEach((exchange, index) => {
    const name = `${String(index + 1).padStart(3, "0")} ${exchange.label} ${exchange.method} ${exchange.path}`;
    // Out-of-scope exchanges (SKIPPED, each with its reason) get no test; the test above pins that list.
    if (SKIPPED[exchange.label]) return;
    test(name, async () => {
      if (exchange.label === "Q.str") {
        for (const [email, bytes, messages] of USAGE_BEFORE_Q) emulator.setMailboxUsage(email, { bytes, messages });
      }
      const headers = { ...exchange.req_headers };
      if (headers.Cookie) {
        headers.Cookie = headers.Cookie.replace(/MCSESSID=([0-9a-f]+)/, (_m, id: string) => `MCSESSID=${sessionIds.get(id) ?? id}`);
      }
      const origin = new URL(emulator.url).origin;
      const response = await rawRequest(`${origin}${exchange.path}`, { method: exchange.method, headers, body: exchange.req_body });

      const ourCookie = /MCSESSID=([0-9a-f]+)/.exec(String(response.headers["set-cookie"] ?? ""))?.[1] ?? null;
      const theirCookie = recordedCookie(exchange.resp_headers);
      if (theirCookie && ourCookie) sessionIds.set(theirCookie, ourCookie);

      const expectedBody = (DEVIATIONS[exchange.label] ?? ((b: string) => b))(exchange.body);
      expect({ status: response.status, contentType: response.contentType, body: normalise(response.body) }).toEqual({
        status: exchange.status,
        contentType: exchange.ctype,
        body: normalise(expectedBody),
      });
      if (exchange.resp_headers) expect(ourCookie !== null).toBe(theirCookie !== null);
    });
  });
});
