// The adapter against Mailcow 2026-07a's recorded exchanges (tools/mailcow-emulator/fixtures/exchanges-4.json): a
// scripted HTTP server answers with the recorded bodies, in order, and captures what the adapter sends, which must be
// the recorded request (method, path, JSON body) exactly. The look-ups the adapter makes before and after a change
// (ownership checks, read-backs) get recorded list answers too.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createMailcowClient } from "./index";
import { RW_KEY } from "./recorded-seed";
import { mailcowFailure } from "../test/mailcow-failure";

interface Exchange {
  label: string;
  method: string;
  path: string;
  req_body: string | null;
  status: number;
  body: string;
}

const EXCHANGES = new Map(
  (JSON.parse(readFileSync(new URL("../../tools/mailcow-emulator/fixtures/exchanges-4.json", import.meta.url), "utf8")) as Exchange[]).map((e) => [e.label, e]),
);
const exchange = (label: string): Exchange => {
  const found = EXCHANGES.get(label);
  if (!found) throw new Error(`no recorded exchange ${label}`);
  return found;
};

interface Sent {
  method: string;
  url: string;
  body: string;
}
/** A label (answered with its recorded status and body) or a literal answer for a look-up. */
type Reply = string | { status?: number; body: string };

let server: Server;
let baseUrl: string;
let sent: Sent[] = [];
let replies: Reply[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      sent.push({ method: req.method ?? "", url: req.url ?? "", body });
      const next = replies.shift() ?? { status: 500, body: "no reply scripted" };
      const reply = typeof next === "string" ? exchange(next) : { status: next.status ?? 200, body: next.body };
      res.writeHead(reply.status, { "Content-Type": "application/json" });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  sent = [];
  replies = [];
});

const client = () => createMailcowClient({ baseUrl, apiKey: RW_KEY, timeoutMs: 2_000, retryDelayMs: 1, readRetries: 0 });

/** The request the adapter sent at `index` is the recorded one. */
function expectSentAs(index: number, label: string) {
  const recorded = exchange(label);
  const request = sent[index];
  expect(request, `request ${index} (${label})`).toBeDefined();
  expect({ method: request!.method, url: request!.url }).toEqual({ method: recorded.method, url: recorded.path });
  if (recorded.req_body === null || recorded.req_body === "") expect(request!.body).toBe("");
  else expect(JSON.parse(request!.body)).toEqual(JSON.parse(recorded.req_body));
}

const failure = mailcowFailure;

describe("filters", () => {
  test("F.8 add/filter", async () => {
    replies.push("F.8");
    await client().addFilter({ mailbox: "ann@example.org", type: "prefilter", description: "forward-copy", script: 'require ["copy"];\nredirect :copy "ext@x.example";', active: true });
    expectSentAs(0, "F.8");
  });

  test("V.6 → V.7 edit/filter after checking the id is the mailbox's", async () => {
    replies.push("V.6", "V.7");
    expect(await client().editFilter("bob@example.org", 2, { active: true })).toBe(true);
    expect(sent[0]!.url).toBe("/api/v1/get/filters/bob@example.org");
    expectSentAs(1, "V.7");
  });

  test("V.30 → V.31 delete/filter; V.36 {} lists none", async () => {
    replies.push("V.30", "V.31", "V.36");
    expect(await client().deleteFilters("fpu@example.org", [7])).toEqual([7]);
    expectSentAs(0, "V.30");
    expectSentAs(1, "V.31");
    expect(await client().listFilters("fpu@example.org")).toEqual([]);
  });

  test("V.18 sieve_error; V.29 an empty body for a script over 65,535 bytes", async () => {
    replies.push("V.18", "V.29");
    const invalid = await failure(client().addFilter({ mailbox: "bob@example.org", type: "prefilter", description: "no-require", script: 'vacation "I am away.";', active: true }));
    expectSentAs(0, "V.18");
    expect(invalid).toMatchObject({ kind: "rejected", messageKey: "sieve_error", args: ["line 1: unknown command vacation"] });
    const big = JSON.parse(exchange("V.29").req_body!) as { script_data: string };
    const empty = await failure(client().addFilter({ mailbox: "fpu@example.org", type: "postfilter", description: "size-65536", script: big.script_data, active: false }));
    expectSentAs(1, "V.29");
    expect(empty).toMatchObject({ kind: "bad_response", reason: "empty_answer", retryable: false });
  });
});

describe("aliases", () => {
  test("AL.3 add/alias with sender_allowed 1 returns the id", async () => {
    replies.push("AL.3");
    expect(await client().addAlias({ address: "ann.sales@example.org", goto: ["ann@example.org"] })).toEqual({ id: 8, address: "ann.sales@example.org" });
    expectSentAs(0, "AL.3");
  });

  test("AL.7 lists a domain; AL.11 {} lists none", async () => {
    replies.push("AL.7", "AL.11");
    const aliases = await client().listDomainAliases("example.org");
    expectSentAs(0, "AL.7");
    expect(aliases.find((a) => a.address === "ann.private@example.org")).toMatchObject({ id: 7, goto: ["ann@example.org"], senderAllowed: false });
    expect(aliases.find((a) => a.address === "team@example.org")).toMatchObject({ goto: ["ann@example.org", "bob@example.org"] });
    expect(await client().listDomainAliases("ann.example")).toEqual([]);
  });

  test("AL.33 delete/alias by id; AL.24 bare max_alias_exceeded", async () => {
    replies.push("AL.33", "AL.24");
    await client().deleteAlias({ id: 10, address: "team@example.org" });
    expectSentAs(0, "AL.33");
    const full = await failure(client().addAlias({ address: "ann.extra@example.org", goto: ["ann@example.org"] }));
    expect(full).toMatchObject({ kind: "rejected", messageKey: "max_alias_exceeded", args: [] });
  });
});

