// GET /mail/device/:token — the phone's end of zero-typing set-up (the Mail page shows the link as a QR code).
// A valid link is spent at once and makes a new app password (IMAP + SMTP) for the device: Apple devices get a
// configuration profile with it, others a small page with the settings and the password to copy. An unknown, expired
// or used link gets 410. Nothing is cached, the page runs no script (its CSP allows only its own inline style), and
// no Referer leaves it. HEAD is not served: only a real visit spends the link.
import { createHash } from "node:crypto";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import type { Locale } from "../../shared/i18n/validation";
import { mailAccessOf } from "../mail-features/mail-access";
import type { MailEndpoints } from "../mailbox/client-settings";
import type { Services } from "../services";
import { loadMailAppDocuments } from "../on-demand";
import { profileLocale } from "./mail-client-config";

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f9fafb;color:#111827}main{max-width:32rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.4rem}dl{background:#fff;border-radius:.75rem;padding:1rem;box-shadow:0 0 0 1px #e5e7eb}dt{color:#4b5563;font-size:.85rem;margin-top:.6rem}
dd{margin:0;font-weight:600;word-break:break-all}.pw{font-family:ui-monospace,monospace;font-size:1.25rem;color:#be185d;user-select:all}
.note{color:#4b5563;font-size:.9rem}`;
const STYLE_HASH = `'sha256-${createHash("sha256").update(STYLE, "utf8").digest("base64")}'`;
const CSP = `default-src 'none'; style-src ${STYLE_HASH}; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const SECURITY = { ssl: "SSL/TLS", starttls: "STARTTLS", none: "—" } as const;

const TEXT = {
  ru: {
    readyTitle: "Настройка почты на телефоне",
    readyIntro: "Добавьте в почтовом приложении учётную запись IMAP с этими данными. Пароль приложения показан один раз — скопируйте его сейчас.",
    address: "Адрес", password: "Пароль приложения", imap: "Входящая почта (IMAP)", smtp: "Исходящая почта (SMTP)",
    server: "Сервер", port: "Порт", security: "Шифрование", username: "Имя пользователя",
    revoke: "Пароль «{name}» можно отозвать на странице настроек почты платформы.",
    goneTitle: "Ссылка больше не действует",
    goneText: "Эта ссылка для настройки телефона уже использована или её срок истёк. Откройте настройки почты на компьютере и отсканируйте новый QR-код.",
    busyTitle: "Почтовый сервер сейчас недоступен",
    busyText: "Пароль приложения не создан. Откройте эту ссылку ещё раз через минуту — она действует, пока не истёк её срок.",
  },
  en: {
    readyTitle: "Set up mail on your phone",
    readyIntro: "Add an IMAP account in your mail app with these details. The app password is shown once — copy it now.",
    address: "Address", password: "App password", imap: "Incoming mail (IMAP)", smtp: "Outgoing mail (SMTP)",
    server: "Server", port: "Port", security: "Security", username: "Username",
    revoke: "You can revoke the password \"{name}\" on the platform's mail settings page.",
    goneTitle: "This link no longer works",
    goneText: "This phone set-up link has been used already or has expired. Open the mail settings on your computer and scan a new QR code.",
    busyTitle: "The mail server cannot be reached right now",
    busyText: "No app password was made. Open this link again in a minute — it works until it expires.",
  },
} as const;

function page(locale: Locale, title: string, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

export function settingsPage(locale: Locale, endpoints: MailEndpoints, address: string, password: string, name: string): string {
  const t = TEXT[locale];
  const row = (label: string, value: string, cls = "") => `<dt>${escapeHtml(label)}</dt><dd${cls ? ` class="${cls}"` : ""}>${escapeHtml(value)}</dd>`;
  const server = (label: string, s: MailEndpoints["imap"]) =>
    `<h2>${escapeHtml(label)}</h2><dl>${row(t.server, endpoints.host)}${row(t.port, String(s.port))}${row(t.security, SECURITY[s.security])}${row(t.username, address)}</dl>`;
  return page(
    locale,
    t.readyTitle,
    `<p>${escapeHtml(t.readyIntro)}</p><dl>${row(t.address, address)}${row(t.password, password, "pw")}</dl>` +
      server(t.imap, endpoints.imap) +
      server(t.smtp, endpoints.smtp) +
      `<p class="note">${escapeHtml(t.revoke.replace("{name}", name))}</p>`,
  );
}

export const deviceSetupRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply
      .code(status)
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      .header("content-security-policy", CSP)
      .header("referrer-policy", "no-referrer")
      .header("x-robots-tag", "noindex")
      .send(body);

  app.get<{ Params: { token: string } }>("/mail/device/:token", { exposeHeadRoute: false }, async (req, reply) => {
    const locale = profileLocale(req);
    const t = TEXT[locale];
    const outcome = await mailAccessOf(services).deviceSetup.consume(req.params.token, req.headers["user-agent"] ?? null);
    if (outcome.kind === "gone") return html(reply, 410, page(locale, t.goneTitle, `<p>${escapeHtml(t.goneText)}</p>`));
    if (outcome.kind === "unavailable") return html(reply.header("retry-after", "60"), 503, page(locale, t.busyTitle, `<p>${escapeHtml(t.busyText)}</p>`));
    req.log.info({ device: outcome.device, appPassword: outcome.appPasswordName }, "phone set-up: app password made");
    services.audit.record({
      actorId: outcome.userId,
      actorName: outcome.username,
      action: "mailbox.deviceSetup.use",
      targetUserId: outcome.userId,
      target: outcome.appPasswordName,
      result: "ok",
      detail: { id: outcome.appPasswordId, device: outcome.device },
      ip: req.ip,
    });
    if (outcome.device === "apple") {
      const { mobileconfigPlist } = await loadMailAppDocuments();
      return reply
        .type("application/x-apple-aspen-config; charset=utf-8")
        .header("content-disposition", `attachment; filename="${outcome.address}.mobileconfig"`)
        .header("cache-control", "no-store")
        .header("referrer-policy", "no-referrer")
        .send(mobileconfigPlist(services.endpoints, outcome.address, outcome.displayName, locale, { password: outcome.password, name: outcome.appPasswordName }));
    }
    return html(reply, 200, settingsPage(locale, services.endpoints, outcome.address, outcome.password, outcome.appPasswordName));
  });
};
