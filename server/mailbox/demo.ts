// What the demo really runs, so the Mail page can say it truthfully, and "check my login" in the plain demo.
// Plain demo: the Mailcow emulator alone; there is no IMAP server to log in to, so "check my login" asks the
// emulator's own password check (the same stored hash a Dovecot passdb lookup would read) instead of failing
// with "unreachable". With the mailstack, the real IMAP login runs as in production.
import type { CheckLoginResult } from "../../shared/schemas/mailbox";
import type { MailEndpoints } from "./client-settings";

export interface DemoMode {
  /** Plain demo only: the emulator's password check for an active mailbox. */
  checkPassword: ((address: string, password: string) => boolean) | null;
  /** With the mailstack: which of its services run (what the Mail page may promise). */
  mailstack: { imap: boolean; lmtp: boolean; smtp: boolean } | null;
}

/** The plain demo's answer to "check my login", or null when a real IMAP login should run. */
export function demoCheckLogin(
  services: { demoMode: DemoMode | null; endpoints: MailEndpoints },
  address: string,
  password: string,
): CheckLoginResult | null {
  const check = services.demoMode?.checkPassword;
  if (!check) return null;
  const started = performance.now();
  const ok = check(address, password);
  const { host, imap } = services.endpoints;
  return { result: ok ? "ok" : "wrong_password", elapsedMs: Math.round(performance.now() - started), host, port: imap.port, security: imap.security, simulated: true };
}
