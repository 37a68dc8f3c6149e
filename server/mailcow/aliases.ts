// Aliases: addresses that deliver to other addresses (Mailcow 2026-07a):
// - no per-mailbox listing: `get/alias/all/<domain>` ignores `?goto=`, so callers filter by `goto` here;
// - aliases on an alias domain are listed only under that alias domain's name (`get/alias/all/alias.example`);
// - new aliases get sender_allowed 0 unless told (then nobody may send as them), so addAlias sends 1 by default;
// - an address that is a mailbox (also through an alias domain) or an alias already is `is_alias_or_mailbox`,
//   a live time-limited alias `is_spam_alias`, a full domain bare `max_alias_exceeded`.
import type { MailcowCore } from "./core";
import { AliasSchema, type MailcowAlias } from "./schemas";
import { assertDomain, assertEmail, assertIds } from "./validate";

export interface AddAliasInput {
  address: string;
  /** Target addresses (at least one). */
  goto: string[];
  /** Whether the targets may send as the alias; default true (Mailcow's own default is false). */
  senderAllowed?: boolean;
  active?: boolean;
  /** Admin-only note, e.g. a platform marker; not sent when absent. */
  privateComment?: string;
}

export function aliasMethods(core: MailcowCore) {
  return {
    /**
     * The alias with this address (or numeric id), or null. A mailbox's own self-alias is never returned by Mailcow,
     * so this finds addresses that forward elsewhere (which add/mailbox refuses with `is_alias`).
     */
    async getAlias(addressOrId: string | number): Promise<MailcowAlias | null> {
      if (typeof addressOrId === "number") {
        const [id] = assertIds([addressOrId], "alias id");
        const alias = await core.readOne("getAlias", `get/alias/${id}`, AliasSchema);
        if (alias && alias.id !== id) throw core.badShape("getAlias", "the answer is about another alias");
        return alias;
      }
      const normalized = assertEmail(addressOrId, "alias address");
      const alias = await core.readOne("getAlias", `get/alias/${normalized}`, AliasSchema);
      if (alias && alias.address !== normalized) throw core.badShape("getAlias", "the answer is about another alias");
      return alias;
    },

    /**
     * Every alias of the domain (exactly that domain; for an alias domain, the aliases made on it). Filter by `goto`
     * for one mailbox's aliases.
     */
    async listDomainAliases(domainName: string): Promise<MailcowAlias[]> {
      const domain = assertDomain(domainName);
      const aliases = await core.readList("listDomainAliases", `get/alias/all/${domain}`, AliasSchema);
      return aliases.filter((alias) => alias.domain === domain && alias.address.endsWith(`@${domain}`));
    },

    /** Creates an alias; returns its id. Refusals: is_alias_or_mailbox, is_spam_alias, domain_not_found, max_alias_exceeded. */
    async addAlias(input: AddAliasInput): Promise<{ id: number; address: string }> {
      const address = assertEmail(input.address, "alias address");
      if (!Array.isArray(input.goto) || input.goto.length === 0) throw new TypeError("goto needs at least one address");
      const goto = input.goto.map((target) => assertEmail(target, "alias target"));
      const body: Record<string, unknown> = {
        address,
        goto: goto.join(","),
        active: input.active === false ? 0 : 1,
        // Offered as a sender identity in SOGo (Mailcow's own default, sent so it does not depend on the release).
        sogo_visible: 1,
        sender_allowed: input.senderAllowed === false ? 0 : 1,
      };
      if (input.privateComment !== undefined) body.private_comment = input.privateComment;
      const { successes } = await core.write("addAlias", "add/alias", body, { successKey: "alias_added", expected: [address] });
      const id = Number(successes[0]?.args[1]);
      if (!Number.isSafeInteger(id) || id <= 0) throw core.badShape("addAlias", "alias_added without the new id");
      return { id, address };
    },

    /**
     * Deletes the alias with this id; `address` is what Mailcow must confirm (an id that is no longer this address
     * is `missing_success`). An unknown id, or a mailbox's own address, is `access_denied`.
     */
    async deleteAlias(alias: Pick<MailcowAlias, "id" | "address">): Promise<void> {
      const [id] = assertIds([alias.id], "alias id");
      const address = assertEmail(alias.address, "alias address");
      await core.write("deleteAlias", "delete/alias", [id], { successKey: "alias_removed", expected: [address] });
    },
  };
}
