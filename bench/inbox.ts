// The inbox on real Dovecot (the mailstack), ratios in one run (`npm run bench -- --only=inbox`):
// - a mailbox of N messages (10,000; --quick 2,000) delivered over LMTP on a few kept-open LMTP connections;
// - the first page of the list (50 newest) through the platform's pool + inbox ÷ the same FETCH done directly with
//   imapflow on an open connection (median throughput ratio, target ≥ 0.7);
// - opening the 200 kB HTML newsletter: p95 through the platform ÷ p95 of the direct FETCH of its source (target ≤ 2),
//   as a first opening from the list (its BODYSTRUCTURE known from the list page: one FETCH of the flags, the header
//   and the HTML part, then sanitised: what a user waits for the first time; the baseline stays the FETCH of the whole
//   source), as a first opening by a link (no list shown first: the structure in a FETCH of its own) and as a repeated
//   opening (the rendered-message cache: FETCH FLAGS only);
// - memory: the real server as its own process; 200 users sign up over HTTP (their mailboxes made by the Mailcow
//   emulator's Dovecot backend, one message each over LMTP) and each opens the inbox once (mail.folders + mail.list,
//   the platform's own app password, a real IMAP login) with every connection kept open: server RSS idle (signed up,
//   no inbox opened) and after; then the server restarted on the same data with a short MAIL_IMAP_IDLE_SECONDS, 20
//   users open the inbox again, and the pool's connections (GET /metrics) must fall to 0.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import bcrypt from "bcryptjs";
import { ImapFlow } from "imapflow";
import pLimit from "p-limit";
import { largeNewsletter, NEWSLETTER_SUBJECT } from "../e2e/fixtures/mail/corpus";
import { trpcSession, type TrpcSession } from "../e2e/trpc-http";
import { ImapPool } from "../server/inbox/imap-pool";
import { createInbox, defaultAttachmentUrl } from "../server/inbox/inbox";
import { startMailcowEmulator, type MailcowEmulator } from "../tools/mailcow-emulator/index";
import { openLmtpSession } from "../tools/mailstack/lmtp";
import { startTestMailstack, type TestMailstack } from "../tools/mailstack/test-support";
import { BENCH_PASSWORD, serverEnv, sleep, tempDir } from "./lib/environment";
import { rssBytes, spawnServer } from "./lib/server-process";

const USER = "ada@example.test";
const PASS = "bench-password-1";
/** LMTP connections kept open while filling the mailbox (Dovecot's lmtp processes work in parallel). */
export const LMTP_CONNECTIONS = 8;
/** The idle time the memory part gives the server's IMAP pool (the default is 120 s). */
const IDLE_SECONDS = 5;
/** Users opening their inbox at once: below MAIL_LOGIN_FAILURE_BUDGET (5), which also caps logins in flight. */
const OPEN_CONCURRENCY = 4;

export interface Timing {
  p50: number;
  p95: number;
}

export interface InboxResult {
  messages: number;
  deliverySeconds: number;
  rounds: number;
  list: { platform: Timing; direct: Timing; ratio: number };
  open: {
    first: Timing;
    byLink: Timing;
    repeat: Timing;
    directFirst: Timing;
    directByLink: Timing;
    directRepeat: Timing;
    firstRatio: number;
    byLinkRatio: number;
    repeatRatio: number;
    sourceBytes: number;
    htmlChars: number;
  };
  memory: {
    users: number;
    idleRssMb: number;
    afterRssMb: number;
    deltaMb: number;
    openSeconds: number;
    poolAfterOpen: number;
    idleSeconds: number;
    /** Connections open in the idle check right after its users opened the inbox. */
    idleCheckConnections: number;
    /** Seconds after the last inbox opened until the pool had no connection left (null: it never did). */
    closedAfterSeconds: number | null;
  };
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.max(0, Math.ceil(values.length * p) - 1))]!;
const timing = (values: number[]): Timing => ({ p50: percentile(values, 0.5), p95: percentile(values, 0.95) });

/** Both paths, alternating round by round, so the machine's noise falls on both alike. */
async function timePair(rounds: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number[], number[]]> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < rounds; i++) {
    for (const [index, fn] of [a, b].entries()) {
      const t = performance.now();
      await fn();
      times[index]!.push(performance.now() - t);
    }
  }
  return times;
}

function addPasswdUser(stack: TestMailstack, user: string, pass: string) {
  const hash = `{BLF-CRYPT}${bcrypt.hashSync(pass, 4).replace(/^\$2b\$/, "$2y$")}`;
  writeFileSync(`${stack.passwdFile}.tmp`, `${user}:${hash}::::::\n`);
  renameSync(`${stack.passwdFile}.tmp`, stack.passwdFile);
}

