// What a Mail page form submission answers (routes/mail-action.ts), read by the dialogs and panels that submit it.
// Its own module so those components need not import the route that lazy-loads them.
import type { CheckLoginResult } from "../../../shared/schemas/mailbox";
import type { FormResult } from "../../lib/form-result";

export type MailField = "password" | "newPassword" | "passwordConfirm";

export type MailActionResult = FormResult<MailField> & {
  intent: string;
  ok: boolean;
  /** "Check my login": what the IMAP login gave. */
  check?: CheckLoginResult;
};
