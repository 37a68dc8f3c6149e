// The public entry point of the shared package: schemas, limits and messages used by both sides.
// shared/ imports nothing but zod.
export * from "./constants";
export * from "./password-policy";
export * from "./i18n/validation";
export * from "./schemas/auth";
export * from "./i18n/mailbox";
export * from "./i18n/wait";
export * from "./schemas/account";
export * from "./schemas/mailbox";
