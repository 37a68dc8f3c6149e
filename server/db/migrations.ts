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
];