describe("time-limited aliases", () => {
  test("TA.2 add/time_limited_alias, the new address read back (TA.10)", async () => {
    replies.push({ body: "{}" }, "TA.2", "TA.10");
    const alias = await client().addTimeLimitedAlias({ mailbox: "ann@example.org", domain: "example.org", validityHours: 24, description: "shop-a" });
    expectSentAs(1, "TA.2");
    expect(sent[2]!.url).toBe("/api/v1/get/time_limited_aliases/ann@example.org");
    expect(alias).toMatchObject({ address: "cayavi.nojukavo@example.org", mailbox: "ann@example.org", description: "shop-a", permanent: false });
  });

  test("TA.15 → TA.17 delete/time_limited_alias", async () => {
    replies.push("TA.15", "TA.17");
    expect(await client().deleteTimeLimitedAlias("ann@example.org", "cayavi.nojukavo@example.org")).toBe(true);
    expectSentAs(1, "TA.17");
  });
});

describe("app passwords", () => {
  test("AP.1 add/app-passwd with column names and active; the id read back (AP.18); no hash", async () => {
    replies.push({ body: "{}" }, "AP.1", "AP.18");
    const created = await client().addAppPassword({ mailbox: "ann@example.org", name: "imap-only", password: "Ann-app-imap-1", protocols: ["imap"] });
    expectSentAs(1, "AP.1");
    expect(created).toMatchObject({ id: 1, name: "imap-only", protocols: ["imap"], active: true });
    expect(JSON.stringify(created)).not.toContain("BLF-CRYPT");
  });

  test("AP.22 → AP.24 edit/app-passwd always names the owner", async () => {
    replies.push("AP.22", "AP.24", "AP.22");
    await client().editAppPassword("ann@example.org", 1, { name: "renamed" });
    expectSentAs(1, "AP.24");
  });

  test("AP.23 an empty answer to edit/app-passwd is empty_answer, not retryable", async () => {
    replies.push("AP.22", "AP.23");
    const error = await failure(client().editAppPassword("ann@example.org", 1, { name: "renamed" }));
    expect(error).toMatchObject({ kind: "bad_response", reason: "empty_answer", retryable: false });
  });

  test("AP.31 → AP.35 delete/app-passwd", async () => {
    replies.push("AP.31", "AP.35");
    expect(await client().deleteAppPasswords("ann@example.org", [5, 3])).toEqual([5, 3]);
    expectSentAs(1, "AP.35");
  });
});

describe("spam score", () => {
  test("SP.2 and SP.11 edit/spam-score; SP.5 reads low/high", async () => {
    replies.push("SP.2", "SP.11", "SP.5");
    await client().setSpamScore("ann@example.org", { low: 3, high: 10 });
    await client().setSpamScore("ann@example.org", "default");
    expectSentAs(0, "SP.2");
    expectSentAs(1, "SP.11");
    expect(await client().getSpamScore("ann@example.org")).toEqual({ low: 8, high: 8.1 });
  });

  test("SP.10 Mailcow's English sentence becomes spam_score_invalid", async () => {
    replies.push("SP.10");
    const error = await failure(client().setSpamScore("ann@example.org", { low: 1, high: 2 }));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "spam_score_invalid", args: [] });
    expect(error.message).not.toMatch(/Invalid spam score/);
  });
});

describe("mailboxes", () => {
  test("RC.1 lists with ?tags= and keeps exact tags; RC.8 {} lists none", async () => {
    replies.push("RC.1", "RC.8");
    const list = await client().listDomainMailboxes("example.org", { tag: "platform-mail" });
    expectSentAs(0, "RC.1");
    expect(list.map((m) => m.username)).toEqual(["ann@example.org", "bob@example.org", "fpu@example.org"]);
    expect(await client().listDomainMailboxes("example.org", { tag: "nomatch" })).toEqual([]);
  });

  test("RC.11 a substring domain answer is narrowed to the exact domain", async () => {
    replies.push("RC.11");
    const list = await client().listDomainMailboxes("small.example");
    expect(list.map((m) => m.username).sort()).toEqual(["carl@small.example", "dan@small.example"]);
  });

  test("RC.23 delete/mailbox/tag", async () => {
    replies.push("RC.23");
    await client().deleteMailboxTags("ann@example.org", ["vip", "second"]);
    expectSentAs(0, "RC.23");
  });

  test("a list answered as an object keyed 0, 1, … (PHP's array with gaps) reads as the list", async () => {
    const [first, second] = JSON.parse(exchange("V.6").body) as unknown[];
    replies.push({ body: JSON.stringify({ 0: first, 2: second }) });
    expect((await client().listFilters("bob@example.org")).map((f) => f.id)).toEqual([2, 3]);
  });
});
