// Which Mailcow mailboxes are the platform's, and whose. Mailcow's own tag filter (`?tags=`) is a substring,
// case-insensitive LIKE (`platform-mail` also matches `platform-mail-user-…`, `_` matches any character; tag
// 2026-07a), so ownership is always decided here, by exact comparison.
import type { MailcowMailbox } from "./schemas";

/** Every mailbox the platform creates carries this tag. */
export const PLATFORM_TAG = "platform-mail";

/** The tag naming the platform user a mailbox belongs to. */
export const ownerTag = (userId: string) => `platform-mail-user-${userId}`;

/** Whether the mailbox carries exactly this user's owner tag. */
export const isOwnedBy = (mailbox: Pick<MailcowMailbox, "tags">, userId: string) => mailbox.tags.some((tag) => tag === ownerTag(userId));

/** Whether the mailbox carries exactly the platform tag. */
export const isPlatformMailbox = (mailbox: Pick<MailcowMailbox, "tags">) => mailbox.tags.some((tag) => tag === PLATFORM_TAG);

/** The user id in an owner tag, or null for any other tag. */
export function ownerOf(mailbox: Pick<MailcowMailbox, "tags">): string | null {
  const prefix = ownerTag("");
  const owners = mailbox.tags.filter((tag) => tag.startsWith(prefix) && tag.length > prefix.length);
  // Two owner tags mean the mailbox was tampered with: it is nobody's.
  return owners.length === 1 ? owners[0]!.slice(prefix.length) : null;
}
