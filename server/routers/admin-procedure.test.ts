import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { createInnerContext } from "../context";
import { createTestServices } from "../test/create-test-context";
import { adminProcedure, createCallerFactory, router } from "../trpc";

const probe = router({ whoami: adminProcedure.query(({ ctx }) => ctx.user.username) });

describe("adminProcedure", () => {
  it("refuses anonymous users and non-admins, lets admins through, and follows a revoked role at once", async () => {
    const services = createTestServices();
    const account = services.accounts.insert({ username: "root-ada", displayName: null, passwordHash: "x" });
    const session = { id: "s", userId: account.id, expiresAt: new Date(Date.now() + 60_000), fresh: false };
    const asAda = createCallerFactory(probe)(createInnerContext(services, { user: { id: account.id, username: "root-ada" }, session }));
    const anonymous = createCallerFactory(probe)(createInnerContext(services));
    await expect(anonymous.whoami()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(asAda.whoami()).rejects.toBeInstanceOf(TRPCError);
    await expect(asAda.whoami()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(services.accounts.setRole("root-ada", "admin")).toBe(true);
    expect(await asAda.whoami()).toBe("root-ada");
    expect(services.accounts.admins().map((a) => a.username)).toEqual(["root-ada"]);
    services.accounts.setRole("root-ada", "user");
    await expect(asAda.whoami()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(services.accounts.setRole("nobody", "admin")).toBe(false);
  });
});
