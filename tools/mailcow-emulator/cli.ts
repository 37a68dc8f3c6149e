// `npm run mailcow:emulator`: the stand-in Mailcow for demos and manual testing. Configuration comes from flags only
// (only server/env.ts reads the environment). State lives in a SQLite file, so mailboxes survive restarts; generated
// API keys are kept in that file too, so the printed keys stay valid across restarts.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runningMailstack } from "../mailstack/index";
import { startMailcowEmulator } from "./index";
import { readSeedFile } from "./seed";

const USAGE = `Usage: npm run mailcow:emulator -- [options]
  --port <n>            port to listen on (default 8025, 0 = any free port)
  --host <addr>         address to bind (default 127.0.0.1)
  --db <path>           SQLite file (default ./data/mailcow-emulator.db, ":memory:" for none)
  --domain <name>       the mail domain to create (default example.test)
  --api-key <key>       read-write API key (default: generated once, then kept in the database)
  --read-only-key <key> read-only API key (default: generated once; "none" for no read-only key)
  --seed <file.json>    start state (domains, alias domains, mailboxes, aliases, policy, keys; README "Seed files"),
                        applied to an empty database instead of the --domain default
  --mailstack <dir>     back mailboxes with the Dovecot \`npm run mailstack\` runs from <dir> (e.g. ./data/mailstack)
  --help                show this text`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8025" },
      host: { type: "string", default: "127.0.0.1" },
      db: { type: "string", default: "./data/mailcow-emulator.db" },
      domain: { type: "string" },
      "api-key": { type: "string" },
      "read-only-key": { type: "string" },
      mailstack: { type: "string" },
      seed: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be 0–65535, got "${values.port}"`);
  const databasePath = values.db === ":memory:" ? ":memory:" : resolve(values.db);
  if (databasePath !== ":memory:") mkdirSync(dirname(databasePath), { recursive: true });
  const readOnlyKey = values["read-only-key"];
  const mailstack = values.mailstack === undefined ? null : runningMailstack(values.mailstack);
  if (values.mailstack !== undefined && !mailstack) throw new Error(`No mailstack is running from ${values.mailstack}`);

  const seed = values.seed === undefined ? undefined : readSeedFile(resolve(values.seed));

  const emulator = await startMailcowEmulator({
    ...(seed && { seed }),
    host: values.host,
    port,
    databasePath,
    domain: values.domain,
    apiKey: values["api-key"],
    readOnlyApiKey: readOnlyKey === "none" ? null : readOnlyKey,
    ...(mailstack && { dovecot: { passwdFile: mailstack.passwdFile, doveadm: mailstack.doveadm, lastLoginFile: mailstack.lastLoginFile } }),
  });
  console.log(`Mailcow emulator listening on ${emulator.url}`);
  console.log(`  domain:        ${emulator.domain}`);
  if (values.seed !== undefined) console.log(`  seed:          ${resolve(values.seed)}`);
  console.log(`  API key (rw):  ${emulator.apiKey}`);
  console.log(`  API key (ro):  ${emulator.readOnlyApiKey ?? "(none)"}`);
  console.log(`  database:      ${databasePath}`);
  if (mailstack) console.log(`  Dovecot:       IMAP 127.0.0.1:${mailstack.imapsPort} (SSL/TLS), ${mailstack.imapPort} (STARTTLS)`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the Mailcow emulator`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(1);
});
