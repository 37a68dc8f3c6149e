// Validation messages, shared by the forms (client) and the API (server's error formatter).
// Schemas carry a stable code (e.g. "password.tooShort") as their zod message; each side turns
// it into words in the reader's language, so an API caller and the form show the same sentence.
import { interpolate, type Locale } from "./locales";

export { DEFAULT_LOCALE, interpolate, LOCALES, parseLocale, type Locale } from "./locales";

export const VALIDATION_MESSAGES = {
  "username.required": { ru: "Введите имя пользователя", en: "Enter a username" },
  "username.tooShort": { ru: "Не короче 2 символов", en: "At least 2 characters" },
  "username.tooLong": { ru: "Не длиннее 64 символов", en: "At most 64 characters" },
  "username.chars": {
    ru: "Только латинские буквы, цифры и знаки . - _",
    en: "Only Latin letters, digits and . - _",
  },
  "username.dots": {
    ru: "Точка не может стоять в начале, в конце или дважды подряд",
    en: "A dot cannot come first, last or twice in a row",
  },
  "username.edges": {
    ru: "Имя не может начинаться или заканчиваться знаками - или _",
    en: "A name cannot start or end with - or _",
  },
  "username.reserved": {
    ru: "Это служебное имя, выберите другое",
    en: "This name is reserved, choose another",
  },
  "displayName.tooLong": { ru: "Не длиннее 100 символов", en: "At most 100 characters" },
  "displayName.chars": { ru: "Имя не может содержать < или >", en: "The name cannot contain < or >" },
  "displayName.control": {
    ru: "Имя не может содержать управляющие символы или символы смены направления текста",
    en: "The name cannot contain control characters or text-direction overrides",
  },
  "login.required": { ru: "Введите имя пользователя или адрес", en: "Enter your username or address" },
  "password.required": { ru: "Введите пароль", en: "Enter a password" },
  "password.tooShort": { ru: "Не короче 10 символов", en: "At least 10 characters" },
  "password.tooLong": {
    ru: "Не длиннее 72 байт (кириллица занимает 2 байта на символ)",
    en: "At most 72 bytes (non-Latin letters take 2 or more bytes each)",
  },
  "password.containsUsername": {
    ru: "Пароль не должен содержать имя пользователя",
    en: "The password must not contain the username",
  },
  "password.common": {
    ru: "Это один из самых распространённых паролей — выберите другой",
    en: "This is one of the most common passwords — choose another",
  },
  "password.control": {
    ru: "Пароль не может содержать управляющие или недопустимые символы",
    en: "The password cannot contain control or invalid characters",
  },
  "password.schemePrefix": {
    ru: "Пароль не может начинаться с {СХЕМЫ} в фигурных скобках",
    en: "The password cannot start with a {SCHEME} in braces",
  },
  "password.mismatch": { ru: "Пароли не совпадают", en: "The passwords do not match" },
  "password.sameAsCurrent": {
    ru: "Новый пароль совпадает с текущим",
    en: "The new password is the same as the current one",
  },
  "field.invalid": { ru: "Неверное значение", en: "Invalid value" },
  "username.takenInMail": {
    ru: "Этот адрес уже используется в почтовой системе — выберите другое имя",
    en: "This address is already in use in the mail system — choose another username",
  },
  "password.mailLength": {
    ru: "Почтовый сервер требует не меньше {min} символов",
    en: "The mail server requires at least {min} characters",
  },
  "password.mailLetters": { ru: "Почтовый сервер требует хотя бы одну латинскую букву", en: "The mail server requires at least one Latin letter" },
  "password.mailDigits": { ru: "Почтовый сервер требует хотя бы одну цифру", en: "The mail server requires at least one digit" },
  "password.mailSpecial": {
    ru: "Почтовый сервер требует хотя бы один знак, кроме букв и цифр",
    en: "The mail server requires at least one character other than a letter or digit",
  },
  "password.mailLowerUpper": {
    ru: "Почтовый сервер требует строчные и заглавные латинские буквы",
    en: "The mail server requires both lower- and upper-case Latin letters",
  },
  "password.mailRejected": {
    ru: "Почтовый сервер не принял этот пароль",
    en: "The mail server did not accept this password",
  },
  "mailbox.notActive": {
    ru: "Почтовый ящик ещё не создан",
    en: "The mailbox has not been created yet",
  },
  "mailbox.mailcowUnavailable": {
    ru: "Почтовый сервер сейчас недоступен. Попробуйте чуть позже",
    en: "The mail server cannot be reached right now. Please try again shortly",
  },
  "mailbox.noRoom": {
    ru: "Регистрация временно закрыта: на почтовом сервере не осталось места для новых ящиков. Администратор уже знает; попробуйте позже",
    en: "Sign-up is closed for now: the mail server has no room for new mailboxes. The administrator has been told; please try again later",
  },
  "username.taken": { ru: "Это имя уже занято", en: "This username is already taken" },
  "auth.invalidCredentials": { ru: "Неверное имя пользователя или пароль", en: "Incorrect username or password" },
  "auth.wrongPassword": { ru: "Неверный пароль", en: "Incorrect password" },
  "auth.required": { ru: "Войдите, чтобы продолжить", en: "Sign in to continue" },
  "auth.adminOnly": { ru: "Это доступно только администраторам", en: "Only administrators may do this" },
  "auth.foreignOrigin": {
    ru: "Запрос пришёл с чужого сайта и отклонён",
    en: "The request came from another site and was refused",
  },
  "rateLimit.tooMany": {
    ru: "Слишком много попыток. Попробуйте снова {wait}",
    en: "Too many attempts. Try again {wait}",
  },
  "auth.totpRequired": {
    ru: "Введите код из приложения-аутентификатора",
    en: "Enter the code from your authenticator app",
  },
  "totp.required": { ru: "Введите код", en: "Enter the code" },
  "totp.format": { ru: "Код — 6 цифр из приложения", en: "The code is the 6 digits from the app" },
  "totp.invalid": {
    ru: "Код не подошёл. Проверьте время на телефоне и введите новый код",
    en: "The code did not work. Check your phone's clock and enter a new code",
  },
  "totp.recoveryInvalid": {
    ru: "Такого резервного кода нет или он уже использован",
    en: "This recovery code does not exist or has been used",
  },
  "totp.notSetUp": {
    ru: "Сначала начните настройку: отсканируйте QR-код",
    en: "Start the set-up first: scan the QR code",
  },
  "totp.alreadyEnabled": { ru: "Двухфакторный вход уже включён", en: "Two-factor sign-in is already on" },
  "session.notFound": {
    ru: "Такого сеанса нет: возможно, он уже завершён",
    en: "There is no such session: it may have ended already",
  },
  "server.busy": {
    ru: "Сервер сейчас перегружен. Попробуйте снова {wait}",
    en: "The server is busy right now. Try again {wait}",
  },
  "request.batchTooLarge": {
    ru: "Слишком много запросов в одном пакете (не больше {max})",
    en: "Too many calls in one batch (at most {max})",
  },
  "request.batchRefused": {
    ru: "Вход, регистрацию и действия с почтовым ящиком нельзя объединять в пакет: отправляйте по одному запросу",
    en: "Sign-in, sign-up and mailbox actions cannot be batched: send one per request",
  },
  "field.required": { ru: "Обязательное поле", en: "Required" },
  "field.tooLong": { ru: "Слишком длинно", en: "Too long" },
  "field.tooMany": { ru: "Слишком много (не больше 10 000)", en: "Too many (at most 10,000)" },
  "registration.closed": { ru: "Регистрация закрыта", en: "Sign-up is closed" },
  "invitation.required": { ru: "Регистрация только по приглашению", en: "Sign-up is by invitation only" },
  "invitation.invalid": { ru: "Приглашение не найдено", en: "Invitation not found" },
  "invitation.expired": { ru: "Срок приглашения истёк", en: "The invitation has expired" },
  "invitation.used": { ru: "Приглашение уже использовано", en: "The invitation was already used" },
  "invitation.revoked": { ru: "Приглашение отозвано", en: "The invitation was revoked" },
  "invitation.usernameFixed": { ru: "Приглашение выдано на имя {username}", en: "The invitation is for the name {username}" },
  "invitation.alreadyInvited": { ru: "Это имя уже приглашено", en: "This name is already invited" },
  "invitation.duplicate": { ru: "Имя повторяется", en: "Duplicate name" },
  "quota.invalid": { ru: "Квота: целое число МиБ (0 — без ограничения)", en: "Quota: whole MiB (0 = unlimited)" },
  "quota.aboveMailboxMax": { ru: "Не больше {maxMiB} МиБ на ящик (лимит домена в Mailcow)", en: "At most {maxMiB} MiB per mailbox (the domain's limit in Mailcow)" },
  "quota.domainLeft": { ru: "В домене осталось только {leftMiB} МиБ", en: "Only {leftMiB} MiB are left in the domain" },
  "admin.renameOneAtATime": { ru: "Переименование — по одному человеку", en: "Rename one person at a time" },
  "admin.domainMissing": { ru: "В Mailcow нет домена {domain}", en: "Mailcow has no domain {domain}" },
  "admin.userNotFound": { ru: "Пользователь не найден", en: "User not found" },
  "admin.jobNotFound": { ru: "Задача не найдена", en: "Job not found" },
  "admin.mailcowRefused": { ru: "Mailcow отказал ({key})", en: "Mailcow refused ({key})" },
  "reset.invalid": { ru: "Ссылка недействительна или уже использована", en: "The link is invalid or was already used" },
  "alias.taken": {
    ru: "Этот адрес уже занят: выберите другое имя",
    en: "This address is already taken: choose another name",
  },
  "alias.limit": {
    ru: "Можно добавить не больше {max} дополнительных адресов. Удалите один, чтобы добавить новый",
    en: "You can add at most {max} extra addresses. Remove one to add another",
  },
  "alias.domainFull": {
    ru: "На почтовом домене закончилось место для новых адресов (max_alias_exceeded). Сообщите администратору",
    en: "The mail domain has no room for new addresses (max_alias_exceeded). Please tell the administrator",
  },
  "alias.notFound": {
    ru: "Такого дополнительного адреса у вас нет",
    en: "You have no such extra address",
  },
  "alias.notYours": {
    ru: "Этот адрес изменил администратор: удалить его можно только через администратора",
    en: "An administrator changed this address: only an administrator can remove it now",
  },
  "alias.temporaryLimit": {
    ru: "Можно держать не больше {max} временных адресов одновременно",
    en: "You can keep at most {max} temporary addresses at a time",
  },
  "alias.days": {
    ru: "Срок — целое число дней от 1 до 3650",
    en: "The validity is a whole number of days from 1 to 3650",
  },
  "appPassword.nameRequired": { ru: "Назовите пароль, например «Телефон»", en: "Name the password, e.g. \"Phone\"" },
  "appPassword.nameTooLong": { ru: "Не длиннее 60 символов", en: "At most 60 characters" },
  "appPassword.nameReserved": {
    ru: "Имена, начинающиеся с «Platform», заняты платформой",
    en: "Names starting with \"Platform\" are used by the platform",
  },
  "appPassword.protocols": { ru: "Выберите хотя бы один протокол", en: "Choose at least one protocol" },
  "appPassword.notFound": {
    ru: "Такого пароля приложения нет: возможно, он уже отозван",
    en: "There is no such app password: it may have been revoked already",
  },
  "appPassword.usedByInbox": {
    ru: "Этим паролем пользуется почта на этой странице. Подтвердите отзыв: платформа создаст себе новый",
    en: "The inbox on this page uses this password. Confirm the revoke: the platform will create itself a new one",
  },
  "appPassword.rejected": {
    ru: "Почтовый сервер не принял пароль приложения. Попробуйте ещё раз",
    en: "The mail server did not accept the app password. Please try again",
  },
  "server.internal": {
    ru: "Что-то пошло не так на сервере. Попробуйте ещё раз",
    en: "Something went wrong on the server. Please try again",
  },
  "mail.folderRequired": { ru: "Выберите папку", en: "Choose a folder" },
  "mail.uidInvalid": { ru: "Нет такого письма", en: "No such message" },
  "mail.uidsRequired": { ru: "Выберите хотя бы одно письмо", en: "Select at least one message" },
  "mail.queryTooLong": { ru: "Не длиннее 200 символов", en: "At most 200 characters" },
  "mail.toRequired": { ru: "Укажите хотя бы одного получателя", en: "Enter at least one recipient" },
  "mail.addressInvalid": { ru: "Проверьте адреса получателей: один из них неверен", en: "Check the recipients: one of the addresses is not valid" },
  "mail.tooManyRecipients": { ru: "Не больше 50 получателей", en: "At most 50 recipients" },
  "mail.subjectTooLong": { ru: "Тема не длиннее 500 символов", en: "The subject is at most 500 characters" },
  "mail.textTooLong": { ru: "Текст не длиннее 200 000 символов", en: "The text is at most 200,000 characters" },
  "mail.notFound": { ru: "Письмо или папка не найдены: возможно, их уже переместили или удалили", en: "The message or folder was not found: it may have been moved or deleted" },
  "mail.unreachable": {
    ru: "Почтовый сервер (IMAP/SMTP) сейчас недоступен. Показан последний загруженный список",
    en: "The mail server (IMAP/SMTP) cannot be reached right now. The last loaded list is shown",
  },
  "mail.busy": { ru: "Сервер почты занят. Попробуйте через минуту", en: "The mail service is busy. Try again in a minute" },
  "mail.loginPaused": {
    ru: "Входы в почту с платформы приостановлены, чтобы почтовый сервер не заблокировал её. Попробуйте через несколько минут",
    en: "Mail logins from the platform are paused so the mail server does not block it. Try again in a few minutes",
  },
  "mail.credentialBroken": {
    ru: "Почтовый сервер не принимает пароль приложения «Platform inbox», даже созданный заново. Встроенная почта недоступна; веб-почта и почтовые программы работают как прежде",
    en: "The mail server refuses the \u201cPlatform inbox\u201d app password, even a newly created one. The inbox is unavailable; webmail and mail apps work as before",
  },
  "mail.tooLarge": { ru: "Вложение слишком большое для скачивания здесь", en: "The attachment is too large to download here" },
  "mail.rejected": { ru: "Почтовый сервер не принял письмо или получателей", en: "The mail server refused the message or its recipients" },
  "import.csvRequired": { ru: "Вставьте или загрузите CSV-файл", en: "Paste or upload a CSV file" },
  "import.csvTooLarge": { ru: "Файл слишком большой (не больше 2 МБ)", en: "The file is too large (at most 2 MB)" },
  "import.tooManyRows": { ru: "Не больше {max} строк в одном файле", en: "At most {max} rows in one file" },
  "import.noRows": { ru: "В файле нет ни одной строки с людьми", en: "The file has no rows with people" },
  "import.csvUnreadable": {
    ru: "Файл не читается как CSV (строка {line}): {detail}",
    en: "The file cannot be read as CSV (row {line}): {detail}",
  },
  "import.columns": {
    ru: "Ожидаются столбцы username, displayName и (необязательно) quotaMiB",
    en: "Expected the columns username, displayName and (optionally) quotaMiB",
  },
  "import.quotaNotNumber": { ru: "Квота — целое число мегабайт", en: "The quota is a whole number of MiB" },
  "import.quotaRange": {
    ru: "Квота должна быть от 1 до {max} МБ (предел домена)",
    en: "The quota must be between 1 and {max} MiB (the domain's limit)",
  },
  "import.duplicate": { ru: "Это имя уже встречается выше в файле", en: "This name appears earlier in the file" },
  "import.existsInMailcow": {
    ru: "Такой адрес уже есть на почтовом сервере (ящик или псевдоним)",
    en: "This address already exists on the mail server (mailbox or alias)",
  },
  "import.interrupted": {
    ru: "Импорт прервался при перезапуске сервера: эта строка не создана",
    en: "The import was cut short by a server restart: this row was not created",
  },
  "import.notFound": { ru: "Такого импорта нет", en: "There is no such import" },
  "import.invitationsUnavailable": {
    ru: "Приглашения пока недоступны: используйте прямое создание",
    en: "Invitations are not available yet: use direct creation",
  },
  "reconcile.running": { ru: "Сверка уже идёт", en: "A reconcile is already running" },
  "reconcile.noReport": { ru: "Сверки ещё не было", en: "No reconcile has run yet" },
  "reconcile.itemNotFound": {
    ru: "Этого расхождения нет в последнем отчёте: запустите сверку заново",
    en: "This difference is not in the latest report: run the reconcile again",
  },
  "reconcile.fixNotOffered": { ru: "Для этого расхождения такое исправление не предлагается", en: "This fix is not offered for this difference" },
  "reconcile.confirmDelete": {
    ru: "Удаление ящика нужно подтвердить: письма в нём будут потеряны",
    en: "Deleting the mailbox needs a confirmation: the mail in it will be lost",
  },
  "reconcile.mailcowRejected": {
    ru: "Почтовый сервер отказался это сделать (например, квота больше, чем осталось в домене)",
    en: "The mail server refused (for example, the quota is more than the domain has left)",
  },
  "reconcile.changed": {
    ru: "На почтовом сервере всё уже иначе: запустите сверку заново",
    en: "The mail server has changed meanwhile: run the reconcile again",
  },
  "stats.metric": { ru: "Неизвестный показатель статистики", en: "Unknown statistics metric" },
  "stats.day": { ru: "Дата в формате ГГГГ-ММ-ДД", en: "A date as YYYY-MM-DD" },
  "stats.range": { ru: "Конец периода раньше его начала", en: "The end of the range is before its start" },
  "stats.rangeTooLong": { ru: "Не больше 800 дней за раз", en: "At most 800 days at once" },
} as const satisfies Record<string, Record<Locale, string>>;

export type ValidationCode = keyof typeof VALIDATION_MESSAGES;

export function isValidationCode(value: string): value is ValidationCode {
  return Object.hasOwn(VALIDATION_MESSAGES, value);
}

/** Words for a validation code; zod's own messages (wrong type etc.) map to a generic text. */
export function validationMessage(code: string, locale: Locale, params?: Record<string, string | number>): string {
  const text = isValidationCode(code) ? VALIDATION_MESSAGES[code][locale] : VALIDATION_MESSAGES["field.invalid"][locale];
  return interpolate(text, params);
}

