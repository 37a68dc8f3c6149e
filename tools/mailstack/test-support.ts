// For tests that need a real Dovecot (the emulator's Dovecot backend, the e2e suite): a mailstack on free ports in a
// temporary directory, killed with the test process if that dies, and an IMAP login that reports instead of throwing.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ImapFlow, type ImapFlowOptions } from "imapflow";
import { freePorts } from "../../server/test/free-ports";
import { dovecotVersion, startMailstack, type Mailstack } from "./mailstack";

export { freePorts };

/** Dovecot's version, or null: tests that need it skip and say why. */
export const DOVECOT_VERSION = dovecotVersion();
export const NO_DOVECOT_REASON = "dovecot is not installed (apt-get install -y dovecot-imapd dovecot-lmtpd)";

export interface TestMailstack extends Mailstack {
  /** Stops Dovecot and removes the directory. */
  cleanup(): Promise<void>;
}

/** A mailstack on free ports, in a fresh temporary directory or in `dir` (e.g. <DATA_DIR>/mailstack for the demo). */
export async function startTestMailstack({ dir = mkdtempSync(path.join(tmpdir(), "mailstack-test-")) }: { dir?: string } = {}): Promise<TestMailstack> {
  let lastError: unknown;
  // A port found free can be taken before Dovecot binds it: one more try with fresh ports.
  for (let attempt = 0; attempt < 2; attempt++) {
    const [imaps, imap, lmtp, smtp] = await freePorts(4);
    try {
      const stack = await startMailstack({ dir, ports: { imaps: imaps!, imap: imap!, lmtp: lmtp!, smtp: smtp! }, attached: true });
      return {
        ...stack,
        async cleanup() {
          await stack.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

/** An imapflow client for the mailstack's IMAP over implicit TLS, verifying its certificate (not yet connected). */
export function mailstackImapClient(stack: Mailstack, user: string, pass: string, options: Partial<ImapFlowOptions> = {}): ImapFlow {
  const client = new ImapFlow({ host: "127.0.0.1", port: stack.imapsPort, secure: true, tls: { ca: readFileSync(stack.certFile) }, auth: { user, pass }, logger: false, ...options });
  client.on("error", () => {});
  return client;
}

export interface FolderMessage {
  subject: string;
  seen: boolean;
  source: Buffer;
}

/** Every message of a folder, read with the user's own password over a client of its own (not the code under test). */
export async function folderMessages(stack: Mailstack, user: string, pass: string, folder = "INBOX"): Promise<FolderMessage[]> {
  const client = mailstackImapClient(stack, user, pass);
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const out: FolderMessage[] = [];
      if (client.mailbox && client.mailbox.exists > 0) {
        for await (const m of client.fetch("1:*", { envelope: true, flags: true, source: true })) {
          out.push({ subject: m.envelope?.subject ?? "", seen: m.flags?.has("\\Seen") ?? false, source: m.source! });
        }
      }
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

export type LoginOutcome = { ok: true; ms: number } | { ok: false; ms: number; code: string };

/** One IMAP login over implicit TLS, verifying the mailstack's certificate, then LOGOUT. */
export async function imapLogin(stack: Mailstack, user: string, pass: string): Promise<LoginOutcome> {
  const client = mailstackImapClient(stack, user, pass, { connectionTimeout: 5_000, greetingTimeout: 5_000 });
  const started = performance.now();
  try {
    await client.connect();
    await client.logout();
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    client.close();
    const { serverResponseCode, code, message } = error as { serverResponseCode?: string; code?: string; message?: string };
    return { ok: false, ms: Math.round(performance.now() - started), code: serverResponseCode ?? code ?? message ?? "unknown" };
  }
}

/** GETQUOTAROOT INBOX as the user sees it (bytes; imapflow converts Dovecot's KiB). */
export async function imapQuota(stack: Mailstack, user: string, pass: string): Promise<{ usage: number; limit: number } | null> {
  const client = mailstackImapClient(stack, user, pass);
  await client.connect();
  try {
    const quota = await client.getQuota("INBOX");
    return quota && quota.storage ? { usage: quota.storage.usage ?? 0, limit: quota.storage.limit ?? 0 } : null;
  } finally {
    await client.logout();
  }
}
