// The sign-in, sign-up and home screens' words, loaded with those screens (not with the app shell, so the first
// visit to /mail stays small). The shell's shared words stay in client/i18n/ru.ts and en.ts.
import { interpolate } from "../../shared/i18n/locales";
import { useI18n } from "./provider";

const ru = {
  "login.title": "Вход",
  "login.heading": "Вход в Platform Mail",
  "login.intro": "Войдите по имени пользователя или по почтовому адресу",
  "login.login.label": "Имя пользователя или адрес",
  "login.password.label": "Пароль",
  "login.submit": "Войти",
  "login.submitting": "Входим…",
  "login.noAccount": "Ещё нет аккаунта?",
  "login.toRegister": "Зарегистрироваться",
  "login.totp.heading": "Код двухфакторного входа",
  "login.totp.intro": "Введите 6 цифр из приложения-аутентификатора",
  "login.totp.label": "Код из приложения",
  "login.recovery.label": "Резервный код",
  "login.recovery.use": "Нет телефона? Ввести резервный код",
  "login.totp.use": "Ввести код из приложения",
  "register.title": "Регистрация",
  "register.heading": "Создайте аккаунт",
  "register.intro": "Вместе с аккаунтом вы получите корпоративный почтовый ящик",
  "register.username.label": "Имя пользователя",
  "register.username.hint": "Латинские буквы, цифры и знаки . - _. Из имени получится ваш почтовый адрес",
  "register.username.preview": "Адрес почты: {address}",
  "register.displayName.label": "Отображаемое имя",
  "register.displayName.hint": "Так вас увидят получатели писем",
  "register.password.label": "Пароль",
  "register.passwordConfirm.label": "Повторите пароль",
  "register.submit": "Зарегистрироваться",
  "register.submitting": "Создаём аккаунт…",
  "register.haveAccount": "Уже есть аккаунт?",
  "register.toLogin": "Войти",
  "home.title": "Главная",
  "home.greeting": "Здравствуйте, {name}!",
  "home.intro": "Это ваш кабинет Platform Mail",
  "home.address": "Ваш почтовый адрес",
  "home.memberSince": "Аккаунт создан {date}",
  "home.openMail": "Открыть почту",
  "home.account": "Аккаунт и безопасность",
};

const en: { readonly [K in EntryWord]: string } = {
  "login.title": "Sign in",
  "login.heading": "Sign in to Platform Mail",
  "login.intro": "Sign in with your username or your mail address",
  "login.login.label": "Username or address",
  "login.password.label": "Password",
  "login.submit": "Sign in",
  "login.submitting": "Signing in…",
  "login.noAccount": "No account yet?",
  "login.toRegister": "Create one",
  "login.totp.heading": "Two-factor sign-in code",
  "login.totp.intro": "Enter the 6 digits from your authenticator app",
  "login.totp.label": "Code from the app",
  "login.recovery.label": "Recovery code",
  "login.recovery.use": "No phone? Use a recovery code",
  "login.totp.use": "Use a code from the app",
  "register.title": "Sign up",
  "register.heading": "Create your account",
  "register.intro": "Your account comes with a corporate mailbox",
  "register.username.label": "Username",
  "register.username.hint": "Latin letters, digits and . - _. It becomes your mail address",
  "register.username.preview": "Mail address: {address}",
  "register.displayName.label": "Display name",
  "register.displayName.hint": "What recipients of your mail will see",
  "register.password.label": "Password",
  "register.passwordConfirm.label": "Repeat the password",
  "register.submit": "Sign up",
  "register.submitting": "Creating your account…",
  "register.haveAccount": "Already have an account?",
  "register.toLogin": "Sign in",
  "home.title": "Home",
  "home.greeting": "Hello, {name}!",
  "home.intro": "This is your Platform Mail space",
  "home.address": "Your mail address",
  "home.memberSince": "Account created on {date}",
  "home.openMail": "Open mail",
  "home.account": "Account and security",
};

export type EntryWord = keyof typeof ru;

/** `w(key, params?)` in the current language. */
export function useEntryWords() {
  const { locale } = useI18n();
  const words = locale === "en" ? en : ru;
  return (key: EntryWord, params?: Record<string, string | number>) => interpolate(words[key], params);
}
