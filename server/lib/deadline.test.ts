import { expect, test } from "vitest";
import { untilAborted, within } from "./deadline";

test("the work's value or error wins when it settles first", async () => {
  expect(await within(Promise.resolve(1), 60_000, () => 2)).toBe(1);
  await expect(within(Promise.reject(new Error("boom")), 60_000, () => 2)).rejects.toThrow("boom");
});

test("an abort settles with the fallback, or with what the fallback throws; the work goes on", async () => {
  const controller = new AbortController();
  let finish!: (value: number) => void;
  const work = new Promise<number>((resolve) => (finish = resolve));
  const waiting = untilAborted(work, controller.signal, () => 0);
  controller.abort();
  expect(await waiting).toBe(0);
  await expect(untilAborted(work, controller.signal, () => { throw new Error("late"); })).rejects.toThrow("late");
  finish(5);
  expect(await work).toBe(5);
});
