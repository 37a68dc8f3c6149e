// npm run doctor [-- --json]: checks the Mailcow settings and the live Mailcow without changing anything.
// Exit code 0 when every check passed or only warned, 1 when one failed (2 for a usage error).
import { readEnvSource } from "../../server/env";
import { runDoctor } from "./doctor";
import { formatReport } from "./format";

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== "--json" && arg !== "--help" && arg !== "-h");
if (args.includes("--help") || args.includes("-h") || unknown.length > 0) {
  const out = unknown.length > 0 ? process.stderr : process.stdout;
  if (unknown.length > 0) out.write(`Unknown option: ${unknown.join(" ")}\n`);
  out.write(
    "Usage: npm run doctor [-- --json]\n" +
      "Checks MAILCOW_API_URL, MAILCOW_API_KEY, MAILCOW_DOMAIN, MAILCOW_TIMEOUT_MS and MAILBOX_QUOTA_MIB (from the\n" +
      "environment or .env), then asks Mailcow: version, key access (read-only or read-write), domain and room for\n" +
      "a new mailbox, password policy. Nothing is changed. --json prints the report for scripts.\n",
  );
  process.exit(unknown.length > 0 ? 2 : 0);
}

const report = await runDoctor({ env: readEnvSource() });
process.stdout.write(args.includes("--json") ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
process.exitCode = report.exitCode;
