import type { CheckLoginResult, MailboxReason } from "../schemas/mailbox";
import type { Locale } from "./validation";

/** Plain-language reasons for a mailbox's state. Never a raw Mailcow key, never a secret. */
export const MAILBOX_REASON_TEXT: Record<MailboxReason, Record<Locale, string>> = {
  creating: { ru: "Создаём почтовый ящик.", en: "Creating your mailbox." },
  mailcow_unreachable: {
    ru: "Почтовый сервер сейчас недоступен. Мы повторим попытку автоматически.",
    en: "The mail server cannot be reached right now. We will try again automatically.",
  },
  mailcow_error: {
    ru: "Почтовый сервер ответил ошибкой. Мы повторим попытку автоматически.",
    en: "The mail server answered with an error. We will try again automatically.",
  },
  mailcow_auth: {
    ru: "Платформа не может подключиться к почтовому серверу (ошибка доступа). Администратор уже может это исправить; мы повторим попытку автоматически.",
    en: "The platform is not allowed into the mail server (access error). An administrator can fix this; we will try again automatically.",
  },
  mailcow_busy: {
    ru: "Почтовый сервер перегружен. Мы повторим попытку автоматически.",
    en: "The mail server is overloaded. We will try again automatically.",
  },
  password_policy: {
    ru: "Почтовый сервер не принял пароль: он не соответствует его требованиям. Задайте другой пароль.",
    en: "The mail server did not accept the password: it does not meet its requirements. Choose another password.",
  },
  domain_full: {
    ru: "В почтовом домене закончилось место для новых ящиков. Обратитесь к администратору.",
    en: "The mail domain has no room for new mailboxes. Contact your administrator.",
  },
  quota_exceeded: {
    ru: "Для нового ящика не хватает квоты почтового домена. Обратитесь к администратору.",
    en: "The mail domain does not have enough storage quota for a new mailbox. Contact your administrator.",
  },
  mail_config: {
    ru: "Почтовый сервер не настроен для этого домена. Обратитесь к администратору.",
    en: "The mail server is not set up for this domain. Contact your administrator.",
  },
  address_taken: {
    ru: "Этот адрес уже занят почтовым ящиком или псевдонимом, созданным не платформой. Обратитесь к администратору.",
    en: "This address already belongs to a mailbox or alias that the platform did not create. Contact your administrator.",
  },
  retry_window_passed: {
    ru: "Создать ящик не удалось слишком долго, и мы больше не храним ваш пароль. Задайте пароль для ящика, чтобы попробовать снова.",
    en: "Creating the mailbox failed for too long, and we no longer keep your password. Set a mailbox password to try again.",
  },
  password_missing: {
    ru: "Задайте пароль для почтового ящика, чтобы создать его.",
    en: "Set a mailbox password to create it.",
  },
  disabled_in_mailcow: {
    ru: "Ящик отключён на почтовом сервере. Обратитесь к администратору.",
    en: "The mailbox is disabled on the mail server. Contact your administrator.",
  },
  removed_in_mailcow: {
    ru: "Ящика с этим адресом больше нет на почтовом сервере, или он теперь принадлежит другому пользователю. Платформа его не трогает. Обратитесь к администратору.",
    en: "The mailbox with this address is no longer on the mail server, or it now belongs to someone else. The platform leaves it alone. Contact your administrator.",
  },
  account_deleted: {
    ru: "Аккаунт удаляется; ящик отключён и будет удалён.",
    en: "The account is being deleted; the mailbox is disabled and will be removed.",
  },
  unexpected: {
    ru: "Произошла непредвиденная ошибка. Мы повторим попытку автоматически.",
    en: "Something unexpected went wrong. We will try again automatically.",
  },
};

export function mailboxReasonText(reason: MailboxReason, locale: Locale): string {
  return MAILBOX_REASON_TEXT[reason][locale];
}

/** The answer of "Check my login" (mailbox.checkLogin), `{ms}` filled with the time it took, `{minutes}` with the wait. */
export const CHECK_LOGIN_TEXT: Record<CheckLoginResult["result"], Record<Locale, string>> = {
  ok: {
    ru: "Вход работает: почтовый сервер принял пароль за {ms} мс.",
    en: "The login works: the mail server accepted the password in {ms} ms.",
  },
  wrong_password: {
    ru: "Почтовый сервер не принял пароль. Проверьте пароль ящика (он может отличаться от пароля платформы).",
    en: "The mail server did not accept the password. Check the mailbox password (it may differ from your platform password).",
  },
  unreachable: {
    ru: "Почтовый сервер сейчас недоступен. Попробуйте позже.",
    en: "The mail server cannot be reached right now. Try again later.",
  },
  tls_error: {
    ru: "Не удалось установить защищённое соединение с почтовым сервером (проблема с сертификатом). Сообщите администратору.",
    en: "A secure connection to the mail server could not be made (a certificate problem). Tell your administrator.",
  },
  paused: {
    ru: "Проверка входа временно приостановлена для всех: недавно было слишком много неверных паролей, и почтовый сервер мог бы заблокировать платформу. Попробуйте снова через {minutes} мин.",
    en: "Login checks are paused for everyone for now: too many wrong passwords were tried lately, and the mail server could block the platform. Try again in {minutes} min.",
  },
};

export function checkLoginText(result: CheckLoginResult["result"], locale: Locale, elapsedMs = 0, retryAfterSeconds = 0): string {
  return CHECK_LOGIN_TEXT[result][locale].replace("{ms}", String(elapsedMs)).replace("{minutes}", String(waitMinutes(retryAfterSeconds)));
}

/** A wait in whole minutes, at least one. */
export function waitMinutes(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}
