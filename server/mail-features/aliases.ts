// Personal aliases: extra addresses that deliver to the user's own mailbox (and that the user may send as), plus
// Mailcow's time-limited ("disposable") aliases of that mailbox.
//
// The platform only ever touches aliases it created for this user: each one is recorded in `platform_alias`
// (Mailcow's id and address) when it is made, and before a removal Mailcow must still show that id with that
// address delivering to exactly the user's address. Aliases an administrator made for the mailbox are listed but
// never changed. Mailcow facts (tag 2026-07a):
// - there is no per-mailbox alias listing: the domain's aliases are listed and filtered by `goto` here;
// - add/alias refuses an address that is a mailbox or an alias (`is_alias_or_mailbox`) or a live time-limited alias
//   (`is_spam_alias`), and a full domain (`max_alias_exceeded`) — but only when its own `aliases_left` is exactly 0;
//   that count can go negative (a limit lowered below the aliases in use), so the room is judged here (≤ 0 = full);
// - new aliases get `sender_allowed` 0 unless told; the platform sends 1 so the user can send as them.
import type { AliasList, AliasSummary, TemporaryAlias } from "../../shared/schemas/mail-access";
import { isReservedUsername } from "../../shared/schemas/auth";
import type { Accounts } from "../auth/accounts";
import type { Db } from "../db/open-database";
import type { AppConfig } from "../env";
import { isMailcowError, ownerTag, type MailcowAlias, type MailcowClient } from "../mailcow";
import { fail, ok, type MailboxProblem, type Result } from "../mailbox/problems";
import type { MailboxService, OwnedMailbox } from "../mailbox/service";

/** Live temporary addresses a user may keep at once (a guard against scripted abuse, not a product limit). */
export const MAX_TEMPORARY_ALIASES = 10;

export interface MailFeatureDeps {
  config: Pick<AppConfig, "MAX_ALIASES_PER_USER" | "RESERVED_USERNAMES" | "DEVICE_SETUP_TTL_MINUTES" | "APP_ORIGIN">;
  db: Db;
  mailcow: MailcowClient;
  mailboxes: Pick<MailboxService, "withOwnedMailbox">;
  accounts: Pick<Accounts, "findByUsername">;
  mailDomain: string;
  now: () => number;
}

interface AliasRow {
  alias_id: number;
  user_id: string;
  address: string;
  created_at: number;
}

