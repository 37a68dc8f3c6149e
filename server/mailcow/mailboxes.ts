// Mailboxes: look-up, listing, create, change, delete, tags.
// Listing (Mailcow 2026-07a): `get/mailbox/all/<d>` matches the domain as a substring of the address (`/all/example`
// lists example.org and small.example), and `?tags=a,b` is an OR of case-insensitive substring LIKEs; no match is
// `{}`. So the domain and tags are matched exactly here, after one call. Tags are only added by edit/mailbox and
// removed by `delete/mailbox/tag/<mailbox>` (an unknown tag still succeeds).
import type { MailcowCore } from "./core";
import { MailboxSchema, type MailcowMailbox, type MailcowMessage } from "./schemas";
import { assertDomain, assertEmail, assertPassword, assertQuota, assertTags, DOMAIN, flag, toActive, type MailboxActiveInput } from "./validate";

export interface AddMailboxInput {
  localPart: string;
  domain: string;
  /** Display name; Mailcow stores "" when omitted. */
  name?: string;
  /** MiB, a non-negative integer; 0 = unlimited. */
  quotaMiB: number;
  password: string;
  active?: MailboxActiveInput;
  forcePwUpdate?: boolean;
  tlsEnforceIn?: boolean;
  tlsEnforceOut?: boolean;
  tags?: string[];
}

export interface EditMailboxInput {
  password?: string;
  active?: MailboxActiveInput;
  quotaMiB?: number;
  /** Mailcow keeps the current name when given "" (a name cannot be cleared). */
  name?: string;
  forcePwUpdate?: boolean;
  /** Added to the existing tags; Mailcow's edit never removes tags (deleteMailboxTags does). */
  tags?: string[];
}

export interface AddMailboxResult {
  /** The address Mailcow created (it lower-cases local part and domain). */
  username: string;
  /** `warning` entries Mailcow returned alongside success, e.g. tag_limit_exceeded. */
  warnings: MailcowMessage[];
}

export interface DeleteMailboxesResult {
  removed: string[];
  /** e.g. "Could not move maildir to garbage collector". */
  warnings: MailcowMessage[];
}

export interface ListMailboxesOptions {
  /** Only mailboxes carrying exactly this tag (also sent as `?tags=` to narrow Mailcow's answer). */
  tag?: string;
}

export function mailboxMethods(core: MailcowCore) {
  return {
    /** Every mailbox of exactly this domain (one call), optionally only those with exactly `tag`. */
    async listDomainMailboxes(domainName: string, options: ListMailboxesOptions = {}): Promise<MailcowMailbox[]> {
      const domain = assertDomain(domainName);
      const tag = options.tag === undefined ? undefined : assertTags([options.tag])[0]!;
      const query = tag === undefined ? "" : `?tags=${encodeURIComponent(tag)}`;
      const mailboxes = await core.readList("listDomainMailboxes", `get/mailbox/all/${domain}${query}`, MailboxSchema);
      return mailboxes.filter(
        (mailbox) =>
          mailbox.domain.toLowerCase() === domain &&
          mailbox.username.endsWith(`@${domain}`) &&
          (tag === undefined || mailbox.tags.some((t) => t === tag)),
      );
    },

    /** Removes tags from a mailbox (tags Mailcow does not have on it are no error). */
    async deleteMailboxTags(email: string, tags: string[]): Promise<void> {
      const address = assertEmail(email, "mailbox");
      const names = assertTags(tags);
      if (names.length === 0) return;
      await core.write("deleteMailboxTags", `delete/mailbox/tag/${address}`, names, { successKey: "mailbox_modified", expected: [address] });
    },

    /** The mailbox, or null when there is none. */
    async getMailbox(email: string): Promise<MailcowMailbox | null> {
      const address = assertEmail(email, "mailbox");
      const mailbox = await core.readOne("getMailbox", `get/mailbox/${address}`, MailboxSchema);
      // Distrust: an answer about another mailbox is not an answer.
      if (mailbox && mailbox.username !== address) throw core.badShape("getMailbox", "the answer is about another mailbox");
      return mailbox;
    },

    /**
     * Creates a mailbox. Refusals arrive as `rejected` with Mailcow's key: object_exists, is_alias,
     * password_complexity, password_mismatch, max_mailbox_exceeded, mailbox_quota_exceeded,
     * mailbox_quota_left_exceeded, access_denied (unknown domain), domain_not_found (alias domain), mailbox_invalid.
     */
    async addMailbox(input: AddMailboxInput): Promise<AddMailboxResult> {
      const password = assertPassword(input.password);
      const localPart = String(input.localPart ?? "").trim().toLowerCase();
      const domain = String(input.domain ?? "").trim().toLowerCase();
      if (!localPart || !DOMAIN.test(domain)) throw new TypeError("localPart and domain are required");
      const body = {
        local_part: localPart,
        domain,
        name: input.name ?? "",
        quota: assertQuota(input.quotaMiB),
        password,
        password2: password,
        active: toActive(input.active ?? true),
        force_pw_update: flag(input.forcePwUpdate ?? false),
        tls_enforce_in: flag(input.tlsEnforceIn ?? false),
        tls_enforce_out: flag(input.tlsEnforceOut ?? false),
        tags: assertTags(input.tags ?? []),
      };
      const username = `${localPart}@${domain}`;
      const { warnings } = await core.write("addMailbox", "add/mailbox", body, { successKey: "mailbox_added", expected: [username], secrets: [password] });
      return { username, warnings };
    },

    /**
     * Changes a mailbox; omitted fields keep their values. An unknown mailbox is `rejected` with access_denied.
     * A refused password (password_complexity) means nothing else in the call was saved either. A quota above the
     * domain's per-mailbox maximum or its remaining room is `mailbox_quota_left_exceeded` with the MiB allowed.
     */
    async editMailbox(email: string, changes: EditMailboxInput): Promise<void> {
      const address = assertEmail(email, "mailbox");
      const attr: Record<string, unknown> = {};
      const secrets: string[] = [];
      if (changes.password !== undefined) {
        const password = assertPassword(changes.password);
        attr.password = password;
        attr.password2 = password;
        secrets.push(password);
      }
      if (changes.active !== undefined) attr.active = toActive(changes.active);
      if (changes.quotaMiB !== undefined) attr.quota = assertQuota(changes.quotaMiB);
      if (changes.name !== undefined) attr.name = changes.name;
      if (changes.forcePwUpdate !== undefined) attr.force_pw_update = flag(changes.forcePwUpdate);
      if (changes.tags !== undefined) attr.tags = assertTags(changes.tags);
      await core.write("editMailbox", "edit/mailbox", { items: [address], attr }, { successKey: "mailbox_modified", expected: [address], secrets });
    },

    /**
     * Deletes mailboxes (with their aliases, filters and app passwords). Unknown addresses are `rejected`
     * with access_denied; the others in the same call are deleted regardless.
     */
    async deleteMailboxes(emails: string[]): Promise<DeleteMailboxesResult> {
      const addresses = emails.map((email) => assertEmail(email, "mailbox"));
      if (addresses.length === 0) return { removed: [], warnings: [] };
      // The delete body is the bare array; `{items: [...]}` would be read as one item and refused.
      const { confirmed, warnings } = await core.write("deleteMailboxes", "delete/mailbox", addresses, {
        successKey: "mailbox_removed",
        expected: addresses,
      });
      return { removed: confirmed, warnings };
    },
  };
}
