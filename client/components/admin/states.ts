import { MAILBOX_REASONS, MAILBOX_STATES, type MailboxReason, type MailboxState } from "../../../shared/schemas/mailbox";

export function isMailboxState(value: string): value is MailboxState {
  return MAILBOX_STATES.some((state) => state === value);
}

export function isMailboxReason(value: string): value is MailboxReason {
  return MAILBOX_REASONS.some((reason) => reason === value);
}
