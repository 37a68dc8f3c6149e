// Start-up check: do the sealed sign-up passwords still open with the configured MAILBOX_SECRET_KEY? A changed key
// makes every one of them unreadable; the worker would then quietly move those mailboxes to "needs a password", so
// the operator hears it once, loudly, with the count, while the old key can still be put back.
import type { Logger } from "pino";
import type { Db } from "./db/open-database";
import type { Sealer } from "./provisioning/seal";

export interface SealedPasswordsReport {
  sealed: number;
  unreadable: number;
}

/** Counts sealed passwords the sealer cannot open; logs one error-level line when there are any. */
export function checkSealedPasswords(db: Db, sealer: Sealer, logger: Logger): SealedPasswordsReport {
  const rows = db
    .prepare<[], { user_id: string; sealed_password: string }>("SELECT user_id, sealed_password FROM mailbox WHERE sealed_password IS NOT NULL")
    .all();
  const unreadable = rows.filter((row) => sealer.open(row.sealed_password, row.user_id) === null).length;
  if (unreadable > 0) {
    logger.error(
      { unreadable, sealed: rows.length },
      `MAILBOX_SECRET_KEY cannot open ${unreadable} of ${rows.length} sealed sign-up password(s): the key was changed or lost. ` +
        "Restore the previous key and restart to let these mailboxes be created; otherwise their users will be asked for a new mailbox password",
    );
  }
  return { sealed: rows.length, unreadable };
}
