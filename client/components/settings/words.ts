// The mail settings page's words, loaded with the page (not with the app shell, to keep the first visit small).
import { isMailSettingsCode, mailSettingsMessage } from "../../../shared/i18n/mail-settings";
import { useI18n, useWords } from "../../i18n";
import { useMessage } from "../../i18n/messages";
import type { UiMessage } from "../../i18n/types";

const ru = {
  title: "Настройки почты",
  heading: "Настройки почты",
  intro: "Пересылка, автоответ и защита от спама для ящика {address}. Действуют для любой почтовой программы и веб-почты",
  back: "Назад к почте",
  notActive: "Настройки появятся, когда почтовый ящик будет создан и включён",
  loading: "Загружаем настройки…",
  loadFailed: "Не удалось загрузить настройки: {error}",
  retry: "Повторить",
  on: "Включено",
  off: "Выключено",
  save: "Сохранить",
  saving: "Сохраняем…",
  turnOff: "Выключить",
  turningOff: "Выключаем…",

  "forwarding.title": "Пересылка",
  "forwarding.intro": "Письма, приходящие в ящик, будут отправляться и на эти адреса",
  "forwarding.statusOn": "Пересылка включена: {targets}",
  "forwarding.statusOff": "Пересылка выключена",
  "forwarding.targets": "Куда пересылать",
  "forwarding.address": "Адрес {n}",
  "forwarding.add": "Добавить адрес",
  "forwarding.remove": "Убрать адрес {n}",
  "forwarding.max": "Не больше {max} адресов",
  "forwarding.policyInternal": "Администратор разрешил пересылку только на адреса {domains}",
  "forwarding.policyAny": "Пересылать можно на любые адреса",
  "forwarding.keepCopy": "Оставлять копию в моём ящике",
  "forwarding.keepCopyHint": "Если выключить, письма будут только пересылаться и не останутся в этом ящике",
  "forwarding.saved": "Пересылка включена",
  "forwarding.disabled": "Пересылка выключена",

  "vacation.title": "Автоответ",
  "vacation.intro": "Пока вы в отпуске, отправители получат этот ответ — не чаще одного раза в день на каждого; рассылкам и автоматическим письмам ответа нет",
  "vacation.introDays": "Пока вы в отпуске, отправители получат этот ответ — не чаще одного раза в {days} дн. на каждого; рассылкам и автоматическим письмам ответа нет",
  "vacation.statusOnUntil": "Автоответ включён до {date}",
  "vacation.statusOn": "Автоответ включён без даты окончания",
  "vacation.statusOff": "Автоответ выключен",
  "vacation.subject": "Тема ответа",
  "vacation.message": "Текст ответа",
  "vacation.from": "С какого дня",
  "vacation.until": "По какой день (включительно)",
  "vacation.datesHint": "Без дат автоответ работает, пока вы его не выключите",
  "vacation.saved": "Автоответ включён",
  "vacation.disabled": "Автоответ выключен",

  "spam.title": "Защита от спама",
  "spam.intro": "Насколько строго почтовый сервер оценивает письма. Выше оценки «спам» письмо попадает в папку «Спам», выше оценки «отклонить» — не принимается вовсе",
  "spam.level": "Уровень",
  "spam.relaxed": "Мягкий",
  "spam.relaxedHint": "Меньше писем в «Спаме», но больше спама во входящих",
  "spam.default": "Обычный",
  "spam.defaultHint": "Настройка почтового сервера по умолчанию",
  "spam.strict": "Строгий",
  "spam.strictHint": "Больше спама отсеивается, но чаще ошибочно",
  "spam.custom": "Свой",
  "spam.customHint": "Задать обе оценки самому",
  "spam.numbers": "«Спам» от {low}, отклонить от {high}",
  "spam.low": "Оценка «спам» (письмо в папку «Спам»)",
  "spam.high": "Оценка «отклонить» (письмо не принимается)",
  "spam.saved": "Уровень защиты от спама сохранён",

  "foreign.title": "Заменить ваше правило фильтрации?",
  "foreign.intro": "В ящике включено правило «{description}», созданное вне платформы (в веб-интерфейсе почтового сервера). Одновременно может работать только одно такое правило",
  "foreign.body": "Если продолжить, ваше правило будет выключено (но не удалено) и вместо него заработают пересылка и автоответ платформы",
  "foreign.notice": "В ящике работает ваше правило фильтрации «{description}», созданное вне платформы. Сохранение здесь его выключит — мы спросим перед этим",
  "foreign.confirm": "Выключить его и сохранить",
  "foreign.cancel": "Отмена",
  close: "Закрыть",
};
type Words = Record<keyof typeof ru, string>;

