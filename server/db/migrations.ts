// Numbered schema migrations. Applied in order at start-up, each in its own transaction, tracked by
// PRAGMA user_version. Never edit a migration that has shipped: add the next number.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "accounts and sessions",
    sql: `
      CREATE TABLE user (
        id TEXT PRIMARY KEY NOT NULL,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      -- The table lucia's SQLite adapter reads and writes (expires_at in seconds).
      CREATE TABLE session (
        id TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX session_user_id ON session(user_id);
    `,
  },
  {
    version: 2,
    name: "mailboxes and their provisioning jobs",
    sql: `
      -- A soft-deleted account keeps its username (and so its address) until its mailbox is gone.
      ALTER TABLE user ADD COLUMN deleted_at INTEGER;
      CREATE TABLE mailbox (
        user_id TEXT PRIMARY KEY NOT NULL REFERENCES user(id) ON DELETE CASCADE,
        address TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL CHECK (state IN
          ('provisioning', 'active', 'pending', 'failed', 'needs_password', 'conflict', 'disabled', 'deleting')),
        reason TEXT,
        -- AES-256-GCM sealed password, kept only until Mailcow has the mailbox (see provisioning/seal.ts).
        sealed_password TEXT,
        password_sealed_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        lease_owner TEXT,
        lease_until INTEGER,
        delete_after INTEGER,
        deactivated INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        provisioned_at INTEGER
      ) STRICT;
      CREATE INDEX mailbox_due ON mailbox(next_attempt_at) WHERE state IN ('provisioning', 'pending', 'deleting');
    `,
  },
  {
    version: 4,
    name: "session details, two-factor sign-in",
    sql: `
      -- What the account page shows about each session; written on sign-in and (at most once a minute) on use.
      ALTER TABLE session ADD COLUMN created_at INTEGER;
      ALTER TABLE session ADD COLUMN last_seen_at INTEGER;
      ALTER TABLE session ADD COLUMN user_agent TEXT;
      ALTER TABLE session ADD COLUMN ip TEXT;
      -- TOTP (RFC 6238): the secret sealed with MAILBOX_SECRET_KEY; enabled_at NULL while set up but not confirmed.
      -- last_step is the last accepted 30-second step, so one code cannot be used twice.
      CREATE TABLE user_totp (
        user_id TEXT PRIMARY KEY NOT NULL REFERENCES user(id) ON DELETE CASCADE,
        sealed_secret TEXT NOT NULL,
        enabled_at INTEGER,
        last_step INTEGER,
        created_at INTEGER NOT NULL
      ) STRICT;
      -- One-time recovery codes: SHA-256 of 80-bit random codes (see docs/decisions/009-account-security.md).
      CREATE TABLE user_recovery_code (
        user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
        code_hash TEXT NOT NULL,
        used_at INTEGER,
        PRIMARY KEY (user_id, code_hash)
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: "operations: meta marks and alert dedupe",
    sql: `
      -- Small operational facts, e.g. 'reconcile_due' written by \`npm run restore\` (a JSON value).
      CREATE TABLE meta (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      -- Alerts that fired and whose condition has not ended yet: one row per dedupe key, so an alert fires once
      -- per crossing; the row is deleted when the condition ends.
      CREATE TABLE alert_state (
        key TEXT PRIMARY KEY NOT NULL,
        fired_at INTEGER NOT NULL,
        payload TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 6,
    name: "audit log",
    sql: `
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor_id TEXT,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        target_user_id TEXT,
        target TEXT,
        result TEXT NOT NULL CHECK (result IN ('ok', 'refused', 'failed')),
        detail TEXT,
        ip TEXT
      ) STRICT;
      CREATE INDEX audit_log_at ON audit_log(at);
      CREATE INDEX audit_log_target ON audit_log(target_user_id, id);
      CREATE INDEX audit_log_action ON audit_log(action, id);
    `,
  },
  {
    version: 7,
    name: "roles",
    sql: `
      -- 'admin' may use the admin console (admin.* procedures); granted with \`npm run admin -- grant <username>\`.
      ALTER TABLE user ADD COLUMN role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin'));
      CREATE INDEX user_role ON user(role) WHERE role = 'admin';
    `,
  },
  {
    version: 8,
    name: "mail settings: forwarding and out-of-office",
    sql: `
      -- The structured settings behind the platform's one generated Sieve prefilter per mailbox, so nothing ever
      -- parses a script back. JSON values; NULL = off. Written only after Mailcow stored the script.
      CREATE TABLE mail_filter_settings (
        user_id TEXT PRIMARY KEY NOT NULL REFERENCES user(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        forwarding TEXT,
        vacation TEXT,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 11,
    name: "admin console: state history, invitations, password resets, figures, list indexes",
    sql: `
      -- Every mailbox state transition (written by the provisioning store, the one place states change).
      CREATE TABLE mailbox_state_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        reason TEXT,
        at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX mailbox_state_history_user ON mailbox_state_history(user_id, id);
      -- Mailbox state changes are caught by triggers, so no UPDATE anywhere can skip the history.
      CREATE TRIGGER mailbox_state_history_insert AFTER INSERT ON mailbox BEGIN
        INSERT INTO mailbox_state_history (user_id, from_state, to_state, reason, at)
          VALUES (NEW.user_id, NULL, NEW.state, NEW.reason, NEW.updated_at);
      END;
      CREATE TRIGGER mailbox_state_history_update AFTER UPDATE OF state, reason ON mailbox
        WHEN OLD.state IS NOT NEW.state OR OLD.reason IS NOT NEW.reason BEGIN
        INSERT INTO mailbox_state_history (user_id, from_state, to_state, reason, at)
          VALUES (NEW.user_id, OLD.state, NEW.state, NEW.reason, NEW.updated_at);
      END;
      -- An admin's note on a mailbox (e.g. a conflict left as is, and why).
      ALTER TABLE mailbox ADD COLUMN admin_note TEXT;
      -- Invitations: only the SHA-256 of the 256-bit token is kept; used once, inside the sign-up transaction.
      CREATE TABLE invitation (
        id TEXT PRIMARY KEY NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        username TEXT,
        display_name TEXT,
        note TEXT,
        created_at INTEGER NOT NULL,
        created_by TEXT,
        expires_at INTEGER NOT NULL,
        used_at INTEGER,
        used_by TEXT,
        revoked_at INTEGER
      ) STRICT;
      CREATE INDEX invitation_created ON invitation(created_at, id);
      CREATE INDEX invitation_username ON invitation(username) WHERE username IS NOT NULL;
      -- One-time platform password resets made by an admin (/reset/:token); SHA-256 of the token.
      CREATE TABLE password_reset (
        token_hash TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        created_by TEXT,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      ) STRICT;
      CREATE INDEX password_reset_user ON password_reset(user_id);
      -- The latest figures known for each mailbox (quota use, last login), for the admin table's filters.
      CREATE TABLE mailbox_figures (
        user_id TEXT PRIMARY KEY NOT NULL REFERENCES user(id) ON DELETE CASCADE,
        quota_percent REAL,
        last_login_at INTEGER,
        taken_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX mailbox_figures_percent ON mailbox_figures(quota_percent);
      CREATE INDEX mailbox_figures_login ON mailbox_figures(last_login_at);
      -- The admin table pages 100,000 accounts: sorting and filtering by these.
      CREATE INDEX user_created ON user(created_at, id);
      CREATE INDEX user_display_name ON user(display_name, id);
      CREATE INDEX mailbox_state ON mailbox(state, reason);
      CREATE INDEX mailbox_updated ON mailbox(updated_at);
      CREATE INDEX mailbox_reason ON mailbox(reason);
    `,
  },
  {
    version: 12,
    name: "bulk onboarding and reconcile",
    sql: `
      -- The users a CSV import created directly get a one-time platform password; they must change it first.
      ALTER TABLE user ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
      -- The quota this mailbox is created with and the platform last knew (NULL: MAILBOX_QUOTA_MIB).
      ALTER TABLE mailbox ADD COLUMN quota_mib INTEGER;
      CREATE TABLE import_job (
        id TEXT PRIMARY KEY NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('invitations', 'direct')),
        state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
        actor_id TEXT,
        total INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        finished_at INTEGER
      ) STRICT;
      -- One row per CSV line of an import; never a password or a link (those are shown once, from memory).
      CREATE TABLE import_row (
        job_id TEXT NOT NULL REFERENCES import_job(id) ON DELETE CASCADE,
        line INTEGER NOT NULL,
        username TEXT NOT NULL,
        display_name TEXT,
        quota_mib INTEGER,
        status TEXT NOT NULL CHECK (status IN ('waiting', 'created', 'skipped', 'failed')),
        reason TEXT,
        user_id TEXT,
        invitation_id TEXT,
        PRIMARY KEY (job_id, line)
      ) STRICT;
      -- Reconcile runs: what differed between the platform and Mailcow, and what was fixed.
      CREATE TABLE reconcile_report (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at INTEGER NOT NULL,
        finished_at INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        domain TEXT NOT NULL,
        error TEXT,
        platform_mailboxes INTEGER NOT NULL,
        mailcow_mailboxes INTEGER NOT NULL,
        items TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 10,
    name: "inbox credential",
    sql: `
      -- The platform's own IMAP+SMTP app password per user (the inbox on the Mail page): Mailcow's id of it and the
      -- password sealed with MAILBOX_SECRET_KEY (bound to the user id). broken_at: the mail server refused it;
      -- recreated: 1 once it was replaced after a refusal (never a second time automatically).
      CREATE TABLE inbox_credential (
        user_id TEXT PRIMARY KEY NOT NULL REFERENCES user(id) ON DELETE CASCADE,
        app_password_id INTEGER NOT NULL,
        sealed_password TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        broken_at INTEGER,
        recreated INTEGER NOT NULL DEFAULT 0 CHECK (recreated IN (0, 1))
      ) STRICT;
    `,
  },
  {
    version: 9,
    name: "mail access: platform aliases and phone set-up links",
    sql: `
      -- Aliases the platform created for a user (Mailcow's alias id and address): only these may be removed, and
      -- only while Mailcow still shows them delivering to that user's address.
      CREATE TABLE platform_alias (
        alias_id INTEGER PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
        address TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX platform_alias_user ON platform_alias(user_id);
      -- Phone set-up links: SHA-256 of a 256-bit random token (the token itself is only in the link), single use.
      CREATE TABLE device_setup_token (
        token_hash TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      ) STRICT;
      CREATE INDEX device_setup_token_user ON device_setup_token(user_id);
    `,
  },
  {
    version: 13,
    name: "usage statistics",
    sql: `
      -- One row per platform mailbox per day (UTC date 'YYYY-MM-DD'), from the daily snapshot's domain listing.
      CREATE TABLE stats_mailbox_day (
        day TEXT NOT NULL,
        user_id TEXT NOT NULL,
        address TEXT NOT NULL,
        domain TEXT NOT NULL,
        used_bytes INTEGER NOT NULL,
        quota_bytes INTEGER NOT NULL,
        messages INTEGER NOT NULL,
        last_imap_login INTEGER,
        last_smtp_login INTEGER,
        last_webmail_login INTEGER,
        PRIMARY KEY (day, user_id)
      ) STRICT;
      -- One row per domain per day: platform mailboxes, quota allocated to them, bytes they use.
      CREATE TABLE stats_domain_day (
        day TEXT NOT NULL,
        domain TEXT NOT NULL,
        taken_at INTEGER NOT NULL,
        mailboxes INTEGER NOT NULL,
        allocated_bytes INTEGER NOT NULL,
        used_bytes INTEGER NOT NULL,
        PRIMARY KEY (day, domain)
      ) STRICT;
    `,
  },
];
