// What mail apps and the Mail page are told: host, ports and security from MAIL_* settings, the webmail URL.
import type { ClientSettings } from "../../shared/schemas/mailbox";
import type { AppConfig } from "../env";

export interface MailEndpoints {
  host: string;
  imap: { port: number; security: "ssl" | "starttls" | "none" };
  smtp: { port: number; security: "ssl" | "starttls" | "none" };
  webmailUrl: string;
}

export function mailEndpoints(config: AppConfig, mailDomain: string, mailcowUrl: string | null): MailEndpoints {
  const apiHost = !config.demo && mailcowUrl ? new URL(mailcowUrl).hostname : `mail.${mailDomain}`;
  const host = config.MAIL_HOST ?? apiHost;
  return {
    host,
    imap: { port: config.MAIL_IMAP_PORT, security: config.MAIL_IMAP_SECURITY },
    smtp: { port: config.MAIL_SMTP_PORT, security: config.MAIL_SMTP_SECURITY },
    webmailUrl: config.MAILCOW_WEBMAIL_URL ?? `https://${apiHost}/SOGo/`,
  };
}

export function clientSettings(endpoints: MailEndpoints, address: string): ClientSettings {
  return {
    webmailUrl: endpoints.webmailUrl,
    imap: { host: endpoints.host, ...endpoints.imap, username: address },
    smtp: { host: endpoints.host, ...endpoints.smtp, username: address },
  };
}
