// App passwords of the user's own mailbox: list, create (the platform generates the password, shows it once and
// keeps no copy), revoke. Every call names the owner's address (Mailcow 2026-07a moves an app password to whatever
// mailbox `username` names, and lists per mailbox with `get/app-passwd/all/<mailbox>`).
//
// The platform's own credential for the web inbox is an app password too ("Platform inbox", its id kept in the
// inbox's `inbox_credential` table): it is listed as "used by the inbox", and revoking it needs an explicit
// confirmation (the inbox then replaces it once).
import { randomInt } from "node:crypto";
import {
  isPlatformAppPasswordName,
  type AppPasswordProtocolName,
  type AppPasswordSummary,
} from "../../shared/schemas/mail-access";
import { isMailcowError, type MailcowAppPassword } from "../mailcow";
import { fail, ok, type Result } from "../mailbox/problems";
import { mailcowProblem, type MailFeatureDeps } from "./aliases";

// Readable: no 0/O/o, 1/l/I; upper, lower and digits, so any Mailcow password policy on character classes is met
// (the "-" between groups is the special character).
const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER = "abcdefghijkmnpqrstuvwxyz";
const DIGITS = "23456789";
const ALPHABET = UPPER + LOWER + DIGITS;
const GROUPS = 4;
const GROUP_LENGTH = 5;

/**
 * A new app password: four groups of five characters from a 56-character alphabet joined by "-" (about 116 bits
 * from the CSPRNG), e.g. `Kx7mP-q2RtZ-…`; drawn again until it has an upper-case letter, a lower-case one and a digit.
 */
export function generateAppPassword(): string {
  for (;;) {
    const chars = Array.from({ length: GROUPS * GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]!);
    const text = chars.join("");
    if (/[A-Z]/.test(text) && /[a-z]/.test(text) && /[2-9]/.test(text)) {
      const groups: string[] = [];
      for (let i = 0; i < GROUPS; i++) groups.push(text.slice(i * GROUP_LENGTH, (i + 1) * GROUP_LENGTH));
      return groups.join("-");
    }
  }
}

export function appPasswordSummary(entry: MailcowAppPassword, inboxId: number | null = null): AppPasswordSummary {
  return {
    id: entry.id,
    name: entry.name,
    protocols: entry.protocols,
    active: entry.active,
    createdAt: entry.created ? entry.created.toISOString() : null,
    usedBy: entry.id === inboxId || isPlatformAppPasswordName(entry.name) ? "inbox" : null,
  };
}

export function createAppPasswords(deps: Pick<MailFeatureDeps, "mailcow" | "mailboxes" | "db">) {
  const { mailcow, db } = deps;

  /** The app password the inbox uses, when the inbox keeps one for this user (its table may not exist). */
  function inboxId(userId: string): number | null {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'inbox_credential'").get();
    if (!table) return null;
    const row = db.prepare<[string], { app_password_id: number }>("SELECT app_password_id FROM inbox_credential WHERE user_id = ?").get(userId);
    return row?.app_password_id ?? null;
  }

  /** Creates an app password on the owner's mailbox; the caller has checked the mailbox. */
  async function createFor(address: string, name: string, protocols: AppPasswordProtocolName[]): Promise<Result<{ appPassword: AppPasswordSummary; password: string }>> {
    const password = generateAppPassword();
    try {
      const created = await mailcow.addAppPassword({ mailbox: address, name, password, protocols, active: true });
      return ok({ appPassword: appPasswordSummary(created), password });
    } catch (error) {
      if (isMailcowError(error) && error.kind === "rejected") {
        if (error.messageKey === "app_name_empty") return fail({ kind: "field", field: "name", code: "appPassword.nameRequired" });
        // password_complexity / password_mismatch: a policy stricter than the generator (very long minimum).
        return fail({ kind: "field", field: "name", code: "appPassword.rejected", status: "unavailable" });
      }
      return fail(mailcowProblem(error));
    }
  }

  return {
    createFor,

    async list(userId: string): Promise<Result<AppPasswordSummary[]>> {
      return deps.mailboxes.withOwnedMailbox(userId, async (owned) => {
        try {
          const list = await mailcow.listAppPasswords(owned.address);
          const inbox = inboxId(userId);
          return ok(list.map((entry) => appPasswordSummary(entry, inbox)).sort((a, b) => b.id - a.id));
        } catch (error) {
          return fail(mailcowProblem(error));
        }
      });
    },

    async create(userId: string, name: string, protocols: AppPasswordProtocolName[]) {
      return deps.mailboxes.withOwnedMailbox(userId, (owned) => createFor(owned.address, name, protocols));
    },

    /** Revokes one of the user's app passwords; the inbox's own needs `confirmInbox`. */
    async revoke(userId: string, id: number, confirmInbox: boolean): Promise<Result<AppPasswordSummary>> {
      return deps.mailboxes.withOwnedMailbox(userId, async (owned) => {
        try {
          const entry = (await mailcow.listAppPasswords(owned.address)).find((candidate) => candidate.id === id);
          if (!entry) return fail({ kind: "field", field: "id", code: "appPassword.notFound", status: "conflict" });
          const summary = appPasswordSummary(entry, inboxId(userId));
          if (summary.usedBy === "inbox" && !confirmInbox) return fail({ kind: "field", field: "id", code: "appPassword.usedByInbox", status: "conflict" });
          const deleted = await mailcow.deleteAppPasswords(owned.address, [id]);
          if (!deleted.includes(id)) return fail({ kind: "field", field: "id", code: "appPassword.notFound", status: "conflict" });
          return ok(summary);
        } catch (error) {
          return fail(mailcowProblem(error));
        }
      });
    },
  };
}
export type AppPasswordsFeature = ReturnType<typeof createAppPasswords>;
