// Proof that the generated prefilter does what the settings say, run by Pigeonhole's own interpreter (`sieve-test`
// from Debian's dovecot-sieve) on sample messages: redirect targets with and without a kept copy, an out-of-office
// reply for ordinary mail and none for lists, automated mail or outside the dates, and hostile text that stays text.
// sieve-test cannot be given a fixed current date, so the date checks use days relative to today (±3 days, UTC).
// Part of `npm run test:e2e`: fails, never skips, without sieve-test.
import { execFile, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { buildPlatformScript, type ForwardingSettings, type VacationSettings } from "./sieve";

const run = promisify(execFile);
if (spawnSync("sieve-test", ["-h"]).error) throw new Error("sieve-test is not installed (apt-get install -y dovecot-sieve)");

const dir = mkdtempSync(path.join(tmpdir(), "sieve-e2e-"));
// As root, sieve-test drops to mail_uid, which must be able to write the compiled script next to it.
chmodSync(dir, 0o777);
const me = userInfo();
const ids = me.uid === 0 ? { uid: 65_534, gid: 65_534 } : { uid: me.uid, gid: me.gid };
writeFileSync(
  path.join(dir, "sieve-test.conf"),
  `mail_uid = ${ids.uid}\nmail_gid = ${ids.gid}\nfirst_valid_uid = 1\nfirst_valid_gid = 1\nmail_location = maildir:${dir}/mail\n`,
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ME = "ann@example.org";
const ALIAS = "ann.lovelace@example.org";
const SENDER = "bob@other.example";
let counter = 0;

interface Outcome {
  redirects: string[];
  /** Redirect lines marked "preserve implicit keep" (i.e. :copy). */
  copies: number;
  kept: boolean;
  vacation: { subject: string; body: string } | null;
  /** The "Performed actions" list, one entry per action (" * send vacation message", " * redirect message to: <…>"). */
  actions: string[];
  raw: string;
}

function message(headers: Record<string, string> = {}, to = ME): string {
  const all: Record<string, string> = {
    From: `Bob <${SENDER}>`,
    To: to,
    Subject: "Lunch?",
    Date: "Mon, 7 Dec 2026 10:00:00 +0000",
    "Message-ID": `<m${++counter}@other.example>`,
    ...headers,
  };
  return `${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\nAre you free at noon?\r\n`;
}

async function sieve(script: string, mail: string, rcpt = ME): Promise<Outcome> {
  const n = ++counter;
  const scriptFile = path.join(dir, `s${n}.sieve`);
  const mailFile = path.join(dir, `m${n}.eml`);
  writeFileSync(scriptFile, script);
  writeFileSync(mailFile, mail);
  const { stdout, stderr } = await run("sieve-test", ["-c", path.join(dir, "sieve-test.conf"), "-f", SENDER, "-r", rcpt, "-a", rcpt, scriptFile, mailFile]);
  expect(stderr).toContain("final result: success");
  const text = stdout.replace(/\r\n/g, "\n");
  const performed = text.split("\nImplicit keep:")[0] ?? "";
  const implicit = text.split("\nImplicit keep:")[1] ?? "";
  const vacationMatch = /send vacation message:[\s\S]*?=> subject : (.*)\n[\s\S]*?START MESSAGE\n([\s\S]*?)\nEND MESSAGE/.exec(performed);
  return {
    redirects: [...performed.matchAll(/redirect message to: <([^>]*)>/g)].map((m) => m[1]!),
    copies: (performed.match(/preserve implicit keep/g) ?? []).length,
    kept: /store message in folder: INBOX/.test(implicit) || /store message in folder: INBOX/.test(performed),
    vacation: vacationMatch ? { subject: vacationMatch[1]!, body: vacationMatch[2]! } : null,
    actions: [...performed.matchAll(/^ \* (.*?):?$/gm)].map((m) => m[1]!),
    raw: stdout,
  };
}

function build(settings: { forwarding?: ForwardingSettings; vacation?: VacationSettings }): string {
  const result = buildPlatformScript(settings);
  if (!("script" in result)) throw new Error(`not built: ${JSON.stringify(result.error)}`);
  return result.script;
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const away: VacationSettings = { subject: "Out of office", message: "I am away.\nBack on Monday.", days: 1, addresses: [ME, ALIAS], replyFrom: ME };

describe("forwarding", () => {
  test("keep a copy: every target gets a redirect :copy and the message stays in INBOX", async () => {
    const out = await sieve(build({ forwarding: { to: ["a@x.example", "b@y.example"], keepCopy: true } }), message());
    expect(out.redirects).toEqual(["a@x.example", "b@y.example"]);
    expect(out.copies).toBe(2);
    expect(out.kept).toBe(true);
    expect(out.vacation).toBeNull();
  });

  test("no copy: redirects only, nothing kept", async () => {
    const out = await sieve(build({ forwarding: { to: ["a@x.example", "b@y.example", "c@z.example"], keepCopy: false } }), message());
    expect(out.redirects).toEqual(["a@x.example", "b@y.example", "c@z.example"]);
    expect(out.copies).toBe(0);
    expect(out.kept).toBe(false);
    expect(out.raw).toMatch(/Implicit keep:\s*\n\s*\(none\)/);
  });
});

describe("out-of-office", () => {
  test("an ordinary message gets one reply with the subject and text; the message is kept", async () => {
    const out = await sieve(build({ vacation: away }), message());
    expect(out.vacation).toEqual({ subject: "Out of office", body: "I am away.\nBack on Monday." });
    expect(out.kept).toBe(true);
    expect(out.raw).toMatch(/=> seconds : 86400\n/);
    expect(out.raw).toContain(`=> from    : ${ME}`);
  });

  test("mail to an alias is answered too (:addresses)", async () => {
    expect((await sieve(build({ vacation: away }), message({}, ALIAS))).vacation).not.toBeNull();
  });

  test.each([
    ["List-Id", { "List-Id": "<dev.lists.example>" }],
    ["List-Unsubscribe", { "List-Unsubscribe": "<mailto:leave@lists.example>" }],
    ["Precedence: bulk", { Precedence: "bulk" }],
    ["Precedence: list", { Precedence: "List" }],
    ["Precedence: junk", { Precedence: "junk" }],
    ["Auto-Submitted: auto-replied", { "Auto-Submitted": "auto-replied" }],
    ["Auto-Submitted: auto-generated", { "Auto-Submitted": "auto-generated" }],
    ["X-Auto-Response-Suppress: OOF", { "X-Auto-Response-Suppress": "DR, OOF" }],
  ])("no reply to a message with %s (still delivered)", async (_, headers) => {
    const out = await sieve(build({ vacation: away }), message(headers));
    expect(out.vacation).toBeNull();
    expect(out.kept).toBe(true);
  });

  test("Auto-Submitted: no is a person: answered", async () => {
    expect((await sieve(build({ vacation: away }), message({ "Auto-Submitted": "no" }))).vacation).not.toBeNull();
  });

  test("dates: answered inside [from, until], silent before and after (days relative to today, UTC)", async () => {
    const inside = { ...away, from: day(-3), until: day(3), zone: "+0000" };
    expect((await sieve(build({ vacation: inside }), message())).vacation).not.toBeNull();
    expect((await sieve(build({ vacation: { ...away, from: day(3), zone: "+0000" } }), message())).vacation).toBeNull();
    expect((await sieve(build({ vacation: { ...away, until: day(-3), zone: "+0000" } }), message())).vacation).toBeNull();
    expect((await sieve(build({ vacation: { ...away, until: day(3), zone: "+0000" } }), message())).vacation).not.toBeNull();
  });
});

test("forwarding and out-of-office together: reply, redirects, then stop", async () => {
  const out = await sieve(build({ vacation: away, forwarding: { to: ["a@x.example"], keepCopy: false } }), message());
  expect(out.vacation).not.toBeNull();
  expect(out.redirects).toEqual(["a@x.example"]);
  expect(out.kept).toBe(false);
});

test("hostile values stay text: quotes, backslashes, newlines, injections, control characters, non-ASCII", async () => {
  const hostile = 'Привет "друг" \\ ; discard; redirect "evil@x.example"; "\n}\nstop;\n# ${hex:41} 日本 🎉\\';
  const out = await sieve(
    build({ vacation: { ...away, subject: `Away "${hostile}"\r\nBcc: evil@x.example`, message: `${hostile}\u0000\r\nend` }, forwarding: { to: ["a@x.example"], keepCopy: true } }),
    message(),
  );
  expect(out.redirects).toEqual(["a@x.example"]);
  expect(out.actions).toEqual(["send vacation message", "redirect message to: <a@x.example>"]);
  expect(out.kept).toBe(true);
  expect(out.vacation).toEqual({
    subject: `Away "${hostile.replace(/\s+/g, " ")}" Bcc: evil@x.example`,
    body: `${hostile}\nend`,
  });
});
