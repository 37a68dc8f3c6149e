// One test per item of the Mailcow fidelity checklist (the behaviours of Mailcow tag 2026-07a an emulator must
// reproduce; the numbers match that checklist) that is in the emulator's scope, plus the password policy, edit semantics and response encodings the brief asks for.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { startMailcowEmulator, type MailcowEmulator } from "./index";
import { api, mailboxBody, rawRequest, type Api } from "./test-support";

const RW = "A1B2C3-D4E5F6-0A1B2C-3D4E5F-6A7B8C";
const RO = "ROROR0-D4E5F6-0A1B2C-3D4E5F-6A7B8C";
const D = "example.org";
const MIB = 1_048_576;

let mailcow: MailcowEmulator;
let rw: Api;
let ro: Api;
let anon: (path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }) => ReturnType<typeof rawRequest>;

beforeAll(async () => {
  // The recording's example.org limits: 10 mailboxes, 1024 MiB default, 2048 MiB per mailbox, 2560 MiB in total.
  mailcow = await startMailcowEmulator({
    domain: D,
    apiKey: RW,
    readOnlyApiKey: RO,
    domainLimits: { mailboxes: 10, defQuotaMiB: 1024, maxQuotaMiB: 2048, quotaMiB: 2560 },
  });
  rw = api(mailcow.url, RW);
  ro = api(mailcow.url, RO);
  anon = (path, init = {}) =>
    rawRequest(`${mailcow.url}${path}`, {
      method: init.method ?? "GET",
      headers: { ...(init.body !== undefined ? { "Content-Type": "application/json" } : {}), ...init.headers },
      body: init.body === undefined ? null : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
    });
});
afterAll(async () => {
  await mailcow.close();
});
beforeEach(() => {
  mailcow.reset();
});

const danger = (msg: unknown) => expect.objectContaining({ type: "danger", msg });
const addJo = (extra: Record<string, unknown> = {}) => rw.postJson("/add/mailbox", mailboxBody("jo", D, extra));

