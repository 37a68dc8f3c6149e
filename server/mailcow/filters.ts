// Sieve filters of a mailbox (Mailcow 2026-07a):
// - one active filter per mailbox and type: adding or activating one deactivates the others of that type;
// - scripts are parsed by Mailcow: invalid ones are refused with `sieve_error` and the line in args[0];
// - a script over 65,535 bytes (a TEXT column) gets HTTP 200 with an empty body and is not stored: reason `empty_answer`;
// - edit/filter and delete/filter take filter ids of any mailbox, so both first check that the ids are this mailbox's.
import type { MailcowCore } from "./core";
import { FILTER_TYPES, FilterSchema, type FilterType, type MailcowFilter } from "./schemas";
import { assertEmail, assertIds, flag } from "./validate";

export interface AddFilterInput {
  mailbox: string;
  type: FilterType;
  /** Required by Mailcow (`value_missing` when empty); the platform marks its own filters here. */
  description: string;
  script: string;
  active: boolean;
}

export interface EditFilterInput {
  type?: FilterType;
  description?: string;
  script?: string;
  active?: boolean;
}

const TOO_LARGE = "Mailcow stores nothing for a Sieve script over 65,535 bytes (or its PHP failed)";

function assertType(type: unknown): FilterType {
  if (!FILTER_TYPES.includes(type as FilterType)) throw new TypeError("filter type must be prefilter or postfilter");
  return type as FilterType;
}

function assertText(value: unknown, what: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new TypeError(`${what} must be a non-empty string`);
  return value;
}

export function filterMethods(core: MailcowCore) {
  async function listFilters(email: string): Promise<MailcowFilter[]> {
    const mailbox = assertEmail(email, "mailbox");
    const filters = await core.readList("listFilters", `get/filters/${mailbox}`, FilterSchema);
    // Distrust: only this mailbox's filters.
    return filters.filter((filter) => filter.mailbox === mailbox);
  }

  /** Of `ids`, those that are filters of `mailbox`. */
  async function ownIds(mailbox: string, ids: number[]): Promise<number[]> {
    const own = new Set((await listFilters(mailbox)).map((filter) => filter.id));
    return ids.filter((id) => own.has(id));
  }

  return {
    /** The mailbox's filters (none: Mailcow answers `{}`), pre- and postfilters, active or not. */
    listFilters,

    /**
     * Adds a filter; with `active` every other filter of that type of the mailbox is deactivated. Refusals:
     * sieve_error (args[0] = "line N: …"), script_empty, value_missing (no description), access_denied (no such
     * mailbox). Mailcow's answer carries no id: list the filters to find it.
     */
    async addFilter(input: AddFilterInput): Promise<void> {
      const mailbox = assertEmail(input.mailbox, "mailbox");
      const body = {
        username: mailbox,
        filter_type: assertType(input.type),
        script_desc: assertText(input.description, "description"),
        script_data: assertText(input.script, "script"),
        active: flag(input.active),
      };
      await core.write("addFilter", "add/filter", body, { successKey: "mailbox_modified", expected: [mailbox], emptyAnswer: TOO_LARGE });
    },

    /**
     * Changes a filter of `mailbox`; absent fields keep their values (the script is validated again). Returns false,
     * sending nothing, when `id` is not a filter of that mailbox.
     */
    async editFilter(email: string, id: number, changes: EditFilterInput): Promise<boolean> {
      const mailbox = assertEmail(email, "mailbox");
      const [filterId] = assertIds([id], "filter id");
      const attr: Record<string, unknown> = {};
      if (changes.type !== undefined) attr.filter_type = assertType(changes.type);
      if (changes.description !== undefined) attr.script_desc = assertText(changes.description, "description");
      if (changes.script !== undefined) attr.script_data = assertText(changes.script, "script");
      if (changes.active !== undefined) attr.active = flag(changes.active);
      if (Object.keys(attr).length === 0) throw new TypeError("editFilter needs at least one change");
      if ((await ownIds(mailbox, [filterId!])).length === 0) return false;
      await core.write("editFilter", "edit/filter", { items: [filterId], attr }, { successKey: "mailbox_modified", expected: [mailbox], emptyAnswer: TOO_LARGE });
      return true;
    },

    /** Deletes those of `ids` that are filters of `mailbox` (others are left alone); returns the ids deleted. */
    async deleteFilters(email: string, ids: number[]): Promise<number[]> {
      const mailbox = assertEmail(email, "mailbox");
      const wanted = assertIds(ids, "filter ids");
      if (wanted.length === 0) return [];
      const own = await ownIds(mailbox, wanted);
      if (own.length === 0) return [];
      await core.write("deleteFilters", "delete/filter", own, { successKey: "delete_filter", expected: own.map(String) });
      return own;
    },
  };
}
