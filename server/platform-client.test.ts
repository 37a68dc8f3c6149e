// Internal TypeScript consumers: the real HTTP server, called through createPlatformClient(), with pinned types.
import { afterAll, beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { buildApp } from "./http/app";
import { createPlatformClient, type MailboxInfo, type PublicUser, type RouterInputs, type RouterOutputs } from "./platform-client";
import { createTestServices, STRONG_PASSWORD } from "./test/create-test-context";
import { useMailcowEmulator } from "./test/use-mailcow-emulator";

const mailcow = useMailcowEmulator();
let app: Awaited<ReturnType<typeof buildApp>>;
let url: string;

beforeAll(async () => {
  app = await buildApp(createTestServices({}, { mailcow: mailcow.config }));
  url = await app.listen({ host: "127.0.0.1", port: 0 });
});
afterAll(() => app.close());

/** A client that keeps its session cookie, as a service account would. */
function clientWithCookieJar() {
  let cookie = "";
  const client = createPlatformClient({
    url,
    headers: (): Record<string, string> => ({ "x-platform-locale": "en", ...(cookie ? { cookie } : {}) }),
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      const set = res.headers.get("set-cookie");
      if (set) cookie = set.split(";")[0]!;
      return res;
    },
  });
  return client;
}

describe("createPlatformClient", () => {
  test("registers, reads the mailbox and gets translated field errors over real HTTP", async () => {
    const platform = clientWithCookieJar();
    const user = await platform.auth.register.mutate({ username: "svc.ada", password: STRONG_PASSWORD });
    expect(user).toMatchObject({ username: "svc.ada", email: "svc.ada@example.test", mailbox: { state: "active" } });
    const info = await platform.mailbox.info.query();
    expect(info).toMatchObject({ state: "active", address: "svc.ada@example.test", settings: { imap: { port: 993 } } });

    const error = await platform.auth.register.mutate({ username: "x", password: "short" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ data: { code: "BAD_REQUEST", httpStatus: 400, fieldErrors: { username: ["At least 2 characters"] } } });
  });

  test("the inferred types are pinned", () => {
    expectTypeOf<RouterInputs["auth"]["register"]>().toEqualTypeOf<{ username: string; password: string; displayName?: string | undefined; invitation?: string | undefined }>();
    expectTypeOf<RouterInputs["mailbox"]["updatePassword"]>().toEqualTypeOf<{ newPassword: string }>();
    expectTypeOf<RouterOutputs["mailbox"]["info"]>().toEqualTypeOf<MailboxInfo>();
    expectTypeOf<RouterOutputs["auth"]["me"]>().toEqualTypeOf<PublicUser | null>();
    expectTypeOf<RouterOutputs["mailbox"]["info"]["state"]>().toEqualTypeOf<
      "provisioning" | "active" | "pending" | "failed" | "needs_password" | "conflict" | "disabled" | "deleting" | "none"
    >();
    expectTypeOf<RouterOutputs["auth"]["register"]["mailbox"]["state"]>().toEqualTypeOf<RouterOutputs["mailbox"]["info"]["state"]>();
  });
});
