// `npm run admin`: grants, revokes and lists the admin role on a platform database. Works while the server runs
// (SQLite WAL; one short write). Every change is written to the audit log with actor "cli".
import { createAuditLog } from "../../server/audit/audit-log";
import { createAccounts } from "../../server/auth/accounts";
import type { Db } from "../../server/db/open-database";

export interface AdminCommandResult {
  code: number;
  out: string[];
  err: string[];
}

export const EXIT = { ok: 0, error: 1, usage: 2, noSuchUser: 3 } as const;

export function runAdminCommand(db: Db, command: string | undefined, username: string | undefined, now: () => number = Date.now): AdminCommandResult {
  const accounts = createAccounts(db);
  const audit = createAuditLog(db, now);
  const out: string[] = [];
  const err: string[] = [];
  if (command === "list") {
    const admins = accounts.admins().filter((a) => a.deleted_at === null);
    if (admins.length === 0) out.push("No admins yet. Grant the role with: npm run admin -- grant <username>");
    for (const admin of admins) out.push(`${admin.username}${admin.display_name ? ` (${admin.display_name})` : ""}`);
    return { code: EXIT.ok, out, err };
  }
  if (command !== "grant" && command !== "revoke") return { code: EXIT.usage, out, err: [`Unknown command: ${command ?? "(none)"}`] };
  const name = username?.trim().toLowerCase();
  if (!name) return { code: EXIT.usage, out, err: [`${command} needs a username: npm run admin -- ${command} <username>`] };
  const account = accounts.findByUsername(name);
  if (!account || account.deleted_at !== null) {
    audit.record({ actorId: null, actorName: "cli", action: `admin.role.${command}`, target: name, result: "refused", detail: { code: "no_such_user" } });
    return { code: EXIT.noSuchUser, out, err: [`No account named "${name}" (the username people sign in with).`] };
  }
  const role = command === "grant" ? "admin" : "user";
  if (account.role === role) {
    out.push(command === "grant" ? `${name} is already an admin.` : `${name} is not an admin.`);
    return { code: EXIT.ok, out, err };
  }
  db.transaction(() => {
    accounts.setRole(name, role);
    audit.record({ actorId: null, actorName: "cli", action: `admin.role.${command}`, targetUserId: account.id, target: name, result: "ok" });
  })();
  out.push(command === "grant" ? `${name} is now an admin.` : `${name} is no longer an admin.`);
  return { code: EXIT.ok, out, err };
}