describe("auth and transport", () => {
  test("1. a wrong key is a 401 with Mailcow's exact body, typed text/html", async () => {
    for (const response of [
      await rawRequest(`${mailcow.url}/get/status/version`, { headers: { "X-API-Key": "wrong" } }),
      await rawRequest(`${mailcow.url}/add/mailbox`, {
        method: "POST",
        headers: { "X-API-Key": "wrong", "Content-Type": "application/json" },
        body: JSON.stringify(mailboxBody("jo", D)),
      }),
    ]) {
      expect(response.status).toBe(401);
      expect(response.contentType).toBe("text/html; charset=utf-8");
      expect(response.body).toBe('{"type":"error","msg":"authentication failed"}');
    }
    expect(mailcow.mailbox(`jo@${D}`)).toBeNull();
  });

  // 2. IP allow list: out of scope (the emulator has no per-key IP restriction; see README.md).

  test("3. Authorization: Bearer is ignored: the request is anonymous, a GET answers 200 with no body", async () => {
    const response = await anon("/get/mailbox/all", { headers: { Authorization: `Bearer ${RW}` } });
    expect(response).toMatchObject({ status: 200, contentType: "application/json", body: "" });
  });

  test("4. without a key, edit and delete are 403", async () => {
    for (const [path, body] of [
      ["/edit/mailbox", { items: [`jo@${D}`], attr: { active: 0 } }],
      ["/delete/mailbox", [`jo@${D}`]],
    ] as const) {
      const response = await anon(path, { method: "POST", body });
      expect(response.status).toBe(403);
      expect(response.body).toBe('{"type":"error","msg":"API read\\/write access denied"}');
    }
  });

  test("5. without a key, add/alias is access_denied, add/mailbox an empty 200 (or mailbox_invalid); nothing is created", async () => {
    const alias = await anon("/add/alias", { method: "POST", body: { address: `anon@${D}`, goto: "x@y.z", active: 1 } });
    expect(JSON.parse(alias.body)).toEqual([danger("access_denied")]);
    const mailbox = await anon("/add/mailbox", { method: "POST", body: mailboxBody("anon", D) });
    expect(mailbox).toMatchObject({ status: 200, body: "" });
    const invalid = await anon("/add/mailbox", { method: "POST", body: mailboxBody("an on", D) });
    expect(JSON.parse(invalid.body)).toEqual([danger("mailbox_invalid")]);
    expect(mailcow.mailbox(`anon@${D}`)).toBeNull();
    expect(await rw.getJson("/get/alias/all")).toEqual({});
  });

  test("6. the read-only key reads but every write is 403", async () => {
    await addJo();
    for (const [path, body] of [
      ["/add/mailbox", mailboxBody("ro", D)],
      ["/edit/mailbox", { items: [`jo@${D}`], attr: { active: 0 } }],
      ["/delete/mailbox", [`jo@${D}`]],
    ] as const) {
      const response = await ro.post(path, body);
      expect(response.status).toBe(403);
      expect(JSON.parse(response.body)).toEqual({ type: "error", msg: "API read/write access denied" });
    }
    expect(await ro.getJson(`/get/mailbox/jo@${D}`)).toMatchObject({ username: `jo@${D}`, active: 1 });
    expect(await ro.getJson("/get/status/version")).toEqual({ version: "2026-07a" });
  });

  test("7. the key is stripped to [A-Za-z0-9-] and compared case-insensitively", async () => {
    expect((await rawRequest(`${mailcow.url}/get/status/version`, { headers: { "X-API-Key": `"  ${RW}  "` } })).status).toBe(200);
    expect((await rawRequest(`${mailcow.url}/get/status/version`, { headers: { "X-API-Key": RW.toLowerCase() } })).status).toBe(200);
    expect((await rawRequest(`${mailcow.url}/get/status/version`, { headers: { "x-api-key": RW } })).status).toBe(200);
    const bearer = await rawRequest(`${mailcow.url}/get/status/version`, { headers: { "X-API-Key": `Bearer ${RW}` } });
    expect(bearer.status).toBe(401);
  });

  test("8. unknown action or category is 404 route not found", async () => {
    for (const response of [
      await rw.post("/add/nonsense", { a: 1 }),
      await rw.get("/get/nonsense"),
      await rw.post("/edit/nonsense", { items: ["x"], attr: {} }),
      await rw.post("/delete/nonsense", ["x"]),
      await rw.get("/nonsense/mailbox"),
    ]) {
      expect(response.status).toBe(404);
      expect(response.body).toBe('{"type":"error","msg":"route not found"}');
    }
  });

  test("9. wrong methods are 405; a GET to add without a body is 200 'Cannot find attributes'", async () => {
    const post = await rw.post("/get/status/version", { a: 1 });
    expect(post.status).toBe(405);
    expect(post.body).toBe('{"type":"error","msg":"only GET method is allowed"}');
    const get = await rawRequest(`${mailcow.url}/delete/mailbox`, {
      headers: { "X-API-Key": RW, "Content-Type": "application/json" },
      body: JSON.stringify([`jo@${D}`]),
    });
    expect(get.status).toBe(405);
    expect(get.body).toBe('{"type":"error","msg":"only POST method is allowed"}');
    const noBody = await rw.get("/add/mailbox");
    expect(noBody.status).toBe(200);
    expect(noBody.body).toBe('{"type":"error","msg":"Cannot find attributes in post data"}');
  });

  test("10. invalid JSON with application/json is 400 on writes, ignored on reads", async () => {
    for (const path of ["/add/mailbox", "/edit/mailbox", "/delete/mailbox"]) {
      const response = await rw.post(path, "{bad json");
      expect(response.status).toBe(400);
      expect(response.body).toBe(`{"type":"error","msg":"Request body doesn't contain valid json!"}`);
    }
    const read = await rawRequest(`${mailcow.url}/get/mailbox/all`, {
      headers: { "X-API-Key": RW, "Content-Type": "application/json" },
      body: "{bad json",
    });
    expect(read).toMatchObject({ status: 200, body: "{}" });
  });

  test("11. a JSON body sent as text/plain is not read: 200 'Cannot find attributes' (one object, not an array)", async () => {
    const response = await rw.post("/add/mailbox", mailboxBody("jo", D), { "Content-Type": "text/plain" });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ type: "error", msg: "Cannot find attributes in post data" });
    expect(mailcow.mailbox(`jo@${D}`)).toBeNull();
  });

  test("11b. the web UI's form encoding (attr=<json>) is read", async () => {
    const form = new URLSearchParams({ attr: JSON.stringify(mailboxBody("form", D)) }).toString();
    const response = await rw.post("/add/mailbox", form, { "Content-Type": "application/x-www-form-urlencoded" });
    expect(JSON.parse(response.body)).toEqual([
      expect.objectContaining({ msg: ["rl_saved", `form@${D}`] }),
      expect.objectContaining({ msg: ["mailbox_added", `form@${D}`] }),
    ]);
  });

  test("12. Sec-Fetch-Dest other than 'empty' is 403 with an empty body, after authentication", async () => {
    const document = await rw.get("/get/status/version", { "Sec-Fetch-Dest": "document" });
    expect(document).toMatchObject({ status: 403, body: "", contentType: "application/json" });
    expect((await rw.get("/get/status/version", { "Sec-Fetch-Dest": "empty" })).status).toBe(200);
    const wrongKey = await rawRequest(`${mailcow.url}/get/status/version`, { headers: { "X-API-Key": "wrong", "Sec-Fetch-Dest": "document" } });
    expect(wrongKey.status).toBe(401);
  });

  test("every response sets a new MCSESSID cookie; by default a cookie never authenticates", async () => {
    const first = await rw.get("/get/status/version");
    const cookie = String(first.headers["set-cookie"]);
    expect(cookie).toMatch(/^MCSESSID=[0-9a-f]{32}; path=\/; HttpOnly; SameSite=Lax$/);
    const wrong = await rawRequest(`${mailcow.url}/get/status/version`, { headers: { "X-API-Key": "wrong" } });
    expect(String(wrong.headers["set-cookie"])).toMatch(/^MCSESSID=/);
    const sessionOnly = { Cookie: cookie.split(";")[0] as string };
    expect(await anon("/get/mailbox/all", { headers: sessionOnly })).toMatchObject({ status: 200, body: "" });
    const write = await anon("/add/alias", { method: "POST", body: { address: `ck@${D}`, goto: "x@y.z", active: 1 }, headers: sessionOnly });
    expect(JSON.parse(write.body)).toEqual([danger("access_denied")]);
  });

  test("cookieAuth: true reproduces Mailcow's cookie-reuse quirk (opt-in)", async () => {
    const quirky = await startMailcowEmulator({ domain: D, apiKey: RW, cookieAuth: true });
    try {
      const first = await rawRequest(`${quirky.url}/get/status/version`, { headers: { "X-API-Key": RW } });
      const cookie = (String(first.headers["set-cookie"]).split(";")[0] as string) ?? "";
      const write = await rawRequest(`${quirky.url}/add/alias`, {
        method: "POST",
        headers: { Cookie: cookie, "Content-Type": "application/json" },
        body: JSON.stringify({ address: `ck@${D}`, goto: "x@y.z", active: 1 }),
      });
      expect(JSON.parse(write.body)).toEqual([expect.objectContaining({ type: "success", msg: ["alias_added", `ck@${D}`, "1"] })]);
      expect(write.headers["set-cookie"]).toBeUndefined();
    } finally {
      await quirky.close();
    }
  });

  test("OPTIONS preflight is 200 with an empty text/html body; paths outside /api/v1 are nginx 404s", async () => {
    const options = await rawRequest(`${mailcow.url}/get/mailbox/all`, { method: "OPTIONS", headers: { Origin: "https://app.example" } });
    expect(options).toMatchObject({ status: 200, contentType: "text/html; charset=utf-8", body: "" });
    expect(options.headers["access-control-allow-headers"]).toBe("Accept, Content-Type, X-Api-Key, Origin");
    const outside = await rawRequest(new URL("/SOGo/", mailcow.url).toString());
    expect(outside.status).toBe(404);
    expect(outside.contentType).toBe("text/html; charset=utf-8");
  });
});

