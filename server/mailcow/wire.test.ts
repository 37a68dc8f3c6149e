// Wire-level facts the emulator cannot show: what exactly goes out (headers, cookies, body shapes) and how
// answers that only a real, misconfigured or older Mailcow produces are read. A scripted HTTP server on a
// loopback port plays the part, replaying bodies recorded in shared/mailcow/REAL-RESPONSES.md.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createMailcowClient } from "./index";
import { mailcowFailure } from "../test/mailcow-failure";

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
interface Reply {
  /** Drop the connection without answering, as a reset or a crashed proxy does. */
  destroy?: boolean;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

let server: Server;
let baseUrl: string;
let recorded: Recorded[] = [];
let replies: Reply[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      recorded.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const reply = replies.shift() ?? { status: 200, body: "{}" };
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      // Mailcow sets a session cookie on every answer; replaying it would authenticate without the key.
      res.writeHead(reply.status ?? 200, {
        "Content-Type": "application/json",
        "Set-Cookie": "MCSESSID=0123456789abcdef; path=/; HttpOnly; SameSite=Lax",
        ...reply.headers,
      });
      res.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  recorded = [];
  replies = [];
});

const KEY = "A1B2C3-D4E5F6-0A1B2C-3D4E5F-6A7B8C";
const client = () => createMailcowClient({ baseUrl, apiKey: KEY, timeoutMs: 2_000, retryDelayMs: 1 });

const failure = mailcowFailure;

describe("what goes out", () => {
  test("reads send X-API-Key and Accept, never Authorization or cookies, even after Set-Cookie", async () => {
    replies.push({ body: '{"version":"2026-07a"}' }, { body: '{"version":"2026-07a"}' });
    const mailcow = client();
    await mailcow.getVersion();
    await mailcow.getVersion();
    expect(recorded).toHaveLength(2);
    for (const request of recorded) {
      expect(request.method).toBe("GET");
      expect(request.url).toBe("/api/v1/get/status/version");
      expect(request.headers["x-api-key"]).toBe(KEY);
      expect(request.headers.accept).toBe("application/json");
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers.cookie).toBeUndefined();
      // Any Sec-Fetch-Dest other than "empty" makes Mailcow answer 403.
      expect(request.headers["sec-fetch-dest"] ?? "empty").toBe("empty");
    }
  });

  test("a trailing slash on baseUrl does not double up", async () => {
    replies.push({ body: '{"version":"x"}' });
    await createMailcowClient({ baseUrl: `${baseUrl}/`, apiKey: KEY }).getVersion();
    expect(recorded[0]?.url).toBe("/api/v1/get/status/version");
  });

  test("add/mailbox posts the bare attribute object as JSON with password2", async () => {
    replies.push({
      body: '[{"type":"success","log":["ratelimit","edit","mailbox",{"object":"jo@example.org"}],"msg":["rl_saved","jo@example.org"]},{"type":"success","log":[],"msg":["mailbox_added","jo@example.org"]}]',
    });
    const result = await client().addMailbox({
      localPart: "Jo",
      domain: "Example.org",
      name: "Jo Test",
      quotaMiB: 1024,
      password: "s3cret-Pass!",
      tlsEnforceIn: true,
      tlsEnforceOut: true,
      forcePwUpdate: true,
      tags: ["platform"],
    });
    expect(result).toEqual({ username: "jo@example.org", warnings: [] });
    const request = recorded[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/api/v1/add/mailbox");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["x-api-key"]).toBe(KEY);
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.parse(request.body)).toEqual({
      local_part: "jo",
      domain: "example.org",
      name: "Jo Test",
      quota: 1024,
      password: "s3cret-Pass!",
      password2: "s3cret-Pass!",
      active: 1,
      force_pw_update: 1,
      tls_enforce_in: 1,
      tls_enforce_out: 1,
      tags: ["platform"],
    });
  });

  test("edit wraps items/attr; delete sends a bare array", async () => {
    replies.push(
      { body: '[{"type":"success","msg":["mailbox_modified","jo@example.org"]}]' },
      { body: '[{"type":"success","msg":["mailbox_removed","jo@example.org"]}]' },
    );
    await client().editMailbox("jo@example.org", { password: "n3w-Pass!", active: 2, quotaMiB: 0 });
    await client().deleteMailboxes(["jo@example.org"]);
    expect(JSON.parse(recorded[0]!.body)).toEqual({
      items: ["jo@example.org"],
      attr: { password: "n3w-Pass!", password2: "n3w-Pass!", active: 2, quota: 0 },
    });
    expect(recorded[1]!.url).toBe("/api/v1/delete/mailbox");
    expect(JSON.parse(recorded[1]!.body)).toEqual(["jo@example.org"]);
  });

  test("deleting nothing sends nothing (Mailcow would answer a success without a key)", async () => {
    expect(await client().deleteMailboxes([])).toEqual({ removed: [], warnings: [] });
    expect(recorded).toHaveLength(0);
  });
});

