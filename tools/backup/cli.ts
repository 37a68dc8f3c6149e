// `npm run backup -- --out <file|dir> [--keep N] [--passphrase-file <file>]` and
// `npm run restore -- <file> [--passphrase-file <file>]`: the platform database (DATABASE_PATH) while the server
// runs, and back. Exit codes: 0 done, 1 unexpected error, 2 usage, 3 the backup is unusable (damaged, truncated,
// wrong passphrase, schema too new), 4 the target database is in use.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../../server/env";
import { RECONCILE_DUE } from "../../server/ops/meta";
import { createBackup } from "./backup";
import { BackupError } from "./format";
import { DatabaseInUseError, restoreBackup } from "./restore";

const USAGE = `Usage:
  npm run backup -- --out <file|directory> [options]
    --out <path>              the backup file, or a directory for platform-mail-<time>.pmbak
    --keep <n>                keep the n newest *.pmbak backups in that directory, delete older ones
    --passphrase-file <file>  encrypt with the passphrase in this file (or set BACKUP_PASSPHRASE)
    --database <file>         the database to back up (default: DATABASE_PATH, i.e. $DATA_DIR/platform.db)
  npm run restore -- <file> [options]
    --passphrase-file <file>  the passphrase of an encrypted backup (or set BACKUP_PASSPHRASE)
    --database <file>         the database to replace (default: DATABASE_PATH); the server must be stopped
Backups cover accounts, sessions and the mailbox registry, not mail (see docs/operations/backup.md).`;

function readPassphrase(file: string | undefined, fromEnv: string | undefined): string | null {
  if (file) {
    const text = readFileSync(file, "utf8").replace(/\r?\n$/, "");
    if (text === "") throw new Error(`The passphrase file ${file} is empty`);
    return text;
  }
  return fromEnv ?? null;
}

const size = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(2)} MiB`);

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      keep: { type: "string" },
      "passphrase-file": { type: "string" },
      database: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || (command !== "backup" && command !== "restore")) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const config = loadConfig();
  const databasePath = path.resolve(values.database ?? config.DATABASE_PATH);
  const passphrase = readPassphrase(values["passphrase-file"], config.BACKUP_PASSPHRASE);

  if (command === "backup") {
    if (!values.out || positionals.length > 0) {
      console.error(`backup needs --out <file|directory>\n${USAGE}`);
      return 2;
    }
    const keep = values.keep === undefined ? null : Number(values.keep);
    if (keep !== null && (!Number.isInteger(keep) || keep < 1)) {
      console.error(`--keep must be a whole number of at least 1, got "${values.keep}"`);
      return 2;
    }
    const result = await createBackup({ databasePath, out: values.out, passphrase, keep });
    const rows = Object.entries(result.manifest.tables).map(([table, n]) => `${table} ${n}`).join(", ");
    console.log(
      [
        `Backup written: ${result.file} (${size(result.bytes)}, ${result.encrypted ? "encrypted" : "not encrypted"})`,
        `  database ${databasePath}, schema version ${result.manifest.schemaVersion}, ${size(result.manifest.databaseBytes)}`,
        `  rows: ${rows}`,
        `  sha256 ${result.manifest.databaseSha256}`,
        ...result.removed.map((file) => `  removed (--keep ${keep}): ${file}`),
      ].join("\n"),
    );
    return 0;
  }

  const file = positionals[0];
  if (!file || positionals.length > 1 || values.out || values.keep) {
    console.error(`restore needs exactly one backup file\n${USAGE}`);
    return 2;
  }
  const result = await restoreBackup({ file, databasePath, passphrase });
  console.log(
    [
      `Restored ${databasePath} from ${file}`,
      `  backup made ${result.manifest.createdAt} by Platform Mail ${result.manifest.appVersion}, schema version ${result.manifest.schemaVersion}` +
        (result.schemaVersion !== result.manifest.schemaVersion ? ` (migrated to ${result.schemaVersion})` : ""),
      result.replaced ? `  the database that was there is kept as ${result.replaced}` : "  there was no database there before",
      "",
      "What to do now:",
      "  1. Start the server with the same MAILBOX_SECRET_KEY as when the backup was made (sealed sign-up passwords",
      "     of mailboxes still waiting need it).",
      `  2. A reconcile with Mailcow is due (recorded in the database as meta '${RECONCILE_DUE}'): Mailcow kept running`,
      `     after ${result.manifest.createdAt}. Mailboxes created after the backup exist in Mailcow without an account`,
      "     here; they are reported by the reconcile, never deleted automatically. Check the reconcile report before",
      "     removing anything in Mailcow.",
      "  3. Accounts and password changes made after the backup are gone: tell the users concerned.",
    ].join("\n"),
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof BackupError) {
      console.error(`Refused: ${error.message}`);
      process.exit(3);
    }
    if (error instanceof DatabaseInUseError) {
      console.error(error.message);
      process.exit(4);
    }
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
