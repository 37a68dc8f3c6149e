// The inbox's overhead over imapflow on real Dovecot (the mailstack), ratios in one run:
// - the first page of the list (50 newest) through the platform's pool + inbox ÷ the same FETCH done directly with
//   imapflow on an open connection (throughput ratio, target ≥ 0.7);
// - opening a message with a 200 kB HTML body (fetch + parse + sanitise) p95 ÷ the direct FETCH of its source p95
//   (target ≤ 2).
// Standalone (not yet part of `npm run bench`): `npx tsx bench/inbox.ts [--messages=10000] [--rounds=50]`.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import bcrypt from "bcryptjs";
import { ImapFlow } from "imapflow";
import pLimit from "p-limit";
import { largeNewsletter } from "../e2e/fixtures/mail/corpus";
import { ImapPool } from "../server/inbox/imap-pool";
import { createInbox, defaultAttachmentUrl } from "../server/inbox/inbox";
import { deliverLmtp } from "../tools/mailstack/lmtp";
import { startTestMailstack } from "../tools/mailstack/test-support";

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const MESSAGES = arg("messages", 10_000);
const ROUNDS = arg("rounds", 50);
const USER = "ada@example.test";
const PASS = "bench-password-1";

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.95) - 1)]!;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const stack = await startTestMailstack();
  try {
    const ca = readFileSync(stack.certFile, "utf8");
    const hash = `{BLF-CRYPT}${bcrypt.hashSync(PASS, 4).replace(/^\$2b\$/, "$2y$")}`;
    writeFileSync(`${stack.passwdFile}.tmp`, `${USER}:${hash}::::::\n`);
    renameSync(`${stack.passwdFile}.tmp`, stack.passwdFile);

    const started = performance.now();
    const limit = pLimit(8);
    await Promise.all(
      Array.from({ length: MESSAGES }, (_, n) =>
        limit(() => deliverLmtp({ port: stack.lmtpPort }, { from: `sender${n % 50}@partner.example`, to: USER, subject: `Message ${n + 1}`, text: `Body of message ${n + 1}.\n`.repeat(20) })),
      ),
    );
    await deliverLmtp({ port: stack.lmtpPort }, { from: "weekly@news.example", to: USER, raw: largeNewsletter(200_000).raw });
    console.info(`delivered ${MESSAGES + 1} messages over LMTP in ${Math.round(performance.now() - started)} ms`);

    // Direct: one open imapflow connection, INBOX selected, the same FETCH the inbox makes for a page.
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
    const inbox = createInbox({ pool, attachmentMaxBytes: 25 * 1_048_576, attachmentUrl: defaultAttachmentUrl });
    const query = { uid: true, flags: true, envelope: true, size: true, bodyStructure: true, internalDate: true } as const;
    const directPage = async () => {
      const lock = await direct.getMailboxLock("INBOX");
      try {
        const total = direct.mailbox ? direct.mailbox.exists : 0;
        const out = [];
        for await (const m of direct.fetch(`${Math.max(1, total - 49)}:*`, query)) out.push(m);
        return out.length;
      } finally {
        lock.release();
      }
    };
    const newest = (await inbox.list("ada", "INBOX", { limit: 1 })).messages[0]!.uid; // warms the pool's connection
    const directOpen = async () => {
      const lock = await direct.getMailboxLock("INBOX");
      try {
        const fetched = await direct.fetchOne(String(newest), { uid: true, source: true, flags: true, size: true }, { uid: true });
        return fetched ? (fetched.source?.length ?? 0) : 0;
      } finally {
        lock.release();
      }
    };

    /** Both paths, alternating round by round, so the machine's noise falls on both alike. */
    const timePair = async (a: () => Promise<unknown>, b: () => Promise<unknown>) => {
      const times: [number[], number[]] = [[], []];
      for (let i = 0; i < ROUNDS; i++) {
        for (const [index, fn] of [a, b].entries()) {
          const t = performance.now();
          await fn();
          times[index]!.push(performance.now() - t);
        }
      }
      return times;
    };
    // Warm both paths (the render module loads on first use), then alternate to share the machine's noise.
    await directPage();
    await inbox.list("ada", "INBOX");
    await directOpen();
    await inbox.message("ada", "INBOX", newest);
    const [directPages, platformPages] = await timePair(directPage, () => inbox.list("ada", "INBOX"));
    const [directOpens, platformOpens] = await timePair(directOpen, () => inbox.message("ada", "INBOX", newest));

    const listRatio = median(directPages) / median(platformPages);
    const openRatio = p95(platformOpens) / p95(directOpens);
    console.info(`mailbox of ${MESSAGES + 1} messages, ${ROUNDS} rounds each`);
    console.info(`list, first page of 50: platform median ${median(platformPages).toFixed(1)} ms, direct FETCH median ${median(directPages).toFixed(1)} ms → ratio ${listRatio.toFixed(2)} (target ≥ 0.7)`);
    console.info(`open a 200 kB HTML message: platform p95 ${p95(platformOpens).toFixed(1)} ms, direct FETCH p95 ${p95(directOpens).toFixed(1)} ms → ${openRatio.toFixed(2)}× (target ≤ 2)`);
    await direct.logout();
    await pool.close();
  } finally {
    await stack.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
