// Domains: limits and usage, and the room left for new mailboxes.
import type { MailcowCore } from "./core";
import { DomainSchema, type MailcowDomain } from "./schemas";
import { assertDomain } from "./validate";

export function domainMethods(core: MailcowCore) {
  return {
    /** The domain's limits and usage, or null when Mailcow has no such domain. An alias domain answers with its target's record. */
    async getDomain(domain: string): Promise<MailcowDomain | null> {
      return core.readOne("getDomain", `get/domain/${assertDomain(domain)}`, DomainSchema);
    },
  };
}
