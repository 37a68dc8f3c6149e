// The inbox as the platform runs it: one IMAP pool, the inbox and the sender over it, the user's own credential
// (an IMAP+SMTP app password, created on first use), the failed-login budget shared with "check my login", and the
// one rule for a refused login: count it, mark the credential broken, replace it ONCE and try the operation once more.
import { readFileSync } from "node:fs";
import type { Logger } from "pino";
import type { Db } from "../db/open-database";
import type { AppConfig } from "../env";
import type { LoginBudget } from "../mailbox/login-budget";
import type { MailboxProblem } from "../mailbox/problems";
import type { MailboxService } from "../mailbox/service";
import type { MailcowClient } from "../mailcow";
import type { Sealer } from "../provisioning/seal";
import { createInboxCredentials } from "./credential";
import { createImageTokens } from "./image-tokens";
import { ImapPool, InboxError } from "./imap-pool";
import { createInbox, defaultAttachmentUrl } from "./inbox";
import type { SendInput, Sender } from "./send";

/** The mailbox is not there for the inbox (not active, not the user's, Mailcow unavailable): a mailbox problem. */
export class InboxMailboxProblem extends Error {
  constructor(readonly problem: MailboxProblem) {
    super(`inbox: mailbox problem ${problem.kind}`);
    this.name = "InboxMailboxProblem";
  }
}

export interface PlatformInboxDeps {
  config: Pick<
    AppConfig,
    | "MAIL_HOST"
    | "MAIL_IMAP_PORT"
    | "MAIL_IMAP_SECURITY"
    | "MAIL_SMTP_PORT"
    | "MAIL_SMTP_SECURITY"
    | "MAIL_TLS_CA_FILE"
    | "MAIL_CHECK_TIMEOUT_MS"
    | "MAIL_IMAP_IDLE_SECONDS"
    | "MAIL_IMAP_MAX_CONNECTIONS"
    | "MAIL_ATTACHMENT_MAX_BYTES"
    | "MAIL_RENDER_CACHE_MB"
    | "MAIL_STRUCTURE_CACHE_ENTRIES"
  >;
  /** The mail host when MAIL_HOST is not set (the Mailcow host). */
  defaultHost: string;
  db: Db;
  mailcow: Pick<MailcowClient, "addAppPassword" | "deleteAppPasswords">;
  mailboxes: Pick<MailboxService, "withOwnedMailbox">;
  sealer: Sealer;
  loginBudget: LoginBudget;
  logger: Logger;
  now: () => number;
  /** The pool's sweep interval (0 in tests that sweep themselves); default from the idle time. */
  sweepEveryMs?: number;
}

export function createPlatformInbox(deps: PlatformInboxDeps) {
  const { config, logger } = deps;
  const log = logger.child({ component: "inbox" });
  const credentials = createInboxCredentials(deps);
  const host = config.MAIL_HOST ?? deps.defaultHost;
  const ca = config.MAIL_TLS_CA_FILE ? readFileSync(config.MAIL_TLS_CA_FILE, "utf8") : undefined;
  const timeoutMs = config.MAIL_CHECK_TIMEOUT_MS;

  const pool = new ImapPool({
    server: { host, port: config.MAIL_IMAP_PORT, security: config.MAIL_IMAP_SECURITY, ca, timeoutMs },
    credentials: async (userId) => {
      const result = await credentials.forUser(userId);
      if (!result.ok) throw new InboxMailboxProblem(result.problem);
      return result.value;
    },
    onLoginFailure: (userId) => {
      credentials.markBroken(userId);
      log.warn({ userId }, "the mail server refused the inbox credential: marked broken");
    },
    loginBudget: deps.loginBudget,
    idleMs: config.MAIL_IMAP_IDLE_SECONDS * 1000,
    maxConnections: config.MAIL_IMAP_MAX_CONNECTIONS,
    now: deps.now,
    ...(deps.sweepEveryMs !== undefined && { sweepEveryMs: deps.sweepEveryMs }),
    onError: (userId, error) => log.debug({ userId, err: error }, "IMAP connection error"),
  });
  const inbox = createInbox({
    pool,
    attachmentMaxBytes: config.MAIL_ATTACHMENT_MAX_BYTES,
    attachmentUrl: defaultAttachmentUrl,
    renderCacheBytes: config.MAIL_RENDER_CACHE_MB * 1_048_576,
    structureCacheEntries: config.MAIL_STRUCTURE_CACHE_ENTRIES,
  });
  // nodemailer and mailparser load with the first message sent, not at the server's start.
  let sender: Sender | null = null;
  const senderOf = async (): Promise<Sender> => {
    if (sender) return sender;
    const { createSender } = await import("./send");
    sender ??= createSender({
      // The certificate names the host; an IP address (the demo mailstack on 127.0.0.1) is verified as "localhost".
      smtp: { host, port: config.MAIL_SMTP_PORT, security: config.MAIL_SMTP_SECURITY, ca, timeoutMs, ...(host === "127.0.0.1" && { servername: "localhost" }) },
      pool,
      inbox,
      onSentCopyError: (userId, error) => log.warn({ userId, err: error }, "the message was sent, but its copy could not be stored in Sent"),
    });
    return sender;
  };

  /**
   * Runs an inbox operation; when the mail server refuses the credential, it is replaced once and the operation
   * tried once more. A second refusal (or a credential replaced before) ends as "credential_broken".
   */
  async function run<T>(userId: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof InboxError) || error.kind !== "auth_failed") throw error;
      const replaced = await credentials.replaceAfterFailure(userId);
      if (!replaced.ok) throw new InboxMailboxProblem(replaced.problem);
      if (!replaced.value) throw new InboxError("credential_broken", "The inbox credential was refused again", { cause: error });
      pool.resetCredential(userId);
      try {
        return await operation();
      } catch (second) {
        if (second instanceof InboxError && second.kind === "auth_failed") {
          throw new InboxError("credential_broken", "The replaced inbox credential was refused too", { cause: second });
        }
        throw second;
      }
    }
  }

  return {
    pool,
    inbox,
    credentials,
    run,
    /** Tokens that let the message iframe's images load without the session cookie. */
    imageTokens: createImageTokens(deps.now),

    /** Sends as the user; a refused SMTP login is counted in the failed-login budget like an IMAP one. */
    async send(userId: string, input: SendInput, locale: "ru" | "en") {
      return run(userId, async () => {
        const reservation = deps.loginBudget.reserve();
        if (!reservation.ok) throw new InboxError("login_paused", `Mail logins from this server are paused for ${reservation.retryAfterSeconds} s`);
        try {
          const result = await (await senderOf()).send(userId, input, { locale });
          reservation.settle(false);
          return result;
        } catch (error) {
          reservation.settle(error instanceof InboxError && error.kind === "auth_failed");
          throw error;
        }
      });
    },

    /** The mailbox was disabled or the account deleted: close the connection and revoke the app password. */
    async revoke(userId: string, address: string): Promise<boolean> {
      pool.disconnect(userId);
      return credentials.revoke(userId, address);
    },

    close: () => pool.close(),
  };
}

export type PlatformInbox = ReturnType<typeof createPlatformInbox>;
