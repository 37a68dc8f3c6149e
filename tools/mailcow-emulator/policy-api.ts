// The password policy (Mailcow keeps it in Redis, PASSWD_POLICY): GET /get/passwordpolicy[/html], POST
// /edit/passwordpolicy. Here it lives in a settings row.
import { maskedLog, type ApiContext, type Entry, type ReadResult, type WriteResult } from "./api-context";
import { POLICY_KEYS, policyHtml } from "./password";
import { field, intval, isset, phpJsonEncode } from "./php";
import type { PhpArray, Resource } from "./resource";

/** GET /get/passwordpolicy[/html]: Redis hash values come back as strings. */
export function getPasswordPolicy(ctx: ApiContext, object: string | undefined): ReadResult {
  const policy = ctx.policy();
  if (object === "html") return { kind: "json", value: policyHtml(policy) };
  return { kind: "json", value: Object.fromEntries(POLICY_KEYS.map((key) => [key, String(policy[key])])) };
}

/** POST /edit/passwordpolicy {"attr": {...}}: known keys only; a length below 3 is ignored. */
export function editPasswordPolicy(ctx: ApiContext, attr: PhpArray): WriteResult {
  const policy = { ...ctx.policy() };
  for (const key of POLICY_KEYS) {
    const value = field(attr, key);
    if (!isset(value)) continue;
    const n = intval(value);
    if (key === "length" && n < 3) continue;
    policy[key] = n;
  }
  ctx.setPolicy(policy);
  const entry: Entry = { type: "success", log: ["password_complexity", "edit", maskedLog(attr)], msg: "password_policy_saved" };
  return { kind: "entries", entries: [entry], returned: true };
}

export const policyResource: Resource = {
  edit: { passwordpolicy: (ctx, _items, attr) => editPasswordPolicy(ctx, attr) },
  get: { passwordpolicy: (ctx, route) => getPasswordPolicy(ctx, route.object) },
};

/** GET /get/status/version; other status objects are not emulated and answer with an empty body. */
export const statusResource: Resource = {
  get: {
    status: (ctx, route) =>
      route.object === "version" ? { kind: "literal", body: phpJsonEncode({ version: ctx.version }) } : { kind: "literal", body: "" },
  },
};
