// Messages of the mail settings (forwarding, out-of-office, spam level): the server's refusals and the settings
// forms' checks. Apart from validation.ts so that they load with the settings page, not with the app shell.
import { interpolate, type Locale } from "./locales";

export const MAIL_SETTINGS_MESSAGES = {
  "forwarding.noTargets": { ru: "Укажите хотя бы один адрес", en: "Enter at least one address" },
  "forwarding.tooMany": { ru: "Не больше {max} адресов", en: "At most {max} addresses" },
  "forwarding.addressRequired": { ru: "Введите адрес или уберите эту строку", en: "Enter an address or remove this line" },
  "forwarding.invalidAddress": { ru: "Это не похоже на адрес почты (пример: name@example.com)", en: "This does not look like an email address (e.g. name@example.com)" },
  "forwarding.self": { ru: "Это адрес самого ящика — пересылать на него нельзя", en: "This is the mailbox's own address — mail cannot be forwarded to it" },
  "forwarding.ownAlias": {
    ru: "Это ваш псевдоним: письма вернулись бы в этот же ящик и пошли бы по кругу",
    en: "This is one of your aliases: mail would come back to this mailbox and go round in a loop",
  },
  "forwarding.duplicate": { ru: "Этот адрес уже есть в списке", en: "This address is already in the list" },
  "forwarding.externalDenied": {
    ru: "Пересылка на адреса вне компании запрещена администратором",
    en: "Forwarding outside the company is not allowed by the administrator",
  },
  "forwarding.domainDenied": {
    ru: "Пересылка в домен {domain} не разрешена. Разрешены: {allowed}",
    en: "Forwarding to {domain} is not allowed. Allowed: {allowed}",
  },
  "vacation.subjectRequired": { ru: "Введите тему ответа", en: "Enter a subject for the reply" },
  "vacation.subjectTooLong": { ru: "Тема — не длиннее 200 символов", en: "The subject is at most 200 characters" },
  "vacation.messageRequired": { ru: "Введите текст ответа", en: "Enter the reply's text" },
  "vacation.messageTooLong": { ru: "Текст — не длиннее 10 000 символов", en: "The text is at most 10,000 characters" },
  "vacation.date": { ru: "Дата в формате ГГГГ-ММ-ДД", en: "A date as YYYY-MM-DD" },
  "vacation.dateOrder": { ru: "Дата окончания раньше даты начала", en: "The end date is before the start date" },
  "vacation.untilPast": { ru: "Дата окончания уже прошла", en: "The end date has already passed" },
  "spam.number": { ru: "Число от 0 до 100", en: "A number from 0 to 100" },
  "spam.order": {
    ru: "Порог отклонения должен быть выше порога «спам»",
    en: "The rejection threshold must be above the spam threshold",
  },
  "mailSettings.foreignFilter": {
    ru: "В ящике включено правило фильтрации «{description}», созданное не на платформе. Подтвердите, что его нужно выключить",
    en: "The mailbox has an active filter rule “{description}” that was not made here. Confirm that it should be turned off",
  },
  "mailSettings.scriptRefused": {
    ru: "Почтовый сервер не принял правило. Проверьте текст и попробуйте ещё раз",
    en: "The mail server did not accept the rule. Check the text and try again",
  },
  "mailSettings.scriptTooLong": {
    ru: "Слишком длинный текст: почтовый сервер хранит не больше 64 КБ правил. Сократите сообщение",
    en: "The text is too long: the mail server stores at most 64 KB of rules. Shorten the message",
  },
  "mailSettings.spamRefused": {
    ru: "Почтовый сервер не принял эти пороги спама",
    en: "The mail server did not accept these spam thresholds",
  },
} as const satisfies Record<string, Record<Locale, string>>;

export type MailSettingsCode = keyof typeof MAIL_SETTINGS_MESSAGES;

export function isMailSettingsCode(value: string): value is MailSettingsCode {
  return Object.hasOwn(MAIL_SETTINGS_MESSAGES, value);
}

export function mailSettingsMessage(code: MailSettingsCode, locale: Locale, params?: Record<string, string | number>): string {
  return interpolate(MAIL_SETTINGS_MESSAGES[code][locale], params);
}
