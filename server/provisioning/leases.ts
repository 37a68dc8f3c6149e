// Lease owners name their process: `worker:<host>:<pid>:<uuid>`. A restarted process can then tell that the owner
// of a lease is gone (same host, process no longer running) and take its jobs at once instead of waiting for the
// lease to expire (max(60 s, 12 × MAILCOW_TIMEOUT_MS)). Owners on other hosts are left to expire: we cannot see them.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

const HOST = hostname();
/** Owners created by this process (several workers may share one process in tests). */
const ownersHere = new Set<string>();

export function newOwner(): string {
  const owner = `worker:${HOST}:${process.pid}:${randomUUID()}`;
  ownersHere.add(owner);
  return owner;
}

/**
 * A zombie (a dead process its parent has not reaped yet: a supervisor that restarts the server before waiting for
 * the old one) still answers kill(pid, 0); Linux shows it as state "Z" in /proc/<pid>/stat. Elsewhere: not a zombie.
 */
export function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "<pid> (<comm>) <state> …": the command may contain spaces and parentheses, so read after the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false;
  }
}

export function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
}

/** True when the lease owner was a process on this host that no longer runs. */
export function ownerIsGone(owner: string, isRunning: (pid: number) => boolean = processIsRunning): boolean {
  const match = /^worker:(.+):(\d+):[0-9a-f-]{36}$/.exec(owner);
  if (!match || match[1] !== HOST) return false;
  const pid = Number(match[2]);
  // Our own pid under another name is an earlier process that had it (a container restarted with pid 1).
  if (pid === process.pid) return !ownersHere.has(owner);
  return !isRunning(pid);
}