describe("add/mailbox", () => {
  test("13. success is [rl_saved, mailbox_added] with the log shapes, passwords masked", async () => {
    const response = await rw.post("/add/mailbox", mailboxBody("jo", D, { name: "Jo Test" }));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual([
      {
        type: "success",
        log: ["ratelimit", "edit", "mailbox", { object: `jo@${D}`, rl_frame: "s", rl_value: "" }],
        msg: ["rl_saved", `jo@${D}`],
      },
      {
        type: "success",
        log: ["mailbox", "add", "mailbox", { ...mailboxBody("jo", D, { name: "Jo Test" }), password: "*", password2: "*" }, null],
        msg: ["mailbox_added", `jo@${D}`],
      },
    ]);
    expect(response.body).not.toContain("secret1");
  });

  test("14. a body wrapped as {attr: …} is mailbox_invalid, and the emulator still masks the nested passwords", async () => {
    const response = await rw.post("/add/mailbox", { attr: mailboxBody("wrapped", D) });
    expect(JSON.parse(response.body)).toEqual([danger("mailbox_invalid")]);
    expect(response.body).not.toContain("secret1");
  });

  test("15. an existing mailbox is object_exists even when the password is also bad", async () => {
    await addJo();
    expect(await addJo({ password: "a", password2: "b" })).toEqual([danger(["object_exists", `jo@${D}`])]);
  });

  test("16. an address already used by an alias is is_alias", async () => {
    mailcow.seedAlias(`x@${D}`, "someone@else.example");
    expect(await rw.postJson("/add/mailbox", mailboxBody("x", D))).toEqual([danger(["is_alias", `x@${D}`])]);
  });

  test("17. unknown domain is access_denied; an alias domain is domain_not_found", async () => {
    expect(await rw.postJson("/add/mailbox", mailboxBody("n", "nowhere.example"))).toEqual([danger("access_denied")]);
    await rw.postJson("/add/alias-domain", { alias_domain: "alias.example", target_domain: D, active: 1 });
    expect(await rw.postJson("/add/mailbox", mailboxBody("n", "alias.example"))).toEqual([danger(["domain_not_found", "alias.example"])]);
  });

  test("18. password2 missing, mismatch, too short: password_check entries", async () => {
    const passwordCheck = (msg: string) => [{ type: "danger", log: ["password_check", null, null], msg }];
    expect(await rw.postJson("/add/mailbox", { local_part: "p1", domain: D, password: "secret1", quota: 10 })).toEqual(
      passwordCheck("password_complexity"),
    );
    expect(await rw.postJson("/add/mailbox", mailboxBody("p2", D, { password2: "secret2" }))).toEqual(passwordCheck("password_mismatch"));
    expect(await rw.postJson("/add/mailbox", mailboxBody("p3", D, { password: "abcde", password2: "abcde" }))).toEqual(
      passwordCheck("password_complexity"),
    );
    expect(await rw.postJson("/add/mailbox", { local_part: "p4", domain: D })).toEqual(passwordCheck("password_complexity"));
  });

  test("19. a full domain is max_mailbox_exceeded, checked after the password and before the quota", async () => {
    await rw.postJson("/add/domain", { domain: "small.example", mailboxes: 1, defquota: 100, maxquota: 1024, quota: 1024 });
    await rw.postJson("/add/mailbox", mailboxBody("s1", "small.example", { quota: 10 }));
    expect(await rw.postJson("/add/mailbox", mailboxBody("s2", "small.example", { quota: 10 }))).toEqual([
      danger(["max_mailbox_exceeded", 1, 1]),
    ]);
    expect(await rw.postJson("/add/mailbox", mailboxBody("s2", "small.example", { password: "abc", password2: "abc" }))).toEqual([
      danger("password_complexity"),
    ]);
    expect(await rw.postJson("/add/mailbox", mailboxBody("s2", "small.example", { quota: 99_999 }))).toEqual([
      danger(["max_mailbox_exceeded", 1, 1]),
    ]);
  });

  test("20. quota above the per-mailbox maximum, then above what the domain has left", async () => {
    await addJo({ quota: 1024 });
    expect(await rw.postJson("/add/mailbox", mailboxBody("q1", D, { quota: 4096 }))).toEqual([danger(["mailbox_quota_exceeded", 2048])]);
    expect(await rw.postJson("/add/mailbox", mailboxBody("q2", D, { quota: 2048 }))).toEqual([
      danger(["mailbox_quota_left_exceeded", 1536]),
    ]);
  });

  test("21. omitted or junk quota means unlimited (0), which does not count toward the domain", async () => {
    await rw.postJson("/add/mailbox", mailboxBody("unl", D, { quota: undefined }));
    await rw.postJson("/add/mailbox", mailboxBody("abc", D, { quota: "abc" }));
    for (const user of ["unl", "abc"]) {
      expect(await rw.getJson(`/get/mailbox/${user}@${D}`)).toMatchObject({ quota: 0, percent_in_use: "- ", percent_class: "info" });
    }
    expect(await rw.getJson(`/get/domain/${D}`)).toMatchObject({ quota_used_in_domain: "0", mboxes_in_domain: 2 });
  });

  test("22. local part and domain are lower-cased, name defaults to '', active to 1; active 2 is kept", async () => {
    await rw.postJson("/add/mailbox", { local_part: "Jo2", domain: "Example.ORG", password: "secret1", password2: "secret1", quota: 100 });
    expect(await rw.getJson(`/get/mailbox/jo2@${D}`)).toMatchObject({ username: `jo2@${D}`, name: "", active: 1, active_int: 1 });
    await rw.postJson("/add/mailbox", mailboxBody("act2", D, { active: 2, quota: 100 }));
    expect(await rw.getJson(`/get/mailbox/act2@${D}`)).toMatchObject({ active: 2, active_int: 2 });
  });

  test("23. the mailbox's self-alias is hidden but blocks an alias on the same address", async () => {
    await addJo();
    expect(await rw.getJson(`/get/alias/jo@${D}`)).toEqual({});
    expect(await rw.postJson("/add/alias", { address: `jo@${D}`, goto: "x@y.z", active: 1 })).toEqual([
      danger(["is_alias_or_mailbox", `jo@${D}`]),
    ]);
  });

  test("numbers sent as strings and protocol_access are accepted; a {SSHA256} value is stored as a pre-hash", async () => {
    await rw.postJson("/add/mailbox", { ...mailboxBody("str", D), quota: "10", active: "1", imap_access: "0" });
    expect(await rw.getJson(`/get/mailbox/str@${D}`)).toMatchObject({ quota: 10 * MIB, active: 1, attributes: { imap_access: "0" } });
    await rw.postJson("/add/mailbox", { ...mailboxBody("proto", D), protocol_access: ["imap", "smtp"] });
    expect(await rw.getJson(`/get/mailbox/proto@${D}`)).toMatchObject({
      attributes: { imap_access: "1", smtp_access: "1", pop3_access: "0", sieve_access: "0", eas_access: "0", dav_access: "0", sogo_access: "1" },
    });
    await rw.postJson("/add/mailbox", mailboxBody("pre", D, { password: "{SSHA256}abcdef", password2: "{SSHA256}abcdef" }));
    expect(mailcow.mailbox(`pre@${D}`)?.passwordScheme).toBe("{SSHA256}");
  });
});

