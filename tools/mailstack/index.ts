// A throw-away Dovecot for development, the demo and the e2e suite (`npm run mailstack`).
export { APP_PASSWORD_SERVICES, DEFAULT_PORTS, type MailstackPorts } from "./config";
export { deliverLmtp, LmtpError, type LmtpMessage } from "./lmtp";
export { dovecotVersion, MailstackError, runningMailstack, startMailstack, stopMailstack, type Mailstack, type StartMailstackOptions } from "./mailstack";
