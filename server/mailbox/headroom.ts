// The sign-up headroom rule, shared by sign-up (service.ts) and `npm run doctor`: new accounts are refused while the
// domain has fewer free mailbox slots than SIGNUP_MIN_FREE_MAILBOXES, or less unallocated quota than one new mailbox
// needs. Anonymous sign-ups could otherwise fill the domain, and colleagues' mailboxes could no longer be created.
import { checkRoomFor, type MailcowDomain } from "../mailcow";

export type Headroom = { ok: true } | { ok: false; why: string };

export function signupHeadroom(domain: MailcowDomain, quotaMiB: number, minFreeMailboxes: number): Headroom {
  if (minFreeMailboxes === 0) return { ok: true };
  if (domain.mailboxesLeft < minFreeMailboxes) {
    return { ok: false, why: `${domain.mailboxesLeft} free mailbox slot(s) in ${domain.name}, SIGNUP_MIN_FREE_MAILBOXES is ${minFreeMailboxes}` };
  }
  const room = checkRoomFor(domain, quotaMiB);
  if (!room.ok) return { ok: false, why: `${domain.name} cannot take one more ${quotaMiB} MiB mailbox (${room.reason})` };
  return { ok: true };
}
