// Filters against the emulator over real HTTP (Mailcow 2026-07a as recorded: V.*, F.8).
import { describe, expect, test } from "vitest";
import { useMailcowEmulator } from "../test/use-mailcow-emulator";
import { createMailcowClient, MAX_FILTER_SCRIPT_BYTES } from "./index";
import { ANN, BOB, RECORDED_SEED } from "./recorded-seed";
import { mailcowFailure } from "../test/mailcow-failure";

const mailcow = useMailcowEmulator({ seed: RECORDED_SEED });
const client = () => createMailcowClient({ ...mailcow.config, retryDelayMs: 1 });

const VACATION = 'require ["vacation"];\nvacation :days 1 :subject "Out of office" "I am away until Monday.";';
const FORWARD = 'require ["copy"];\nredirect :copy "ext@x.example";';

const failure = mailcowFailure;

describe("filters", () => {
  test("a mailbox without filters lists none ({} from Mailcow)", async () => {
    expect(await client().listFilters(ANN)).toEqual([]);
  });

  test("add, list, one active per type, edit, delete", async () => {
    const mailcow = client();
    await mailcow.addFilter({ mailbox: BOB, type: "prefilter", description: "vacation", script: VACATION, active: true });
    await mailcow.addFilter({ mailbox: BOB, type: "prefilter", description: "fwd-copy", script: FORWARD, active: true });
    await mailcow.addFilter({ mailbox: BOB, type: "postfilter", description: "post", script: FORWARD, active: true });
    const filters = await mailcow.listFilters(BOB);
    expect(filters.map(({ description, type, active }) => ({ description, type, active }))).toEqual([
      { description: "vacation", type: "prefilter", active: false },
      { description: "fwd-copy", type: "prefilter", active: true },
      { description: "post", type: "postfilter", active: true },
    ]);
    expect(filters[0]).toMatchObject({ mailbox: BOB, script: VACATION, id: expect.any(Number) });

    const [vacation, forward] = filters;
    expect(await mailcow.editFilter(BOB, vacation!.id, { active: true, description: "vacation-v2" })).toBe(true);
    const after = await mailcow.listFilters(BOB);
    expect(after.find((f) => f.id === vacation!.id)).toMatchObject({ active: true, description: "vacation-v2", script: VACATION });
    expect(after.find((f) => f.id === forward!.id)).toMatchObject({ active: false });

    expect(await mailcow.deleteFilters(BOB, [forward!.id, vacation!.id])).toEqual([forward!.id, vacation!.id]);
    expect((await mailcow.listFilters(BOB)).map((f) => f.description)).toEqual(["post"]);
  });

  test("another mailbox's filter is neither edited nor deleted (nothing is sent)", async () => {
    const mailcow = client();
    await mailcow.addFilter({ mailbox: BOB, type: "prefilter", description: "bob's", script: FORWARD, active: true });
    const [bobs] = await mailcow.listFilters(BOB);
    const writesBefore = emulatorWrites();
    expect(await mailcow.editFilter(ANN, bobs!.id, { active: false })).toBe(false);
    expect(await mailcow.deleteFilters(ANN, [bobs!.id])).toEqual([]);
    expect(emulatorWrites()).toBe(writesBefore);
    expect(await mailcow.listFilters(BOB)).toEqual([bobs]);
  });

  test("invalid Sieve is rejected with sieve_error and the line in args", async () => {
    const error = await failure(client().addFilter({ mailbox: BOB, type: "prefilter", description: "no-require", script: 'vacation "I am away.";', active: true }));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "sieve_error", args: ["line 1: unknown command vacation"], retryable: false });

    await client().addFilter({ mailbox: BOB, type: "prefilter", description: "ok", script: FORWARD, active: false });
    const [filter] = await client().listFilters(BOB);
    const onEdit = await failure(client().editFilter(BOB, filter!.id, { script: "this is not sieve" }));
    expect(onEdit).toMatchObject({ kind: "rejected", messageKey: "sieve_error", args: ["line 1: unknown command this"] });
    expect((await client().listFilters(BOB))[0]!.script).toBe(FORWARD);
  });

  test("a script over 65,535 bytes: HTTP 200 with an empty body, nothing stored → empty_answer, not retryable", async () => {
    const fits = "# " + "x".repeat(MAX_FILTER_SCRIPT_BYTES - 3) + "\n";
    expect(Buffer.byteLength(fits)).toBe(MAX_FILTER_SCRIPT_BYTES);
    await client().addFilter({ mailbox: ANN, type: "postfilter", description: "size-65535", script: fits, active: false });
    const tooBig = "# " + "x".repeat(MAX_FILTER_SCRIPT_BYTES - 2) + "\n";
    const error = await failure(client().addFilter({ mailbox: ANN, type: "postfilter", description: "size-65536", script: tooBig, active: false }));
    expect(error).toMatchObject({ kind: "bad_response", reason: "empty_answer", status: 200, retryable: false });
    expect((await client().listFilters(ANN)).map((f) => f.description)).toEqual(["size-65535"]);
  });

  test("an unknown mailbox is access_denied; an empty description is value_missing (refused locally first)", async () => {
    const error = await failure(client().addFilter({ mailbox: "nobody@example.org", type: "prefilter", description: "v", script: VACATION, active: true }));
    expect(error).toMatchObject({ kind: "rejected", messageKey: "access_denied" });
    await expect(client().addFilter({ mailbox: BOB, type: "prefilter", description: " ", script: VACATION, active: true })).rejects.toThrow(TypeError);
    await expect(client().addFilter({ mailbox: BOB, type: "sieve" as "prefilter", description: "x", script: VACATION, active: true })).rejects.toThrow(TypeError);
  });
});

function emulatorWrites(): number {
  return mailcow.emulator.stats().writes;
}