describe("get/mailbox, get/domain", () => {
  test("24. unknown or non-email is {}, an empty list is {} (not []), one mailbox an object, all an array", async () => {
    expect((await rw.get(`/get/mailbox/unknown@${D}`)).body).toBe("{}");
    expect((await rw.get("/get/mailbox/not-an-email")).body).toBe("{}");
    expect((await rw.get("/get/mailbox/all")).body).toBe("{}");
    await addJo();
    expect(await rw.getJson(`/get/mailbox/jo@${D}`)).toMatchObject({ username: `jo@${D}` });
    expect(await rw.getJson("/get/mailbox/all")).toEqual([expect.objectContaining({ username: `jo@${D}` })]);
  });

  test("25. all/<unknown domain> lists the mailboxes of every domain", async () => {
    await rw.postJson("/add/domain", { domain: "small.example", mailboxes: 1, defquota: 100, maxquota: 1024, quota: 1024 });
    await addJo();
    await rw.postJson("/add/mailbox", mailboxBody("s1", "small.example", { quota: 10 }));
    const users = (list: unknown) => (list as { username: string }[]).map((m) => m.username);
    expect(users(await rw.getJson("/get/mailbox/all/does-not-exist.example"))).toEqual([`jo@${D}`, "s1@small.example"]);
    expect(users(await rw.getJson("/get/mailbox/all/small.example"))).toEqual(["s1@small.example"]);
  });

  test("26. field types: bytes as ints, flags as strings, tags absent when empty, logins 0, rl false", async () => {
    await addJo();
    const mailbox = (await rw.getJson(`/get/mailbox/jo@${D}`)) as Record<string, unknown>;
    expect(mailbox).toMatchObject({
      active: 1,
      active_int: 1,
      quota: 1024 * MIB,
      quota_used: 0,
      messages: 0,
      percent_in_use: 0,
      percent_class: "success",
      custom_attributes: [],
      last_imap_login: 0,
      last_smtp_login: 0,
      last_pop3_login: 0,
      last_sso_login: 0,
      rl: false,
      rl_scope: "domain",
      max_new_quota: 2048 * MIB, // min(2560 MiB left, 2048 MiB per mailbox)
      sender_acl: [],
      authsource: "mailcow",
      attributes: {
        force_pw_update: "0",
        force_tfa: "0",
        tls_enforce_in: "0",
        tls_enforce_out: "0",
        sogo_access: "1",
        imap_access: "1",
        relayhost: "0",
        mailbox_format: "maildir:",
        quarantine_notification: "hourly",
        quarantine_category: "reject",
        attribute_hash: "",
      },
    });
    expect(mailbox.created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(mailbox.modified).toBe(mailbox.created);
    expect(mailbox).not.toHaveProperty("tags");
    expect(mailbox.attributes).not.toHaveProperty("recovery_email");
  });

  test("26b. usage (as Dovecot would write it) gives integer percentages and classes", async () => {
    await addJo({ quota: 10 });
    for (const [bytes, percent, cls] of [
      [4_718_592, 45, "success"],
      [8_126_464, 78, "warning"],
      [9_961_472, 95, "danger"],
      [30_000_000, 286, "danger"],
    ] as const) {
      mailcow.setMailboxUsage(`jo@${D}`, { bytes, messages: 3 });
      expect(await rw.getJson(`/get/mailbox/jo@${D}`)).toMatchObject({ quota_used: bytes, messages: 3, percent_in_use: percent, percent_class: cls });
    }
    expect(await rw.getJson(`/get/domain/${D}`)).toMatchObject({ bytes_total: "30000000", msgs_total: "3" });
  });

  test("27. domain figures are bytes; allocation is a string; headroom = min(left, per-mailbox max)", async () => {
    await addJo({ quota: 1024 });
    await rw.postJson("/add/mailbox", mailboxBody("b", D, { quota: 100 }));
    expect(await rw.getJson(`/get/domain/${D}`)).toMatchObject({
      domain_name: D,
      max_quota_for_mbox: 2048 * MIB,
      def_quota_for_mbox: 1024 * MIB,
      max_quota_for_domain: 2560 * MIB,
      quota_used_in_domain: String(1124 * MIB),
      max_new_mailbox_quota: 1436 * MIB,
      def_new_mailbox_quota: 1024 * MIB,
      mboxes_in_domain: 2,
      mboxes_left: 8,
      bytes_total: 0,
      msgs_total: 0,
      relayhost: "0",
      modified: null,
    });
    expect((await rw.get("/get/domain/unknown.example")).body).toBe("{}");
    expect(await rw.getJson("/get/domain/all")).toEqual([expect.objectContaining({ domain_name: D })]);
  });
});

describe("edit/mailbox, delete/mailbox", () => {
  test("28. edit of an unknown mailbox is access_denied; a non-email item is username_invalid", async () => {
    expect(await rw.postJson("/edit/mailbox", { items: [`nobody@${D}`], attr: { active: 0 } })).toEqual([danger("access_denied")]);
    expect(await rw.postJson("/edit/mailbox", { items: ["notanemail"], attr: { active: 0 } })).toEqual([
      danger(["username_invalid", "notanemail"]),
    ]);
  });

  test("29. a password mismatch skips the whole item: the name stays", async () => {
    await addJo({ name: "Jo Test" });
    expect(await rw.postJson("/edit/mailbox", { items: [`jo@${D}`], attr: { password: "a", password2: "b", name: "New" } })).toEqual([
      { type: "danger", log: ["password_check", null, null], msg: "password_mismatch" },
    ]);
    expect(mailcow.mailbox(`jo@${D}`)?.name).toBe("Jo Test");
  });

  test("30. a quota above the headroom is mailbox_quota_left_exceeded (never mailbox_quota_exceeded)", async () => {
    await addJo({ quota: 1024 });
    await rw.postJson("/add/mailbox", mailboxBody("b", D, { quota: 1000 }));
    expect(await rw.postJson("/edit/mailbox", { items: [`jo@${D}`], attr: { quota: 100_000 } })).toEqual([
      danger(["mailbox_quota_left_exceeded", 1560]),
    ]);
    expect(await rw.postJson("/edit/mailbox", { items: [`jo@${D}`], attr: { quota: 1560 } })).toEqual([
      expect.objectContaining({ type: "success", msg: ["mailbox_modified", `jo@${D}`] }),
    ]);
    expect(mailcow.mailbox(`jo@${D}`)?.quota).toBe(1560 * MIB);
  });

  test("31. active 0, one entry per item, items may be a bare string", async () => {
    await addJo();
    await rw.postJson("/add/mailbox", mailboxBody("jo2", D, { quota: 100 }));
    expect(await rw.postJson("/edit/mailbox", { items: [`jo@${D}`], attr: { active: 0 } })).toEqual([
      {
        type: "success",
        log: ["mailbox", "edit", "mailbox", { username: [`jo@${D}`], active: 0 }, null],
        msg: ["mailbox_modified", `jo@${D}`],
      },
    ]);
    expect(await rw.getJson(`/get/mailbox/jo@${D}`)).toMatchObject({ active: 0, active_int: 0, attributes: { recovery_email: null } });
    const both = (await rw.postJson("/edit/mailbox", { items: [`jo@${D}`, `jo2@${D}`], attr: { active: 1 } })) as { msg: unknown }[];
    expect(both.map((e) => e.msg)).toEqual([
      ["mailbox_modified", `jo@${D}`],
      ["mailbox_modified", `jo2@${D}`],
    ]);
    await rw.postJson("/edit/mailbox", { items: `jo2@${D}`, attr: { name: "Jo Two" } });
    expect(mailcow.mailbox(`jo2@${D}`)?.name).toBe("Jo Two");
  });

  test("32. tags are additive; ?tags= filters by substring; no match is {}", async () => {
    await addJo();
    await rw.postJson("/add/mailbox", mailboxBody("other", D, { quota: 10 }));
    await rw.postJson("/edit/mailbox", { items: [`jo@${D}`], attr: { tags: ["alpha"] } });
    await rw.postJson("/edit/mailbox", { items: [`jo@${D}`], attr: { tags: ["beta"] } });
    expect(await rw.getJson(`/get/mailbox/jo@${D}`)).toMatchObject({ tags: ["alpha", "beta"] });
    expect(mailcow.mailbox(`jo@${D}`)?.tags).toEqual(["alpha", "beta"]);
    const tagged = (await rw.getJson(`/get/mailbox/all/${D}?tags=lph`)) as { username: string }[];
    expect(tagged.map((m) => m.username)).toEqual([`jo@${D}`]);
    expect((await rw.get(`/get/mailbox/all/${D}?tags=zzz`)).body).toBe("{}");
  });

  test("33. delete takes a bare array or string; {items:[…]}, unknown and non-email are access_denied; [] is Task completed", async () => {
    await addJo();
    await rw.postJson("/add/mailbox", mailboxBody("jo2", D, { quota: 10 }));
    expect(await rw.postJson("/delete/mailbox", { items: [`jo@${D}`] })).toEqual([danger("access_denied")]);
    expect(mailcow.mailbox(`jo@${D}`)).not.toBeNull();
    expect(await rw.postJson("/delete/mailbox", [`nobody@${D}`])).toEqual([danger("access_denied")]);
    expect(await rw.postJson("/delete/mailbox", ["notanemail"])).toEqual([danger("access_denied")]);
    expect(await rw.postJson("/delete/mailbox", [`jo@${D}`])).toEqual([
      { type: "success", log: ["mailbox", "delete", "mailbox", { username: [`jo@${D}`] }, null], msg: ["mailbox_removed", `jo@${D}`] },
    ]);
    expect(await rw.postJson("/delete/mailbox", JSON.stringify(`jo2@${D}`))).toEqual([expect.objectContaining({ msg: ["mailbox_removed", `jo2@${D}`] })]);
    expect(await rw.postJson("/delete/mailbox", [])).toEqual({ type: "success", msg: "Task completed" });
    expect(mailcow.mailbox(`jo@${D}`)).toBeNull();
    expect(mailcow.mailbox(`jo2@${D}`)).toBeNull();
  });

  test("34. deleting a mailbox removes aliases that only point at it and strips it from the others", async () => {
    await addJo();
    await rw.postJson("/add/alias", { address: `a1@${D}`, goto: `jo@${D}` });
    await rw.postJson("/add/alias", { address: `a2@${D}`, goto: `jo@${D},x@y.z`, active: 1 });
    await rw.postJson("/delete/mailbox", [`jo@${D}`]);
    expect(await rw.getJson(`/get/alias/a1@${D}`)).toEqual({});
    const a2 = (await rw.getJson(`/get/alias/a2@${D}`)) as Record<string, unknown>;
    expect(a2.goto).toBe("x@y.z");
    expect(a2.modified).toMatch(/^\d{4}-/);
  });

  test("edit: password + password2 changes the password, quota '' keeps, force_pw_update and name are saved", async () => {
    await addJo({ quota: 512 });
    const before = mailcow.mailbox(`jo@${D}`);
    const result = await rw.postJson("/edit/mailbox", {
      items: [`jo@${D}`],
      attr: { password: "newpass1", password2: "newpass1", quota: "", force_pw_update: 1, name: "<Jo New>" },
    });
    expect(result).toEqual([
      {
        type: "success",
        log: ["mailbox", "edit", "mailbox", { username: [`jo@${D}`], password: "*", password2: "*", quota: "", force_pw_update: 1, name: "<Jo New>" }, null],
        msg: ["mailbox_modified", `jo@${D}`],
      },
    ]);
    expect(mailcow.checkPassword(`jo@${D}`, "newpass1")).toBe(true);
    expect(mailcow.checkPassword(`jo@${D}`, "secret1")).toBe(false);
    expect(mailcow.mailbox(`jo@${D}`)).toMatchObject({ quota: 512 * MIB, name: "Jo New", attributes: { force_pw_update: "1" } });
    expect(before?.passwordMatches("secret1")).toBe(true);
    expect(await rw.getJson(`/get/mailbox/jo@${D}`)).toMatchObject({ attributes: { force_pw_update: "1" } });
  });

  test("edit without attr is mailbox_modified; without items it is Task completed", async () => {
    await addJo();
    expect(await rw.postJson("/edit/mailbox", { items: [`jo@${D}`] })).toEqual([expect.objectContaining({ msg: ["mailbox_modified", `jo@${D}`] })]);
    expect(await rw.postJson("/edit/mailbox", { attr: { active: 0 } })).toEqual({ type: "success", msg: "Task completed" });
  });
});

describe("aliases", () => {
  test("35. add/alias without flags creates an inactive alias; the id comes back as a string", async () => {
    await addJo(); // its self-alias takes id 1
    expect(await rw.postJson("/add/alias", { address: `a1@${D}`, goto: `jo@${D}` })).toEqual([
      { type: "success", log: ["mailbox", "add", "alias", { address: `a1@${D}`, goto: `jo@${D}` }, null], msg: ["alias_added", `a1@${D}`, "2"] },
    ]);
    expect(await rw.getJson(`/get/alias/a1@${D}`)).toEqual({
      in_primary_domain: "",
      id: 2,
      domain: D,
      public_comment: null,
      private_comment: null,
      goto: `jo@${D}`,
      address: `a1@${D}`,
      is_catch_all: 0,
      internal: 0,
      active: 0,
      active_int: 0,
      sogo_visible: 0,
      sogo_visible_int: 0,
      sender_allowed: 0,
      created: expect.stringMatching(/^\d{4}-/),
      modified: null,
    });
    expect(await rw.getJson("/get/alias/2")).toMatchObject({ address: `a1@${D}` });
  });

  test("36. an alias whose address is its own goto is skipped: Task completed, nothing created", async () => {
    expect(await rw.postJson("/add/alias", { address: `same@${D}`, goto: `same@${D}`, active: 1 })).toEqual({ type: "success", msg: "Task completed" });
    expect((await rw.get("/get/alias/all")).body).toBe("{}");
  });

  test("add/alias errors: alias_empty, goto_empty, goto_invalid, domain_not_found; delete by id or address", async () => {
    expect(await rw.postJson("/add/alias", { goto: "x@y.z" })).toEqual([danger("alias_empty")]);
    expect(await rw.postJson("/add/alias", { address: `a@${D}` })).toEqual([danger("goto_empty")]);
    expect(await rw.postJson("/add/alias", { address: `a@${D}`, goto: "nope" })).toEqual([danger(["goto_invalid", "@"])]);
    expect(await rw.postJson("/add/alias", { address: "a@nowhere.example", goto: "x@y.z" })).toEqual([danger(["domain_not_found", "nowhere.example"])]);
    await rw.postJson("/add/alias", { address: `a@${D} b@${D}`, goto: "x@y.z", active: 1 });
    const all = (await rw.getJson("/get/alias/all")) as { id: number; address: string }[];
    expect(all.map((a) => a.address)).toEqual([`a@${D}`, `b@${D}`]);
    expect(await rw.postJson("/delete/alias", [all[0]?.id, `b@${D}`, 999])).toEqual([
      expect.objectContaining({ msg: ["alias_removed", `a@${D}`] }),
      expect.objectContaining({ msg: ["alias_removed", `b@${D}`] }),
      danger("access_denied"),
    ]);
    expect((await rw.get("/get/alias/all")).body).toBe("{}");
  });
});

describe("password policy", () => {
  test("get/passwordpolicy reads Mailcow's default as strings; edit saves; html describes it", async () => {
    expect(await rw.getJson("/get/passwordpolicy")).toEqual({ length: "6", chars: "0", special_chars: "0", lowerupper: "0", numbers: "0" });
    expect((await rw.get("/get/passwordpolicy/html")).body).toBe('"<p class=\\"help-block small\\">- Minimum password length is 6<\\/p>"');
    expect(await rw.postJson("/edit/passwordpolicy", { attr: { length: 8, numbers: 1 } })).toEqual([
      { type: "success", log: ["password_complexity", "edit", { length: 8, numbers: 1 }], msg: "password_policy_saved" },
    ]);
    expect(await rw.getJson("/get/passwordpolicy")).toEqual({ length: "8", chars: "0", special_chars: "0", lowerupper: "0", numbers: "1" });
    await rw.postJson("/edit/passwordpolicy", { attr: { length: 2 } });
    expect(await rw.getJson("/get/passwordpolicy")).toMatchObject({ length: "8" });
  });

  test("§10 check semantics: byte length, ASCII letters, digits, specials, lower+upper", async () => {
    const attempt = async (policy: Parameters<MailcowEmulator["setPasswordPolicy"]>[0], password: string) => {
      mailcow.reset();
      mailcow.setPasswordPolicy(policy);
      return rw.postJson("/add/mailbox", mailboxBody("pp", D, { password, password2: password }));
    };
    const complexity = [{ type: "danger", log: ["password_check", null, null], msg: "password_complexity" }];
    const ok = expect.arrayContaining([expect.objectContaining({ msg: ["mailbox_added", `pp@${D}`] })]);

    expect(await attempt({ length: 7 }, "äääb")).toEqual(ok); // 7 bytes, 4 characters
    expect(await attempt({ length: 8 }, "äääb")).toEqual(complexity);
    for (const [policy, bad, good] of [
      [{ chars: true }, "123456", "12345a"],
      [{ numbers: true }, "abcdef", "abcde1"],
      [{ special_chars: true }, "abc123", "abc12ä"],
      [{ lowerupper: true }, "abcdef", "abcdeF"],
    ] as const) {
      expect(await attempt(policy, bad)).toEqual(complexity);
      expect(await attempt(policy, good)).toEqual(ok);
    }
  });
});

describe("encodings and version", () => {
  test("writes escape non-ASCII and '/'; GET bodies are pretty-printed UTF-8 with '/' escaped", async () => {
    const write = await rw.post("/add/mailbox", mailboxBody("uni", D, { name: "Jösé Üml/x" }));
    expect(write.body).toContain('"name":"J\\u00f6s\\u00e9 \\u00dcml\\/x"');
    const read = await rw.get(`/get/mailbox/uni@${D}`);
    expect(read.body).toContain('\n    "name": "Jösé Üml\\/x",\n');
    expect(read.body.startsWith('{\n    "username": "uni@example.org",')).toBe(true);
  });

  test("40. get/status/version with rw and ro keys; without a key the body is empty", async () => {
    expect((await rw.get("/get/status/version")).body).toBe('{"version":"2026-07a"}');
    expect((await ro.get("/get/status/version")).body).toBe('{"version":"2026-07a"}');
    expect(await anon("/get/status/version")).toMatchObject({ status: 200, body: "" });
  });

  // 37–39. App passwords, filters, quarantine notifications: out of scope (see README.md).
});
