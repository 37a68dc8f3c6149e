// Aliases: addresses that deliver to other addresses.
import type { MailcowCore } from "./core";
import { AliasSchema, type MailcowAlias } from "./schemas";
import { assertEmail } from "./validate";

export function aliasMethods(core: MailcowCore) {
  return {
    /**
     * The alias with this address, or null. A mailbox's own self-alias is never returned by Mailcow, so this
     * finds addresses that forward elsewhere (which add/mailbox refuses with `is_alias`).
     */
    async getAlias(address: string): Promise<MailcowAlias | null> {
      const normalized = assertEmail(address, "alias address");
      const alias = await core.readOne("getAlias", `get/alias/${normalized}`, AliasSchema);
      if (alias && alias.address !== normalized) throw core.badShape("getAlias", "the answer is about another alias");
      return alias;
    },
  };
}
