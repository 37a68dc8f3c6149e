export {
  createMailcowClient,
  type AddMailboxInput,
  type AddMailboxResult,
  type DeleteMailboxesResult,
  type EditMailboxInput,
  type MailboxActiveInput,
  type MailcowClient,
  type MailcowConfig,
} from "./client";
export type { AuthPauseReason, AuthStatus, MailcowLog } from "./auth-gate";
export { isMailcowError, isRetryable, MailcowError, type MailcowErrorKind, type MailcowErrorReason, type MailcowMessageArg } from "./errors";
export {
  checkRoomFor,
  hasRoomFor,
  MIB,
  type MailboxActiveState,
  type MailcowAlias,
  type MailcowDomain,
  type MailcowMailbox,
  type MailcowMessage,
  type MailcowVersion,
  type PasswordPolicy,
  type RoomCheck,
} from "./schemas";
