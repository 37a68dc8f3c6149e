import { MAILBOX_STATES, type MailboxState } from "../../../shared/schemas/mailbox";

export function isMailboxState(value: string): value is MailboxState {
  return MAILBOX_STATES.some((state) => state === value);
}
