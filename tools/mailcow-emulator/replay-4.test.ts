// Replays the 338 exchanges recorded against Mailcow's real PHP for filters, aliases, sender ACL, app passwords, the
// passdb endpoint, quotas, time-limited aliases, spam score and tag listings (fixtures/exchanges-4.json, measured
// against Mailcow tag 2026-07a) in order, from the recording's written start state (seeds/recorded-start.json), and
// compares status, content type, Set-Cookie presence and the body byte for byte once run-specific values are masked
// (timestamps, Unix times, password hashes). Out-of-scope exchanges are pinned by name below, each with its reason.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEmulator, type MailcowEmulator } from "./emulator-server";
import { loadExchanges, type Exchange } from "./recorded-exchanges";
import { readSeedFile } from "./seed";
import { rawRequest } from "./test-support";


const exchanges: Exchange[] = loadExchanges("exchanges-4.json");

const BCC = "BCC maps are executed by rspamd, which the emulator does not stand in for (forwarding uses Sieve filters)";
const SEARCH = "POST /api/v1/search/mailbox (the DataTables protocol of Mailcow's web UI) is not emulated";
const SSO = "domain administrators, their SSO tokens and the web UI (/domainadmin, /sogo-auth.php) are out of scope";

/** Exchanges the emulator does not reproduce, with why. Everything else must match. */
const OUT_OF_SCOPE: Record<string, string> = {
  "F.10": BCC,
  "F.11": BCC,
  "F.12": BCC,
  "F.13": BCC,
  "RC.15": SEARCH,
  "RC.16": SEARCH,
  "RC.17": SEARCH,
  "RC.18": SEARCH,
  ...Object.fromEntries(exchanges.filter((e) => e.label.startsWith("SSO.")).map((e) => [e.label, SSO])),
};

/** The random time-limited alias names of the recording, handed to the emulator in the order they were created. */
const RECORDED_SPAM_ALIASES = ["cayavi.nojukavo", "va.pasinanu", "huke.zafafe"];

const normalise = (body: string) =>
  body
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g, "<datetime>")
    .replace(/"\{(?:BLF-CRYPT|SSHA256)\}[^"]*"/g, '"<hash>"')
    .replace(/"(validity|last_imap_login|last_smtp_login|last_pop3_login)": [1-9]\d{8,}/g, '"$1": <unix time>');

describe("replay of the recorded Mailcow exchanges, part 4", () => {
  let emulator: MailcowEmulator;

  beforeAll(async () => {
    const names = [...RECORDED_SPAM_ALIASES];
    emulator = await createEmulator(
      { seed: readSeedFile(new URL("./seeds/recorded-start.json", import.meta.url).pathname), version: "2026-07a" },
      { spamAliasLocalPart: () => names.shift() ?? "unexpected.name" },
    );
  });
  afterAll(async () => {
    await emulator.close();
  });

  test("the out-of-scope list only names exchanges that exist, each with a reason; everything else is replayed", () => {
    const labels = new Set(exchanges.map((e) => e.label));
    expect(exchanges).toHaveLength(338);
    for (const reason of Object.values(OUT_OF_SCOPE)) expect(reason.trim()).not.toBe("");
    for (const label of Object.keys(OUT_OF_SCOPE)) expect(labels).toContain(label);
    expect(Object.keys(OUT_OF_SCOPE)).toHaveLength(22);
  });

  exchanges.forEach((exchange, index) => {
    const name = `${String(index + 1).padStart(3, "0")} ${exchange.label} ${exchange.method} ${exchange.path}`;
    // Out-of-scope exchanges get no test; the test above pins that list.
    if (OUT_OF_SCOPE[exchange.label]) return;
    test(name, async () => {
      const origin = new URL(emulator.url).origin;
      const response = await rawRequest(`${origin}${exchange.path}`, {
        method: exchange.method,
        headers: exchange.req_headers,
        body: exchange.req_body,
      });
      expect({ status: response.status, contentType: response.contentType, body: normalise(response.body) }).toEqual({
        status: exchange.status,
        contentType: exchange.ctype,
        body: normalise(exchange.body),
      });
      const recordedCookie = exchange.resp_headers?.some(([header]) => header.toLowerCase() === "set-cookie");
      if (exchange.resp_headers) expect(response.headers["set-cookie"] !== undefined).toBe(recordedCookie);
    });
  });
});