/** A Mailcow failure the user can do nothing about (or one we did not expect). */
export function mailcowProblem(error: unknown): MailboxProblem {
  return isMailcowError(error) ? { kind: "mailcow_unavailable", cause: error } : { kind: "unexpected", cause: error };
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const deliversOnlyTo = (alias: MailcowAlias, address: string) => alias.goto.length === 1 && alias.goto[0] === address;

// One change at a time per user, so two parallel adds cannot both pass the limit (one server process per database).
const userLocks = new Map<string, Promise<unknown>>();
function serialized<T>(userId: string, work: () => Promise<T>): Promise<T> {
  const previous = userLocks.get(userId) ?? Promise.resolve();
  const next = previous.then(work, work);
  const tail = next.catch(() => undefined);
  userLocks.set(userId, tail);
  void tail.then(() => {
    if (userLocks.get(userId) === tail) userLocks.delete(userId);
  });
  return next;
}

export function createAliases(deps: MailFeatureDeps) {
  const { db, mailcow, config, mailDomain, now } = deps;
  const rowsOf = db.prepare<[string], AliasRow>("SELECT * FROM platform_alias WHERE user_id = ? ORDER BY created_at, alias_id");
  const rowByAddress = db.prepare<[string, string], AliasRow>("SELECT * FROM platform_alias WHERE user_id = ? AND address = ?");
  const insertRow = db.prepare("INSERT OR REPLACE INTO platform_alias (alias_id, user_id, address, created_at) VALUES (?, ?, ?, ?)");
  const deleteRow = db.prepare("DELETE FROM platform_alias WHERE alias_id = ? AND user_id = ?");

  const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1);

  /** The domain's aliases delivering to the user, with our records of which of them the platform made. */
  async function current(userId: string, owned: OwnedMailbox) {
    const all = await mailcow.listDomainAliases(domainOf(owned.address));
    const mine = all.filter((alias) => alias.goto.includes(owned.address));
    const rows = rowsOf.all(userId);
    // A record whose alias is gone from Mailcow (removed there, or now delivering elsewhere) is dropped: it no
    // longer counts towards the limit and can never be removed through the platform.
    const byId = new Map(all.map((alias) => [alias.id, alias]));
    const live = rows.filter((row) => {
      const alias = byId.get(row.alias_id);
      const ours = alias !== undefined && alias.address === row.address && alias.goto.includes(owned.address);
      if (!ours) deleteRow.run(row.alias_id, userId);
      return ours;
    });
    return { mine, live };
  }

  function summary(alias: MailcowAlias, platformIds: Set<number>): AliasSummary {
    return { address: alias.address, removable: platformIds.has(alias.id), sendAs: alias.senderAllowed, createdAt: iso(alias.created) };
  }

  function temporary(list: Awaited<ReturnType<MailcowClient["listTimeLimitedAliases"]>>): TemporaryAlias[] {
    const at = now();
    return list
      .map((alias) => ({ address: alias.address, validUntil: iso(alias.validUntil), expired: alias.validUntil !== null && alias.validUntil.getTime() <= at }))
      .sort((a, b) => (a.validUntil ?? "9").localeCompare(b.validUntil ?? "9"));
  }

  async function list(userId: string): Promise<Result<AliasList>> {
    return deps.mailboxes.withOwnedMailbox(userId, async (owned) => {
      try {
        const [{ mine, live }, temp] = await Promise.all([current(userId, owned), mailcow.listTimeLimitedAliases(owned.address)]);
        const ids = new Set(live.map((row) => row.alias_id));
        return ok({
          address: owned.address,
          domain: domainOf(owned.address),
          aliases: mine.map((alias) => summary(alias, ids)).sort((a, b) => Number(b.removable) - Number(a.removable) || a.address.localeCompare(b.address)),
          maxAliases: config.MAX_ALIASES_PER_USER,
          temporary: temporary(temp),
          maxTemporary: MAX_TEMPORARY_ALIASES,
        });
      } catch (error) {
        return fail(mailcowProblem(error));
      }
    });
  }

  const taken = (): Result<never> => fail({ kind: "field", field: "localPart", code: "alias.taken", status: "conflict" });

  async function add(userId: string, localPart: string): Promise<Result<AliasSummary>> {
    return serialized(userId, () =>
      deps.mailboxes.withOwnedMailbox(userId, async (owned) => {
        // The operator's extra reserved names (the built-in ones are refused by the schema already).
        if (isReservedUsername(localPart, config.RESERVED_USERNAMES)) return fail({ kind: "field", field: "localPart", code: "username.reserved" });
        const domain = domainOf(owned.address);
        const address = `${localPart}@${domain}`;
        // Another platform account's name (its mailbox may not exist yet) is never an alias of someone else.
        if (deps.accounts.findByUsername(localPart) && domain === mailDomain) return taken();
        try {
          const { live } = await current(userId, owned);
          if (live.length >= config.MAX_ALIASES_PER_USER) {
            return fail({ kind: "field", field: "localPart", code: "alias.limit", params: { max: config.MAX_ALIASES_PER_USER }, status: "conflict" });
          }
          const room = await mailcow.domainRoom(domain);
          if (room && room.aliasesLeft !== null && room.aliasesLeft <= 0) return fail({ kind: "field", field: "localPart", code: "alias.domainFull", status: "unavailable" });
          const [mailbox, alias] = await Promise.all([mailcow.getMailbox(address), mailcow.getAlias(address)]);
          if (mailbox || alias) return taken();
          const created = await mailcow.addAlias({ address, goto: [owned.address], senderAllowed: true, privateComment: ownerTag(userId) });
          insertRow.run(created.id, userId, created.address, now());
          return ok({ address: created.address, removable: true, sendAs: true, createdAt: new Date(now()).toISOString() });
        } catch (error) {
          if (isMailcowError(error) && error.kind === "rejected") {
            if (error.messageKey === "is_alias_or_mailbox" || error.messageKey === "is_spam_alias" || error.messageKey === "is_alias") return taken();
            if (error.messageKey === "max_alias_exceeded") return fail({ kind: "field", field: "localPart", code: "alias.domainFull", status: "unavailable" });
          }
          return fail(mailcowProblem(error));
        }
      }),
    );
  }

  async function remove(userId: string, address: string): Promise<Result<{ address: string }>> {
    return serialized(userId, () =>
      deps.mailboxes.withOwnedMailbox(userId, async (owned) => {
        const row = rowByAddress.get(userId, address);
        if (!row) return fail({ kind: "field", field: "address", code: "alias.notFound", status: "conflict" });
        try {
          const alias = await mailcow.getAlias(row.alias_id);
          if (!alias || alias.address !== row.address) {
            // Gone (or the id now names another address): nothing of ours is left to remove.
            deleteRow.run(row.alias_id, userId);
            return ok({ address });
          }
          if (!deliversOnlyTo(alias, owned.address)) return fail({ kind: "field", field: "address", code: "alias.notYours", status: "conflict" });
          await mailcow.deleteAlias(alias);
          deleteRow.run(row.alias_id, userId);
          return ok({ address });
        } catch (error) {
          return fail(mailcowProblem(error));
        }
      }),
    );
  }

  async function addTemporary(userId: string, days: number): Promise<Result<TemporaryAlias>> {
    return serialized(userId, () =>
      deps.mailboxes.withOwnedMailbox(userId, async (owned) => {
        try {
          const existing = temporary(await mailcow.listTimeLimitedAliases(owned.address)).filter((alias) => !alias.expired);
          if (existing.length >= MAX_TEMPORARY_ALIASES) {
            return fail({ kind: "field", field: "days", code: "alias.temporaryLimit", params: { max: MAX_TEMPORARY_ALIASES }, status: "conflict" });
          }
          const created = await mailcow.addTimeLimitedAlias({
            mailbox: owned.address,
            domain: domainOf(owned.address),
            validityHours: days * 24,
            // Tells two made at the same moment apart (the adapter finds the new one by it).
            description: `platform-mail ${now()}`,
          });
          return ok(temporary([created])[0]!);
        } catch (error) {
          return fail(mailcowProblem(error));
        }
      }),
    );
  }

  async function removeTemporary(userId: string, address: string): Promise<Result<{ address: string }>> {
    return deps.mailboxes.withOwnedMailbox(userId, async (owned) => {
      try {
        // The adapter deletes only an address that is this mailbox's own time-limited alias.
        const removed = await mailcow.deleteTimeLimitedAlias(owned.address, address);
        return removed ? ok({ address }) : fail({ kind: "field", field: "address", code: "alias.notFound", status: "conflict" });
      } catch (error) {
        return fail(mailcowProblem(error));
      }
    });
  }

  return { list, add, remove, addTemporary, removeTemporary };
}
export type AliasesFeature = ReturnType<typeof createAliases>;
