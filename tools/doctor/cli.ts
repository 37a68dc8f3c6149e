// npm run doctor [-- --json]: checks the Mailcow settings and the live Mailcow without changing anything.
// Exit code 0 when every check passed or only warned, 1 when one failed (2 for a usage error).
import { parseArgs } from "node:util";
import { readEnvSource } from "../../server/env";
import { runDoctor } from "./doctor";
import { formatReport } from "./format";

const USAGE =
  "Usage: npm run doctor [-- --json]\n" +
  "Checks MAILCOW_API_URL, MAILCOW_API_KEY, MAILCOW_DOMAIN, MAILCOW_TIMEOUT_MS and MAILBOX_QUOTA_MIB (from the\n" +
  "environment or .env), then asks Mailcow: version, key access (read-only or read-write), domain and room for\n" +
  "a new mailbox, password policy. Nothing is changed. --json prints the report for scripts.\n";

let values: { json: boolean; help: boolean };
try {
  ({ values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  }));
} catch (error) {
  // parseArgs names the offending option, e.g. "Unknown option '--jsn'" or "Unexpected argument 'x'".
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const report = await runDoctor({ env: readEnvSource() });
process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
process.exitCode = report.exitCode;