describe("what comes back", () => {
  test("older releases: strings for numbers, an HTML tick for active, no max_new_mailbox_quota", async () => {
    replies.push({
      body: JSON.stringify({
        domain_name: "example.org",
        active: "&#10004;",
        active_int: "1",
        max_num_mboxes_for_domain: "10",
        mboxes_in_domain: "6",
        mboxes_left: "4",
        def_quota_for_mbox: "1073741824",
        max_quota_for_mbox: "2147483648",
        max_quota_for_domain: "2684354560",
        quota_used_in_domain: "1278214144",
        bytes_total: "27041095",
        msgs_total: "18",
      }),
    });
    const domain = await client().getDomain("example.org");
    expect(domain).toMatchObject({
      name: "example.org",
      active: true,
      mailboxesLeft: 4,
      maxNewMailboxQuotaBytes: 1_406_140_416,
      defNewMailboxQuotaBytes: 1_073_741_824,
      bytesUsed: 27_041_095,
      messagesTotal: 18,
    });
  });

  test("a mailbox with string numbers, no tags key and an unlimited quota", async () => {
    replies.push({
      body: JSON.stringify({
        username: "unl@example.org",
        active: "1",
        domain: "example.org",
        name: "",
        local_part: "unl",
        quota: "0",
        messages: "0",
        attributes: { force_pw_update: "1", tls_enforce_in: "0", tls_enforce_out: "1" },
        quota_used: "0",
        percent_in_use: "- ",
        created: "2026-11-27 09:57:14",
        modified: null,
        last_imap_login: "1764237434",
        last_smtp_login: 0,
        last_pop3_login: "0",
        last_sso_login: 0,
      }),
    });
    expect(await client().getMailbox("unl@example.org")).toEqual({
      username: "unl@example.org",
      localPart: "unl",
      domain: "example.org",
      name: "",
      active: 1,
      isActive: true,
      quotaBytes: 0,
      quotaUsedBytes: 0,
      percentInUse: null,
      messages: 0,
      forcePasswordUpdate: true,
      tlsEnforceIn: false,
      tlsEnforceOut: true,
      tags: [],
      lastImapLogin: new Date(1_764_237_434_000),
      lastSmtpLogin: null,
      lastPop3Login: null,
      lastSsoLogin: null,
      created: new Date("2026-11-27T09:57:14Z"),
      modified: null,
    });
  });

  test("an answer about another mailbox is not trusted", async () => {
    replies.push({ body: JSON.stringify({ username: "other@example.org", local_part: "other", domain: "example.org", active: 1, quota: 0 }) });
    const error = await failure(client().getMailbox("jo@example.org"));
    expect(error).toMatchObject({ kind: "bad_response", reason: "unexpected_shape" });
  });

  test("a read answered with a danger entry is a rejection (mysql_error is worth retrying)", async () => {
    replies.push({ body: '[{"type":"danger","msg":"mysql_error"}]' });
    const error = await failure(client().getMailbox("jo@example.org"));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "mysql_error", retryable: true });
  });

  test("a framework-level single-object write answer is understood", async () => {
    replies.push({ body: '{"type":"error","msg":"Cannot find attributes in post data"}' });
    const error = await failure(client().editMailbox("jo@example.org", { active: 0 }));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "Cannot find attributes in post data", retryable: false });
  });

  test('"Task completed" without the success key is not a success', async () => {
    replies.push({ body: '{"type":"success","msg":"Task completed"}' });
    const error = await failure(client().editMailbox("jo@example.org", { active: 0 }));
    expect(error).toMatchObject({ kind: "bad_response", reason: "missing_success", retryable: true });
  });

  test("a partial delete reports the refusal", async () => {
    replies.push({
      body: '[{"type":"success","msg":["mailbox_removed","a@example.org"]},{"type":"danger","msg":"access_denied"}]',
    });
    const error = await failure(client().deleteMailboxes(["a@example.org", "b@example.org"]));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "access_denied" });
  });

  test("warnings next to success are handed back", async () => {
    replies.push({
      body: '[{"type":"warning","msg":["Could not move maildir to garbage collector: x"]},{"type":"success","msg":["mailbox_removed","a@example.org"]}]',
    });
    expect(await client().deleteMailboxes(["a@example.org"])).toEqual({
      removed: ["a@example.org"],
      warnings: [{ type: "warning", key: "Could not move maildir to garbage collector: x", args: [] }],
    });
  });

  test.each([
    [401, '{"type":"error","msg":"api access denied for ip 203.0.113.7"}', "ip_not_allowed"],
    [401, '{"type":"error","msg":"authentication failed"}', "authentication_failed"],
    [403, '{"type":"error","msg":"API read\\/write access denied"}', "read_only"],
    [403, "", "forbidden"],
  ])("HTTP %i %s → unauthorized/%s", async (status, body, reason) => {
    replies.push({ status, body, headers: { "Content-Type": "text/html; charset=utf-8" } });
    const error = await failure(client().getVersion());
    expect(error).toMatchObject({ kind: "unauthorized", reason, status, retryable: false });
  });

  test("an empty body on a read means the key never arrived", async () => {
    replies.push({ body: "" });
    const error = await failure(client().getVersion());
    expect(error).toMatchObject({ kind: "unauthorized", reason: "no_key_received", status: 200 });
    expect(recorded).toHaveLength(1);
  });

  test("an empty body on a write has an unknown outcome", async () => {
    replies.push({ body: "" });
    const error = await failure(client().addMailbox({ localPart: "jo", domain: "example.org", quotaMiB: 1, password: "s3cret-Pass!" }));
    expect(error).toMatchObject({ kind: "bad_response", reason: "empty_body", retryable: true });
    expect(error.message).toMatch(/may or may not/);
  });

  test("redirects are not followed, so the key is not sent to the new place", async () => {
    replies.push({ status: 301, headers: { Location: "https://elsewhere.example/api/v1/get/status/version" } });
    const error = await failure(client().getVersion());
    expect(error).toMatchObject({ kind: "bad_response", reason: "redirect", status: 301 });
    expect(error.message).toContain("https://elsewhere.example/");
    expect(recorded).toHaveLength(1);
  });

  test("404 route not found points at the URL", async () => {
    replies.push({ status: 404, body: '{"type":"error","msg":"route not found"}' });
    const error = await failure(client().getVersion());
    expect(error).toMatchObject({ kind: "bad_response", reason: "http_4xx", status: 404, retryable: false });
    expect(error.message).toMatch(/api\/v1/);
  });

  test("an HTML page with 200 (the web UI, not the API) is bad_response", async () => {
    replies.push({ body: "<!DOCTYPE html><html><body>mailcow UI</body></html>", headers: { "Content-Type": "text/html" } });
    const error = await failure(client().getVersion());
    expect(error).toMatchObject({ kind: "bad_response", reason: "not_json" });
  });
});

