// `npm run admin -- grant <username>` | `revoke <username>` | `list` [--database <file>]
// Exit codes: 0 done, 1 unexpected error, 2 usage, 3 no such account.
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "../../server/db/open-database";
import { loadConfig } from "../../server/env";
import { EXIT, runAdminCommand } from "./admin";

const USAGE = `Usage:
  npm run admin -- grant <username>    give the account the admin role (the admin console at /admin)
  npm run admin -- revoke <username>   take the admin role away
  npm run admin -- list                the accounts with the admin role
Options:
  --database <file>   the platform database (default: DATABASE_PATH, i.e. $DATA_DIR/platform.db)
Works while the server runs. Each change is written to the audit log (actor "cli").`;

function main(): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { database: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, username, ...extra] = positionals;
  if (values.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  if (!command || !["grant", "revoke", "list"].includes(command) || extra.length > 0 || (command === "list" && username)) {
    console.error(USAGE);
    return EXIT.usage;
  }
  const databasePath = path.resolve(values.database ?? loadConfig().DATABASE_PATH);
  const db = openDatabase(databasePath);
  try {
    const result = runAdminCommand(db, command, username);
    for (const line of result.out) console.log(line);
    for (const line of result.err) console.error(line);
    if (result.code === EXIT.usage) console.error(USAGE);
    return result.code;
  } finally {
    db.close();
  }
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`npm run admin failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = EXIT.error;
}
