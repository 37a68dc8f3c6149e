// Bulk admin actions run as jobs in this process (one server process per database: docs/decisions/002), with
// progress for the console. A job keeps its last 1,000 items; finished jobs are forgotten after an hour. Secrets a
// job makes (temporary passwords, reset links) are handed out by ONE status read, to the admin who started it, then
// wiped.
import { randomUUID } from "node:crypto";
import pLimit from "p-limit";
import type { JobStatus } from "../../shared/schemas/admin";

export interface JobItemResult {
  userId: string;
  username: string | null;
  result: "ok" | "skipped" | "failed";
  code: string | null;
  params?: Record<string, string | number> | null;
  secret?: { temporaryPassword?: string; resetLink?: string };
}

interface Job {
  id: string;
  ownerId: string;
  action: string;
  total: number;
  done: number;
  ok: number;
  skipped: number;
  failed: number;
  startedAt: number;
  finishedAt: number | null;
  items: JobStatus["items"];
  secrets: JobStatus["secrets"];
  secretsDelivered: boolean;
  promise: Promise<void>;
}

const KEEP_ITEMS = 1000;
const KEEP_FINISHED_MS = 3_600_000;

export function createJobs({ now, concurrency }: { now: () => number; concurrency: number }) {
  const jobs = new Map<string, Job>();

  function forgetOld() {
    for (const [id, job] of jobs) if (job.finishedAt !== null && now() - job.finishedAt > KEEP_FINISHED_MS) jobs.delete(id);
  }

  return {
    /** Starts `work` for each item, at most `concurrency` at once; answers the job id at once. */
    start<T>(ownerId: string, action: string, items: readonly T[], work: (item: T) => Promise<JobItemResult>): string {
      forgetOld();
      const limit = pLimit(concurrency);
      const job: Job = {
        id: randomUUID(),
        ownerId,
        action,
        total: items.length,
        done: 0,
        ok: 0,
        skipped: 0,
        failed: 0,
        startedAt: now(),
        finishedAt: null,
        items: [],
        secrets: [],
        secretsDelivered: false,
        promise: Promise.resolve(),
      };
      const record = (item: JobItemResult) => {
        job.done += 1;
        job[item.result] += 1;
        job.items.push({ userId: item.userId, username: item.username, result: item.result, code: item.code, params: item.params ?? null });
        if (job.items.length > KEEP_ITEMS) job.items.shift();
        if (item.secret) job.secrets.push({ userId: item.userId, username: item.username, ...item.secret });
      };
      job.promise = Promise.all(
        items.map((item) =>
          limit(async () => {
            try {
              record(await work(item));
            } catch {
              record({ userId: String((item as { userId?: string }).userId ?? ""), username: null, result: "failed", code: "server.internal" });
            }
          }),
        ),
      ).then(() => {
        job.finishedAt = now();
      });
      jobs.set(job.id, job);
      return job.id;
    },

    /** The job's progress, or null when unknown (or another admin's). */
    status(id: string, askerId: string): JobStatus | null {
      const job = jobs.get(id);
      if (!job || job.ownerId !== askerId) return null;
      const finished = job.finishedAt !== null;
      const handOut = finished && !job.secretsDelivered && job.secrets.length > 0;
      const secrets = handOut ? job.secrets : [];
      if (handOut) {
        job.secretsDelivered = true;
        job.secrets = [];
      }
      return {
        id: job.id,
        action: job.action,
        state: finished ? "done" : "running",
        total: job.total,
        done: job.done,
        ok: job.ok,
        skipped: job.skipped,
        failed: job.failed,
        startedAt: new Date(job.startedAt).toISOString(),
        finishedAt: finished ? new Date(job.finishedAt!).toISOString() : null,
        items: [...job.items],
        secrets,
        secretsDelivered: job.secretsDelivered && !handOut,
      };
    },

    /** Resolves when the job has finished (tests, shutdown). */
    async settled(id: string): Promise<void> {
      await jobs.get(id)?.promise;
    },
  };
}
export type Jobs = ReturnType<typeof createJobs>;
