// Time-limited aliases (Mailcow's "spam aliases", 2026-07a): random addresses that deliver to one mailbox until they
// expire. add/time_limited_alias answers without the address, so addTimeLimitedAlias reads the list before and after.
// `domain` must be the mailbox's domain or one of its alias domains (else `domain_invalid`); validity is hours
// 1…87,600 (else `validity_missing`). They do not count toward the domain's alias limit.
import type { MailcowCore } from "./core";
import { TimeLimitedAliasSchema, type MailcowTimeLimitedAlias } from "./schemas";
import { assertDomain, assertEmail } from "./validate";

export const MAX_TIME_LIMITED_ALIAS_HOURS = 87_600;

export interface AddTimeLimitedAliasInput {
  mailbox: string;
  /** The mailbox's domain or one of its alias domains. */
  domain: string;
  /** Whole hours, 1…87,600. */
  validityHours: number;
  description?: string;
}

export function timeLimitedAliasMethods(core: MailcowCore) {
  async function listTimeLimitedAliases(email: string): Promise<MailcowTimeLimitedAlias[]> {
    const mailbox = assertEmail(email, "mailbox");
    const aliases = await core.readList("listTimeLimitedAliases", `get/time_limited_aliases/${mailbox}`, TimeLimitedAliasSchema);
    return aliases.filter((alias) => alias.mailbox === mailbox);
  }

  return {
    /** The mailbox's time-limited aliases, expired ones included (`validUntil` in the past). */
    listTimeLimitedAliases,

    /** Creates one and returns it (found by reading the list before and after). */
    async addTimeLimitedAlias(input: AddTimeLimitedAliasInput): Promise<MailcowTimeLimitedAlias> {
      const mailbox = assertEmail(input.mailbox, "mailbox");
      const domain = assertDomain(input.domain);
      const hours = input.validityHours;
      if (!Number.isSafeInteger(hours) || hours < 1 || hours > MAX_TIME_LIMITED_ALIAS_HOURS) {
        throw new RangeError(`validityHours must be a whole number from 1 to ${MAX_TIME_LIMITED_ALIAS_HOURS}`);
      }
      const body: Record<string, unknown> = { username: mailbox, domain, validity: hours };
      if (input.description !== undefined) body.description = input.description;
      const before = new Set((await listTimeLimitedAliases(mailbox)).map((alias) => alias.address));
      await core.write("addTimeLimitedAlias", "add/time_limited_alias", body, { successKey: "mailbox_modified", expected: [mailbox] });
      const fresh = (await listTimeLimitedAliases(mailbox)).filter((alias) => !before.has(alias.address) && alias.address.endsWith(`@${domain}`));
      // Two made at the same moment for the same mailbox: the description tells them apart when it differs.
      const match = fresh.length === 1 ? fresh[0] : fresh.find((alias) => alias.description === (input.description ?? ""));
      if (!match) throw core.badShape("addTimeLimitedAlias", "the new time-limited alias is not in the mailbox's list");
      return match;
    },

    /**
     * Deletes one of the mailbox's time-limited aliases. Returns false, sending nothing, when the address is not one
     * of that mailbox's.
     */
    async deleteTimeLimitedAlias(email: string, address: string): Promise<boolean> {
      const mailbox = assertEmail(email, "mailbox");
      const target = assertEmail(address, "time-limited alias");
      const own = await listTimeLimitedAliases(mailbox);
      if (!own.some((alias) => alias.address === target)) return false;
      await core.write("deleteTimeLimitedAlias", "delete/time_limited_alias", [target], { successKey: "mailbox_modified", expected: [mailbox] });
      return true;
    },
  };
}