describe("retries", () => {
  test("a read whose connection drops is tried 1 + readRetries times", async () => {
    replies.push({ destroy: true }, { destroy: true }, { destroy: true });
    const error = await failure(createMailcowClient({ baseUrl, apiKey: KEY, readRetries: 2, retryDelayMs: 1 }).getVersion());
    expect(error).toMatchObject({ kind: "unreachable", reason: "reset", retryable: true });
    expect(recorded).toHaveLength(3);
  });

  test("a read recovers when a later attempt works", async () => {
    replies.push({ status: 502, body: "<html>bad gateway</html>" }, { body: '{"version":"2026-07a"}' });
    expect(await client().getVersion()).toEqual({ version: "2026-07a" });
    expect(recorded).toHaveLength(2);
  });

  test("readRetries 0 means one attempt", async () => {
    replies.push({ status: 503, body: "" });
    await failure(createMailcowClient({ baseUrl, apiKey: KEY, readRetries: 0 }).getVersion());
    expect(recorded).toHaveLength(1);
  });

  test("a write whose connection drops is sent once, and says its outcome is unknown", async () => {
    replies.push({ destroy: true }, { destroy: true });
    const error = await failure(client().addMailbox({ localPart: "jo", domain: "example.org", quotaMiB: 1, password: "s3cret-Pass!" }));
    expect(error).toMatchObject({ kind: "unreachable", reason: "reset", retryable: true });
    expect(error.message).toMatch(/may or may not/);
    expect(recorded).toHaveLength(1);
  });

  test("a write answered 5xx is sent once", async () => {
    replies.push({ status: 500, body: "<html>Connection to Redis failed</html>" }, { status: 500 });
    const error = await failure(client().deleteMailboxes(["jo@example.org"]));
    expect(error).toMatchObject({ kind: "server_error", status: 500 });
    expect(recorded).toHaveLength(1);
  });
});

describe("refusing bad input before sending", () => {
  test("negative, fractional or non-numeric quotas, pre-hashed passwords and path-bending addresses", async () => {
    const mailcow = client();
    const base = { localPart: "jo", domain: "example.org", password: "s3cret-Pass!" };
    await expect(mailcow.addMailbox({ ...base, quotaMiB: -5 })).rejects.toThrow(RangeError);
    await expect(mailcow.addMailbox({ ...base, quotaMiB: 1.5 })).rejects.toThrow(RangeError);
    await expect(mailcow.editMailbox("jo@example.org", { quotaMiB: Number.NaN })).rejects.toThrow(RangeError);
    await expect(mailcow.addMailbox({ ...base, quotaMiB: 1, password: "{SSHA256}abcdef" })).rejects.toThrow(RangeError);
    await expect(mailcow.getMailbox("all")).rejects.toThrow(TypeError);
    await expect(mailcow.getMailbox("a/b@example.org")).rejects.toThrow(TypeError);
    await expect(mailcow.getMailbox("jo@example.org?x=1")).rejects.toThrow(TypeError);
    expect(recorded).toHaveLength(0);
  });

  test("an empty key or a non-http URL is refused at construction", () => {
    expect(() => createMailcowClient({ baseUrl, apiKey: "" })).toThrow(TypeError);
    expect(() => createMailcowClient({ baseUrl, apiKey: "abc\ndef" })).toThrow(TypeError);
    expect(() => createMailcowClient({ baseUrl: "mail.example.com/api/v1", apiKey: KEY })).toThrow(TypeError);
  });
});
