// "Check my login": the server logs in over IMAP to the mail host the Mail page names, with the user's address and
// the password they typed, and says what happened in one of four words. The password is used for that one login
// only: never stored, logged or echoed.
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import type { Logger } from "pino";
import type { CheckLoginResult } from "../../shared/schemas/mailbox";
import type { Limits } from "../auth/rate-limit";
import type { AppConfig } from "../env";
import { untilAborted } from "../lib/deadline";
import type { MailEndpoints } from "./client-settings";
import type { LoginBudget } from "./login-budget";
import { demoCheckLogin, type DemoMode } from "./demo";

export type CheckLoginOutcome = CheckLoginResult["result"];

export interface ImapLoginCheck {
  host: string;
  port: number;
  security: MailEndpoints["imap"]["security"];
  user: string;
  password: string;
  timeoutMs: number;
  /** PEM of an extra CA to trust besides the system's (MAIL_TLS_CA_FILE). */
  extraCa?: string;
}

/** OpenSSL's certificate verdicts as Node reports them (error.code). */
const CERTIFICATE_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "EPROTO",
]);

/** Response codes (RFC 5530) that mean "this server cannot check logins now", not "wrong password". */
const SERVER_TROUBLE = new Set(["UNAVAILABLE", "SERVERBUG", "LIMIT", "INUSE"]);

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  authenticationFailed?: unknown;
  tlsFailed?: unknown;
  serverResponseCode?: unknown;
  cause?: unknown;
  _err?: unknown;
}

/** imapflow's errors (and the Node socket and TLS errors it passes through), in the four words of the answer. */
export function classifyImapError(error: unknown): Exclude<CheckLoginOutcome, "ok"> {
  const chain: ErrorLike[] = [];
  for (let current: unknown = error; current && typeof current === "object" && chain.length < 5; ) {
    const e = current as ErrorLike;
    chain.push(e);
    current = e.cause ?? e._err;
  }
  const first = chain[0] ?? {};
  const responseCode = typeof first.serverResponseCode === "string" ? first.serverResponseCode.toUpperCase() : "";
  if (responseCode === "PRIVACYREQUIRED") return "tls_error";
  if (SERVER_TROUBLE.has(responseCode)) return "unreachable";
  if (first.authenticationFailed === true) return "wrong_password";
  for (const e of chain) {
    const code = typeof e.code === "string" ? e.code : "";
    const message = typeof e.message === "string" ? e.message : "";
    if (e.tlsFailed === true || CERTIFICATE_CODES.has(code) || /^ERR_(TLS|SSL)_/.test(code)) return "tls_error";
    if (/certificate|self[- ]signed|wrong version number|ssl routines|handshake|STARTTLS/i.test(message)) return "tls_error";
  }
  return "unreachable";
}

/** One IMAP login, then LOGOUT. Never throws: every failure is one of the outcomes. */
export async function checkImapLogin(check: ImapLoginCheck): Promise<{ result: CheckLoginOutcome; elapsedMs: number }> {
  // Loaded on first use: imapflow takes about half a second to import, which the server's start need not pay.
  const { ImapFlow } = await import("imapflow");
  const client = new ImapFlow({
    host: check.host,
    port: check.port,
    secure: check.security === "ssl",
    // "starttls": insist on the upgrade (imapflow would otherwise go on in plain text when it is not offered).
    doSTARTTLS: check.security === "starttls" ? true : check.security === "none" ? false : undefined,
    auth: { user: check.user, pass: check.password },
    tls: { minVersion: "TLSv1.2", ...(check.extraCa ? { ca: [...rootCertificates, check.extraCa] } : {}) },
    logger: false,
    emitLogs: false,
    disableAutoIdle: true,
    disableCompression: true,
    connectionTimeout: check.timeoutMs,
    greetingTimeout: check.timeoutMs,
    socketTimeout: check.timeoutMs,
  });
  // A late socket error after the outcome is known must not become an unhandled 'error' event.
  client.on("error", () => {});
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const deadline = AbortSignal.timeout(check.timeoutMs);
  const timedOut = (): never => {
    throw Object.assign(new Error("login check timed out"), { code: "ETIMEOUT" });
  };
  try {
    await untilAborted(client.connect(), deadline, timedOut);
    const elapsedMs = elapsed();
    await untilAborted(client.logout(), deadline, timedOut).catch(() => client.close());
    return { result: "ok", elapsedMs };
  } catch (error) {
    client.close();
    return { result: classifyImapError(error), elapsedMs: elapsed() };
  }
}

function readCa(file: string | undefined): string | undefined {
  return file ? readFileSync(file, "utf8") : undefined;
}

/**
 * mailbox.checkLogin: against the IMAP settings the Mail page shows; rate-limited per user, and within the server's
 * budget of failed mail logins (login-budget.ts): when that is spent the answer is "paused" and nothing connects.
 * In the plain demo there is no IMAP server: the emulator's own password check answers (demo.ts), outside the budget.
 */
export interface CheckLoginDeps {
  limits: Pick<Limits, "checkLogin">;
  endpoints: MailEndpoints;
  config: Pick<AppConfig, "MAIL_CHECK_TIMEOUT_MS" | "MAIL_TLS_CA_FILE">;
  logger: Logger;
  mailLoginBudget: LoginBudget;
  demoMode: DemoMode | null;
}

export async function checkMailboxLogin(services: CheckLoginDeps, userId: string, address: string, password: string): Promise<CheckLoginResult> {
  if (services.demoMode?.checkPassword) {
    await services.limits.checkLogin(userId);
    const simulated = demoCheckLogin(services, address, password);
    if (simulated) return simulated;
  }
  const { host, imap } = services.endpoints;
  const where = { host, port: imap.port, security: imap.security };
  const reservation = services.mailLoginBudget.reserve();
  if (!reservation.ok) {
    services.logger.info({ userId, retryAfterSeconds: reservation.retryAfterSeconds }, "mailbox login check refused: the failed-login budget is spent");
    return { result: "paused", elapsedMs: 0, ...where, retryAfterSeconds: reservation.retryAfterSeconds };
  }
  let result: CheckLoginOutcome | undefined;
  try {
    await services.limits.checkLogin(userId);
    const check = await checkImapLogin({
      ...where,
      user: address,
      password,
      timeoutMs: services.config.MAIL_CHECK_TIMEOUT_MS,
      extraCa: readCa(services.config.MAIL_TLS_CA_FILE),
    });
    result = check.result;
    services.logger.info({ userId, ...where, result, elapsedMs: check.elapsedMs }, "mailbox login checked");
    return { result, elapsedMs: check.elapsedMs, ...where };
  } finally {
    // Only a refused password counts towards fail2ban; no connection, TLS failures and server trouble do not.
    reservation.settle(result === "wrong_password");
  }
}