const en: Words = {
  title: "Mail settings",
  heading: "Mail settings",
  intro: "Forwarding, out-of-office and spam protection for {address}. They work in every mail app and in webmail",
  back: "Back to mail",
  notActive: "The settings appear once the mailbox has been created and is on",
  loading: "Loading the settings…",
  loadFailed: "Could not load the settings: {error}",
  retry: "Try again",
  on: "On",
  off: "Off",
  save: "Save",
  saving: "Saving…",
  turnOff: "Turn off",
  turningOff: "Turning off…",

  "forwarding.title": "Forwarding",
  "forwarding.intro": "Mail that arrives in the mailbox is also sent on to these addresses",
  "forwarding.statusOn": "Forwarding is on: {targets}",
  "forwarding.statusOff": "Forwarding is off",
  "forwarding.targets": "Forward to",
  "forwarding.address": "Address {n}",
  "forwarding.add": "Add an address",
  "forwarding.remove": "Remove address {n}",
  "forwarding.max": "At most {max} addresses",
  "forwarding.policyInternal": "The administrator allows forwarding only to addresses at {domains}",
  "forwarding.policyAny": "Mail can be forwarded to any address",
  "forwarding.keepCopy": "Keep a copy in my mailbox",
  "forwarding.keepCopyHint": "When off, mail is only forwarded and does not stay in this mailbox",
  "forwarding.saved": "Forwarding is on",
  "forwarding.disabled": "Forwarding is off",

  "vacation.title": "Out of office",
  "vacation.intro": "While you are away, senders get this reply — at most once a day each; mailing lists and automated mail get none",
  "vacation.introDays": "While you are away, senders get this reply — at most once every {days} days each; mailing lists and automated mail get none",
  "vacation.statusOnUntil": "Out-of-office is on until {date}",
  "vacation.statusOn": "Out-of-office is on with no end date",
  "vacation.statusOff": "Out-of-office is off",
  "vacation.subject": "Reply subject",
  "vacation.message": "Reply text",
  "vacation.from": "First day",
  "vacation.until": "Last day (inclusive)",
  "vacation.datesHint": "Without dates the reply goes out until you turn it off",
  "vacation.saved": "Out-of-office is on",
  "vacation.disabled": "Out-of-office is off",

  "spam.title": "Spam protection",
  "spam.intro": "How strictly the mail server scores mail. Above the “spam” score a message goes to the Junk folder; above the “reject” score it is not accepted at all",
  "spam.level": "Level",
  "spam.relaxed": "Relaxed",
  "spam.relaxedHint": "Fewer messages in Junk, more spam in the inbox",
  "spam.default": "Default",
  "spam.defaultHint": "The mail server's default",
  "spam.strict": "Strict",
  "spam.strictHint": "More spam filtered out, more mistakes too",
  "spam.custom": "Custom",
  "spam.customHint": "Set both scores yourself",
  "spam.numbers": "Spam from {low}, reject from {high}",
  "spam.low": "“Spam” score (message goes to Junk)",
  "spam.high": "“Reject” score (message is not accepted)",
  "spam.saved": "The spam protection level is saved",

  "foreign.title": "Replace your filter rule?",
  "foreign.intro": "The mailbox has an active rule “{description}” made outside the platform (in the mail server's web interface). Only one such rule can be active at a time",
  "foreign.body": "If you go on, your rule is turned off (not deleted) and the platform's forwarding and out-of-office take its place",
  "foreign.notice": "Your own filter rule “{description}”, made outside the platform, is active. Saving here turns it off — you will be asked first",
  "foreign.confirm": "Turn it off and save",
  "foreign.cancel": "Cancel",
  close: "Close",
};

export type SettingsWord = keyof typeof ru;

/** `w(key, params?)` in the current language. */
export function useSettingsWords() {
  return useWords(ru, en);
}

/** Form messages in words, the settings' own validation codes included. */
export function useSettingsMessage(): (message: UiMessage) => string {
  const { locale } = useI18n();
  const message = useMessage();
  return (m) => ("validation" in m && isMailSettingsCode(m.validation) ? mailSettingsMessage(m.validation, locale) : message(m));
}

/** "2026-07-20" as a date in the reader's language (no time zone shift: the date is a calendar day). */
export function useDayFormat(): (day: string) => string {
  const { locale } = useI18n();
  return (day) => {
    const [y, m, d] = day.split("-").map(Number);
    return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(
      new Date(Date.UTC(y!, m! - 1, d!)),
    );
  };
}
