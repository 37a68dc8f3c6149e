// The SMTP submission process `mailstack start` runs beside Dovecot (node --import tsx smtp-main.ts <options JSON>).
// Logs one line per event to stdout (the mailstack's log/smtp.log), never a password; stops on SIGTERM.
import { createSubmissionServer, type SubmissionOptions } from "./smtp";

const options = JSON.parse(process.argv[2] ?? "{}") as SubmissionOptions & { dir: string };
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
const server = createSubmissionServer({ ...options, log });
server.listen(options.port, options.host ?? "127.0.0.1", () => log(`listening on 127.0.0.1:${options.port}`));
server.server.on("error", (error: Error) => {
  log(`cannot listen: ${error.message}`);
  process.exit(1);
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
