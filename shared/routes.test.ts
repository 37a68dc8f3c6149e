import { expect, test } from "vitest";
import { isClientPath } from "./routes";

test("the admin console's sections and a person's page are client pages; other /admin paths are not", () => {
  for (const path of ["/admin", "/admin/", "/admin/invitations", "/admin/import", "/admin/reconcile", "/admin/audit", "/admin/stats", "/admin/people/7f3c-uuid"]) {
    expect(isClientPath(path), path).toBe(true);
  }
  for (const path of ["/admin/nothing", "/admin/people", "/admin/people/a/b", "/administer"]) {
    expect(isClientPath(path), path).toBe(false);
  }
});