async function overhead(stack: TestMailstack, messages: number, rounds: number) {
  const ca = readFileSync(stack.certFile, "utf8");
  addPasswdUser(stack, USER, PASS);
  const lmtp = openLmtpSession({ port: stack.lmtpPort }, { connections: LMTP_CONNECTIONS });
  const started = performance.now();
  const newsletter = largeNewsletter(200_000);
  try {
    const limit = pLimit(LMTP_CONNECTIONS * 2);
    await Promise.all(
      Array.from({ length: messages }, (_, n) =>
        limit(() => lmtp.deliver({ from: `sender${n % 50}@partner.example`, to: USER, subject: `Message ${n + 1}`, text: `Body of message ${n + 1}.\n`.repeat(20) })),
      ),
    );
    await lmtp.deliver({ from: "weekly@news.example", to: USER, raw: newsletter.raw });
  } finally {
    lmtp.close();
  }
  const deliverySeconds = (performance.now() - started) / 1000;

  // Direct: one open imapflow connection, INBOX selected, the same FETCH the inbox makes.
  const direct = new ImapFlow({ host: "127.0.0.1", port: stack.imapsPort, secure: true, tls: { ca }, auth: { user: USER, pass: PASS }, logger: false, disableAutoIdle: true });
  direct.on("error", () => {});
  await direct.connect();
  const pool = new ImapPool({
    server: { host: "127.0.0.1", port: stack.imapsPort, security: "ssl", ca },
    credentials: async () => ({ user: USER, pass: PASS }),
    onLoginFailure: () => {},
    idleMs: 120_000,
    maxConnections: 50,
    sweepEveryMs: 0,
  });
  try {
    const options = { pool, attachmentMaxBytes: 25 * 1_048_576, attachmentUrl: defaultAttachmentUrl };
    // First openings: no rendered-message cache, every opening fetches, parses and sanitises; from the list (the
    // structures of the page listed once below, as the server keeps them) and by a link (none kept). Repeated: the
    // server's default cache.
    const uncached = createInbox(options);
    const unlisted = createInbox({ ...options, structureCacheEntries: 0 });
    const cached = createInbox({ ...options, renderCacheBytes: 16 * 1_048_576 });
    const query = { uid: true, flags: true, envelope: true, size: true, bodyStructure: true, internalDate: true } as const;
    const directPage = async () => {
      const lock = await direct.getMailboxLock("INBOX");
      try {
        const total = direct.mailbox ? direct.mailbox.exists : 0;
        let n = 0;
        for await (const m of direct.fetch(`${Math.max(1, total - 49)}:*`, query)) n += m.uid > 0 ? 1 : 0;
        return n;
      } finally {
        lock.release();
      }
    };
    // Maildir gives UIDs when Dovecot next looks at the folder, in directory order: the newsletter is found by subject.
    const uid = (await uncached.search("ada", "INBOX", NEWSLETTER_SUBJECT)).messages[0]?.uid;
    if (uid === undefined) throw new Error("the newsletter is not in the mailbox");
    const directOpen = async () => {
      const lock = await direct.getMailboxLock("INBOX");
      try {
        const fetched = await direct.fetchOne(String(uid), { uid: true, source: true, flags: true, size: true }, { uid: true });
        return fetched ? (fetched.source?.length ?? 0) : 0;
      } finally {
        lock.release();
      }
    };
    // Warm both paths (the render module loads on first use).
    await directPage();
    await uncached.list("ada", "INBOX");
    const sourceBytes = await directOpen();
    const probe = await uncached.message("ada", "INBOX", uid);
    if (probe.subject !== NEWSLETTER_SUBJECT || !probe.html) throw new Error(`opened the wrong message: ${probe.subject}`);
    await unlisted.message("ada", "INBOX", uid);
    await cached.message("ada", "INBOX", uid);

    const [directPages, platformPages] = await timePair(rounds, directPage, () => uncached.list("ada", "INBOX"));
    const [directOpens, firstOpens] = await timePair(rounds, directOpen, () => uncached.message("ada", "INBOX", uid));
    const [directOpensByLink, byLinkOpens] = await timePair(rounds, directOpen, () => unlisted.message("ada", "INBOX", uid));
    const [directOpens2, repeatOpens] = await timePair(rounds, directOpen, () => cached.message("ada", "INBOX", uid));
    return {
      messages: messages + 1,
      deliverySeconds,
      rounds,
      list: { platform: timing(platformPages), direct: timing(directPages), ratio: percentile(directPages, 0.5) / percentile(platformPages, 0.5) },
      open: {
        first: timing(firstOpens),
        byLink: timing(byLinkOpens),
        repeat: timing(repeatOpens),
        directFirst: timing(directOpens),
        directByLink: timing(directOpensByLink),
        directRepeat: timing(directOpens2),
        firstRatio: timing(firstOpens).p95 / timing(directOpens).p95,
        byLinkRatio: timing(byLinkOpens).p95 / timing(directOpensByLink).p95,
        repeatRatio: timing(repeatOpens).p95 / timing(directOpens2).p95,
        sourceBytes,
        htmlChars: probe.html.length,
      },
    };
  } finally {
    await direct.logout().catch(() => direct.close());
    await pool.close();
  }
}

