// Domains: limits and usage, and the room left for new mailboxes.
import type { MailcowCore } from "./core";
import { DomainSchema, MIB, type MailcowDomain } from "./schemas";
import { assertDomain } from "./validate";

export interface DomainRoom {
  mailboxesLeft: number;
  /**
   * The domain's total quota minus what is handed to mailboxes, in whole MiB (0 when none or over-allocated). A raise
   * of one mailbox may go up to this plus its current quota (and not above maxQuotaPerMailboxMiB).
   */
  quotaLeftMiB: number;
  /** The largest quota one mailbox may have, in whole MiB. */
  maxQuotaPerMailboxMiB: number;
  /**
   * Aliases left by Mailcow's own count, null when not reported. NOTE: it can be negative (a limit lowered below the
   * aliases made on an alias domain), and add/alias stops only at exactly 0.
   */
  aliasesLeft: number | null;
}

export function domainMethods(core: MailcowCore) {
  async function getDomain(domain: string): Promise<MailcowDomain | null> {
    return core.readOne("getDomain", `get/domain/${assertDomain(domain)}`, DomainSchema);
  }

  return {
    /** The domain's limits and usage, or null when Mailcow has no such domain. An alias domain answers with its target's record. */
    getDomain,

    /** What is left for new mailboxes and quota raises, or null when Mailcow has no such domain. */
    async domainRoom(domain: string): Promise<DomainRoom | null> {
      const found = await getDomain(domain);
      if (!found) return null;
      return {
        mailboxesLeft: Math.max(0, found.mailboxesLeft),
        quotaLeftMiB: Math.max(0, Math.floor((found.totalQuotaBytes - found.quotaAllocatedBytes) / MIB)),
        maxQuotaPerMailboxMiB: Math.floor(found.maxQuotaPerMailboxBytes / MIB),
        aliasesLeft: found.aliasesLeft,
      };
    },
  };
}
