export {
  createMailcowClient,
  type AddAliasInput,
  type AddAppPasswordInput,
  type EditAppPasswordInput,
  type AddTimeLimitedAliasInput,
  type AddFilterInput,
  type AddMailboxInput,
  type AddMailboxResult,
  type DeleteMailboxesResult,
  type DomainRoom,
  type ListMailboxesOptions,
  type EditFilterInput,
  type EditMailboxInput,
  type MailboxActiveInput,
  type MailcowClient,
  type MailcowConfig,
} from "./client";
export type { AuthPauseReason, AuthStatus, MailcowLog } from "./auth-gate";
export { isMailcowError, isRetryable, MailcowError, type MailcowErrorKind, type MailcowErrorReason, type MailcowMessageArg } from "./errors";
export { MAX_TIME_LIMITED_ALIAS_HOURS } from "./time-limited-aliases";
export { isOwnedBy, isPlatformMailbox, ownerOf, ownerTag, PLATFORM_TAG } from "./ownership";
export {
  APP_PASSWORD_PROTOCOLS,
  checkRoomFor,
  FILTER_TYPES,
  hasRoomFor,
  MAX_FILTER_SCRIPT_BYTES,
  MIB,
  type AppPasswordProtocol,
  type FilterType,
  type MailboxActiveState,
  type MailcowAlias,
  type MailcowAppPassword,
  type MailcowDomain,
  type MailcowFilter,
  type MailcowMailbox,
  type MailcowMessage,
  type MailcowTimeLimitedAlias,
  type MailcowVersion,
  type PasswordPolicy,
  type RoomCheck,
  type SpamScore,
} from "./schemas";