function imapPoolConnections(metrics: string): number {
  let total = 0;
  for (const line of metrics.split("\n")) {
    const match = /^platform_mail_imap_pool_connections\{state="(?:idle|busy)"\} (\d+)/.exec(line);
    if (match) total += Number(match[1]);
  }
  return total;
}

/** The real server on the mailstack, its IMAP pool closing connections after `idleSeconds`. */
async function inboxServer(stack: TestMailstack, mailcow: MailcowEmulator, dir: string, idleSeconds: number, maxConnections: number) {
  const server = await spawnServer(
    serverEnv(mailcow, dir, {
      MAILCOW_DOMAIN: mailcow.domain,
      MAIL_HOST: "127.0.0.1",
      MAIL_IMAP_PORT: String(stack.imapsPort),
      MAIL_IMAP_SECURITY: "ssl",
      MAIL_TLS_CA_FILE: stack.certFile,
      MAIL_IMAP_IDLE_SECONDS: String(idleSeconds),
      MAIL_IMAP_MAX_CONNECTIONS: String(maxConnections),
      LOG_LEVEL: "warn",
    }),
    path.join(dir, `server-${idleSeconds}.log`),
  );
  await server.ready(120_000);
  return server;
}

/** Signs every session in (the account and its session survive a restart of the server: same DATA_DIR). */
async function openInboxes(sessions: TrpcSession[], concurrency: number) {
  const limit = pLimit(concurrency);
  await Promise.all(
    sessions.map((session) =>
      limit(async () => {
        await session.query("mail.folders");
        await session.query("mail.list", { folder: "INBOX" });
      }),
    ),
  );
}

async function memory(stack: TestMailstack, users: number) {
  const mailcow = await startMailcowEmulator({ latencyMs: 0, dovecot: { passwdFile: stack.passwdFile, doveadm: stack.doveadm, lastLoginFile: stack.lastLoginFile } });
  const dir = tempDir("inbox");
  // 1. Memory: connections never idle long enough to close while the users open their inboxes, and room for all of
  //    them at once (the default cap is 50): the worst case.
  let server = await inboxServer(stack, mailcow, dir, 3600, users + 10);
  try {
    const names = Array.from({ length: users }, (_, i) => `reader${i}`);
    const sessions = names.map(() => trpcSession(server.url));
    const limit = pLimit(4);
    await Promise.all(sessions.map((session, i) => limit(() => session.mutate("auth.register", { username: names[i], password: BENCH_PASSWORD }))));
    // Every mailbox active in Dovecot, one message in each (so the list has something to fetch).
    const lmtp = openLmtpSession({ port: stack.lmtpPort }, { connections: LMTP_CONNECTIONS });
    try {
      for (const name of names) {
        for (let attempt = 0; ; attempt++) {
          try {
            await lmtp.deliver({ from: "welcome@partner.example", to: `${name}@${mailcow.domain}`, subject: "Welcome", text: "Hello.\n" });
            break;
          } catch (error) {
            if (attempt > 100) throw error;
            await sleep(200); // the mailbox is still being provisioned
          }
        }
      }
    } finally {
      lmtp.close();
    }
    await sleep(3000);
    const idle = rssBytes(server.pid);
    const started = performance.now();
    await openInboxes(sessions, OPEN_CONCURRENCY);
    const openSeconds = (performance.now() - started) / 1000;
    await sleep(1000);
    const after = rssBytes(server.pid);
    const poolAfterOpen = imapPoolConnections(await (await fetch(`${server.url}/metrics`)).text());
    await server.stop();

    // 2. Idle connections closed: the same data folder (accounts, sessions, app passwords), a short idle time.
    server = await inboxServer(stack, mailcow, dir, IDLE_SECONDS, users + 10);
    const idleCheck = sessions.slice(0, 20).map((session) => trpcSession(server.url, session.cookie()));
    await openInboxes(idleCheck, OPEN_CONCURRENCY);
    const opened = performance.now();
    const poolNow = async () => imapPoolConnections(await (await fetch(`${server.url}/metrics`)).text());
    const openForIdleCheck = await poolNow();
    let closedAfterSeconds: number | null = null;
    while (performance.now() - opened < (IDLE_SECONDS * 4 + 30) * 1000) {
      if ((await poolNow()) === 0) {
        closedAfterSeconds = (performance.now() - opened) / 1000;
        break;
      }
      await sleep(250);
    }
    return {
      users,
      idleRssMb: idle / 1e6,
      afterRssMb: after / 1e6,
      deltaMb: (after - idle) / 1e6,
      openSeconds,
      poolAfterOpen,
      idleSeconds: IDLE_SECONDS,
      idleCheckConnections: openForIdleCheck,
      closedAfterSeconds,
    };
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${server.logTail()}`, { cause: error });
  } finally {
    await server.stop();
    await mailcow.close();
  }
}

export async function benchInbox({ messages = 10_000, rounds = 50, users = 200 } = {}): Promise<InboxResult> {
  const stack = await startTestMailstack();
  try {
    const measured = await overhead(stack, messages, rounds);
    return { ...measured, memory: await memory(stack, users) };
  } finally {
    await stack.cleanup();
  }
}
