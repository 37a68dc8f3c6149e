// The platform's own credential for a user's inbox: a Mailcow app password allowed for IMAP and SMTP only, named so
// the user recognises it in their app-password list ("Platform inbox"), created through the adapter for the user's own
// (tag-checked) address when the inbox is first opened, kept sealed with MAILBOX_SECRET_KEY (AES-256-GCM, the user id
// as associated data) in `inbox_credential`, revoked with the account (or a disabled mailbox).
//
// A refused login marks it broken; the platform replaces it ONCE (the old app password deleted first) and never again
// automatically: a second refusal leaves the inbox saying so. Mailcow 2026-07a scopes app passwords at Dovecot's
// passdb: one listing imap+smtp logs in over IMAP and SMTP submission and nowhere else.
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { Db } from "../db/open-database";
import type { MailcowClient } from "../mailcow";
import type { MailboxService } from "../mailbox/service";
import { fail, ok, type Result } from "../mailbox/problems";
import type { Sealer } from "../provisioning/seal";
import { InboxError, type MailCredentials } from "./imap-pool";

/** The name shown in the user's app-password list. */
export const INBOX_APP_PASSWORD_NAME = "Platform inbox";

interface CredentialRow {
  user_id: string;
  app_password_id: number;
  sealed_password: string;
  created_at: number;
  broken_at: number | null;
  recreated: number;
}

export interface InboxCredentialsDeps {
  db: Db;
  mailcow: Pick<MailcowClient, "addAppPassword" | "deleteAppPasswords">;
  mailboxes: Pick<MailboxService, "withOwnedMailbox">;
  sealer: Sealer;
  logger: Logger;
  now: () => number;
}

/** A random app password: 24 characters of base64url (about 143 bits), letters and digits guaranteed for policies. */
function newPassword(): string {
  return `Pm9${randomBytes(18).toString("base64url")}`;
}

export function createInboxCredentials({ db, mailcow, mailboxes, sealer, logger, now }: InboxCredentialsDeps) {
  const log = logger.child({ component: "inbox-credential" });
  const get = db.prepare<[string], CredentialRow>("SELECT * FROM inbox_credential WHERE user_id = ?");
  const upsert = db.prepare(
    `INSERT INTO inbox_credential (user_id, app_password_id, sealed_password, created_at, broken_at, recreated)
     VALUES (@userId, @id, @sealed, @now, NULL, @recreated)
     ON CONFLICT (user_id) DO UPDATE SET app_password_id = excluded.app_password_id, sealed_password = excluded.sealed_password,
       created_at = excluded.created_at, broken_at = NULL, recreated = excluded.recreated`,
  );
  const markBroken = db.prepare("UPDATE inbox_credential SET broken_at = ? WHERE user_id = ? AND broken_at IS NULL");
  const remove = db.prepare("DELETE FROM inbox_credential WHERE user_id = ?");
  /** One creation or replacement at a time per user (concurrent first requests share it). */
  const pending = new Map<string, Promise<Result<MailCredentials>>>();

  function once(userId: string, work: () => Promise<Result<MailCredentials>>): Promise<Result<MailCredentials>> {
    const running = pending.get(userId);
    if (running) return running;
    const started = work().finally(() => pending.delete(userId));
    pending.set(userId, started);
    return started;
  }

  /** Creates a new app password for the owned mailbox (deleting `oldId` first) and stores it sealed. */
  function create(userId: string, oldId: number | null, recreated: 0 | 1): Promise<Result<MailCredentials>> {
    return mailboxes.withOwnedMailbox(userId, async ({ address }) => {
      if (oldId !== null) await mailcow.deleteAppPasswords(address, [oldId]);
      const password = newPassword();
      const created = await mailcow.addAppPassword({ mailbox: address, name: INBOX_APP_PASSWORD_NAME, password, protocols: ["imap", "smtp"] });
      upsert.run({ userId, id: created.id, sealed: sealer.seal(password, userId), now: now(), recreated });
      log.info({ userId, appPasswordId: created.id, recreated: recreated === 1 }, "inbox app password created");
      return ok({ user: address, pass: password });
    });
  }

  return {
    /** The row as stored (tests, the app-password list): never the password. */
    status(userId: string): { appPasswordId: number; createdAt: number; brokenAt: number | null; recreated: boolean } | null {
      const row = get.get(userId);
      return row ? { appPasswordId: row.app_password_id, createdAt: row.created_at, brokenAt: row.broken_at, recreated: row.recreated === 1 } : null;
    },

    /**
     * The user's credential, created on first use (the mailbox must be active and carry the user's tag). Throws
     * InboxError "credential_broken" when it was refused and not replaced; a mailbox problem comes back as a Result.
     */
    async forUser(userId: string): Promise<Result<MailCredentials>> {
      const row = get.get(userId);
      if (!row) return once(userId, () => create(userId, null, 0));
      if (row.broken_at !== null) throw new InboxError("credential_broken", "The inbox credential was refused and has not been replaced");
      const pass = sealer.open(row.sealed_password, userId);
      if (pass === null) {
        // Sealed with another key (MAILBOX_SECRET_KEY changed): replace it like a refused one.
        log.warn({ userId }, "the inbox app password does not open with the current key: replacing it");
        return once(userId, () => create(userId, row.app_password_id, 0));
      }
      return mailboxes.withOwnedMailbox(userId, async ({ address }) => ok({ user: address, pass }));
    },

    /** The mail server refused the credential: remember it (survives a restart). */
    markBroken(userId: string): void {
      markBroken.run(now(), userId);
    },

    /**
     * After a refusal: replaces the credential once (true), or false when it was replaced before (the inbox then
     * says the mailbox cannot be reached with the platform's credential) or there is nothing to replace.
     */
    async replaceAfterFailure(userId: string): Promise<Result<boolean>> {
      const row = get.get(userId);
      if (!row || row.recreated === 1) return ok(false);
      const replaced = await once(userId, () => create(userId, row.app_password_id, 1));
      return replaced.ok ? ok(true) : fail(replaced.problem);
    },

    /**
     * Deletes the platform's app password in Mailcow (the caller has checked the mailbox is the user's) and forgets
     * it. Best effort on the Mailcow side is the caller's choice; errors propagate.
     */
    async revoke(userId: string, address: string): Promise<boolean> {
      const row = get.get(userId);
      if (!row) return false;
      await mailcow.deleteAppPasswords(address, [row.app_password_id]);
      remove.run(userId);
      log.info({ userId, appPasswordId: row.app_password_id }, "inbox app password revoked");
      return true;
    },
  };
}

export type InboxCredentials = ReturnType<typeof createInboxCredentials>;
