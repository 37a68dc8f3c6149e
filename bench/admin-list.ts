// The admin table with 100,000 accounts: admin.mailboxes.list's query (server/admin/list.ts) on a file database
// with the real migrations, pages of 50 with the console's usual mixes of filter, search, sort and offset.
// Target: p95 < 100 ms.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ListMailboxesSchema, type ListMailboxesInput } from "../shared/schemas/admin";
import { listMailboxes } from "../server/admin/list";
import { openDatabase } from "../server/db/open-database";

export interface AdminListResult {
  users: number;
  pages: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  seedSeconds: number;
  /** The slowest mixes by their median, for the notes. */
  byMix: { mix: string; medianMs: number }[];
}

// A realistic spread: nearly everyone active, a few hundred needing a look.
const STATES = [...Array<string>(194).fill("active"), "pending", "pending", "failed", "failed", "conflict", "needs_password"] as const;
const REASONS: Record<string, string | null> = {
  active: null,
  pending: "mailcow_unreachable",
  failed: "quota_exceeded",
  conflict: "address_taken",
  needs_password: "retry_window_passed",
};

export async function benchAdminList({ users = 100_000, pages = 400 } = {}): Promise<AdminListResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "pm-bench-admin-"));
  try {
    const db = openDatabase(path.join(dir, "platform.db"));
    const seedStart = performance.now();
    const insertUser = db.prepare("INSERT INTO user (id, username, display_name, password_hash, created_at, role) VALUES (?, ?, ?, 'x', ?, ?)");
    const insertMailbox = db.prepare(
      "INSERT INTO mailbox (user_id, address, state, reason, attempts, created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?)",
    );
    const insertFigures = db.prepare("INSERT INTO mailbox_figures (user_id, quota_percent, last_login_at, taken_at) VALUES (?, ?, ?, ?)");
    const t0 = Date.UTC(2024, 0, 1);
    db.transaction(() => {
      for (let i = 0; i < users; i++) {
        const id = randomUUID();
        const username = `user${String(i).padStart(6, "0")}.${["sales", "ops", "dev", "hr"][i % 4]}`;
        insertUser.run(id, username, `Person ${i} ${["Ivanov", "Petrova", "Smith", "Garcia"][i % 4]}`, t0 + i * 60_000, i % 1000 === 0 ? "admin" : "user");
        if (i % 50 === 0) continue; // some accounts from before provisioning: no mailbox row
        const state = STATES[(i * 7) % STATES.length]!;
        insertMailbox.run(id, `${username}@example.test`, state, REASONS[state], t0 + i * 60_000, t0 + i * 90_000);
        if (state === "active" && i % 3 === 0) insertFigures.run(id, (i * 7) % 110, t0 + ((i * 13) % 700) * 86_400_000, t0 + 800 * 86_400_000);
      }
    })();
    db.pragma("optimize");
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const mixes: ListMailboxesInput[] = [
      {},
      { sort: { field: "createdAt", dir: "desc" } },
      { filter: { states: ["failed", "conflict"] } },
      { filter: { states: ["none"] } },
      { filter: { search: "petrova" } },
      { filter: { search: "user0424" } },
      { filter: { states: ["active"] }, sort: { field: "quotaUse", dir: "desc" } },
      { filter: { quotaAbovePercent: 90 } },
      { filter: { lastLoginBefore: "2025-01-01" }, sort: { field: "lastLogin", dir: "asc" } },
      { filter: { admin: true } },
      { filter: { reasons: ["address_taken"] }, sort: { field: "updatedAt", dir: "desc" } },
      { sort: { field: "displayName", dir: "asc" } },
      { sort: { field: "state", dir: "asc" } },
    ];
    const times: number[] = [];
    const perMix = mixes.map(() => [] as number[]);
    for (let i = 0; i < pages; i++) {
      const mix = mixes[i % mixes.length]!;
      // Deep pages too: every fourth page is far into the list.
      const offset = i % 4 === 3 ? Math.floor((i * 7919) % (users / 2)) : (i % 10) * 50;
      const input = ListMailboxesSchema.parse({ ...mix, offset, limit: 50 });
      const start = performance.now();
      listMailboxes(db, "example.test", input);
      const ms = performance.now() - start;
      times.push(ms);
      perMix[i % mixes.length]!.push(ms);
    }
    db.close();
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    const byMix = mixes
      .map((mix, i) => ({ mix: JSON.stringify(mix), medianMs: perMix[i]!.sort((a, b) => a - b)[Math.floor(perMix[i]!.length / 2)]! }))
      .sort((a, b) => b.medianMs - a.medianMs);
    return { users, pages, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: times.at(-1)!, seedSeconds, byMix };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("admin-list.ts")) {
  const result = await benchAdminList({ pages: Number(process.argv[2] ?? 400) });
  console.log(result);
}
