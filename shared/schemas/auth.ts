import { z } from "zod";
import { DISPLAY_NAME_MAX, USERNAME_MAX, USERNAME_MIN } from "../constants";
import { RESERVED_USERNAME_ROOTS, RESERVED_USERNAMES } from "../reserved-names";
import { checkPassword } from "../password-policy";
import { SecondFactorCodeSchema, TotpCodeSchema } from "./account";

// Messages are validation codes (shared/i18n/validation.ts), turned into words by whoever shows them.

/** A name without its separators: "post.master", "mailer_daemon" and "no-reply" read as the names they imitate. */
const compact = (name: string) => name.toLowerCase().replace(/[._-]/g, "");
const RESERVED_COMPACT = new Set([...RESERVED_USERNAMES].map(compact));

/**
 * True for a reserved name or a near-variant of one: the same letters with . - _ anywhere ("post.master",
 * "mailerdaemon"), or an official root at the start or end ("sysadmin", "admin2"). `extra` is the operator's own
 * list (the server passes RESERVED_USERNAMES from its environment), compared the same way.
 */
export function isReservedUsername(name: string, extra: Iterable<string> = []): boolean {
  const bare = compact(name);
  if (RESERVED_COMPACT.has(bare)) return true;
  if (RESERVED_USERNAME_ROOTS.some((root) => bare.startsWith(root) || bare.endsWith(root))) return true;
  for (const reserved of extra) if (compact(reserved) === bare) return true;
  return false;
}

/** The future mailbox local part: lowercase letters, digits, . - _ ; no leading/trailing/double dots. */
export const UsernameSchema = z
  .string({ error: "username.required" })
  .trim()
  .toLowerCase()
  .min(1, "username.required")
  .min(USERNAME_MIN, "username.tooShort")
  .max(USERNAME_MAX, "username.tooLong")
  .regex(/^[a-z0-9._-]+$/, "username.chars")
  .refine((name) => !name.startsWith(".") && !name.endsWith(".") && !name.includes(".."), "username.dots")
  .refine((name) => !/^[-_]|[-_]$/.test(name), "username.edges")
  .refine((name) => !isReservedUsername(name), "username.reserved");

/** A password on its own (no username to compare with); the length is checked in characters and bytes. */
export const PasswordSchema = z
  .string({ error: "password.required" })
  .min(1, "password.required")
  .max(1024, "password.tooLong")
  // oxlint-disable-next-line no-control-regex -- refusing control characters is the point
  .refine((pw) => !/[\u0000-\u001f\u007f]/.test(pw), "password.control")
  // A lone UTF-16 surrogate has no UTF-8 form: two passwords differing only in one would hash the same.
  .refine((pw) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(pw), "password.control")
  // Mailcow stores a password that starts with a scheme such as {BLF-CRYPT} as a ready-made hash.
  .refine((pw) => !/^\{[A-Za-z0-9._-]+\}/.test(pw), "password.schemePrefix")
  .superRefine((pw, ctx) => {
    for (const rule of checkPassword(pw)) {
      if (!rule.ok) ctx.addIssue({ code: "custom", message: rule.code });
    }
  });

/** Adds "must not contain the username" to an object schema that has `username` and a password field. */
function passwordNotUsername(field: string, username: string, password: string, ctx: z.RefinementCtx) {
  const rule = checkPassword(password, username).find((r) => r.rule === "notUsername");
  if (rule && !rule.ok) ctx.addIssue({ code: "custom", message: rule.code, path: [field] });
}

export const DisplayNameSchema = z
  .string()
  .trim()
  .max(DISPLAY_NAME_MAX, "displayName.tooLong")
  .refine((name) => !/[<>]/.test(name), "displayName.chars")
  // Control characters (NUL broke the user's own .mobileconfig), line/paragraph separators, and bidi controls that
  // make a name read differently from what it is (U+202A–U+202E embeddings/overrides, U+2066–U+2069 isolates,
  // U+200E/U+200F/U+061C marks); a lone surrogate has no UTF-8 form.
  // oxlint-disable-next-line no-control-regex -- refusing control characters is the point
  .refine((name) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/.test(name), "displayName.control")
  .refine((name) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(name), "displayName.control");

export const RegisterSchema = z
  .object({
    username: UsernameSchema,
    password: PasswordSchema,
    displayName: DisplayNameSchema.optional(),
    /** The token from an invitation link (required when REGISTRATION_MODE=invite). */
    invitation: z
      .string({ error: "invitation.invalid" })
      .trim()
      .regex(/^[A-Za-z0-9_-]{22,128}$/, "invitation.invalid")
      .optional(),
  })
  .superRefine((value, ctx) => passwordNotUsername("password", value.username, value.password, ctx));
export type RegisterInput = z.infer<typeof RegisterSchema>;

export const LoginSchema = z.object({
  /** The username or the full platform address. */
  login: z.string({ error: "login.required" }).trim().toLowerCase().min(1, "login.required").max(320, "login.required"),
  password: z.string({ error: "password.required" }).min(1, "password.required").max(1024, "password.tooLong"),
  /** The second step when two-factor sign-in is on: a code from the app… */
  totp: TotpCodeSchema.optional(),
  /** …or one of the recovery codes. */
  recoveryCode: SecondFactorCodeSchema.optional(),
});
export type LoginInput = z.infer<typeof LoginSchema>;

export const ChangePasswordSchema = z
  .object({
    currentPassword: z.string({ error: "password.required" }).min(1, "password.required").max(1024),
    newPassword: PasswordSchema,
    /** Also set the mailbox password to the new value (optional, same step). */
    alsoMailbox: z.boolean().optional(),
  })
  .refine((v) => v.currentPassword !== v.newPassword, { message: "password.sameAsCurrent", path: ["newPassword"] });
export type ChangePasswordInput = z.infer<typeof ChangePasswordSchema>;

export const DeleteAccountSchema = z.object({
  password: z.string({ error: "password.required" }).min(1, "password.required").max(1024),
  /** Required when two-factor sign-in is on: a code from the app or a recovery code. */
  totp: SecondFactorCodeSchema.optional(),
});

/**
 * auth.login's answer when two-factor sign-in is on and no code came with the password: TRPC code
 * PRECONDITION_FAILED with a field error on `totp` (no session is created). A wrong code is UNAUTHORIZED on `totp`.
 */
export const TOTP_REQUIRED = { code: "PRECONDITION_FAILED", field: "totp", message: "auth.totpRequired" } as const;

/** What the API says about the signed-in user: never a hash, never a secret. */
export const PublicUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  email: z.string(),
  createdAt: z.string(),
  /** The admin role: the client shows the "Admin" link; the admin procedures check the role themselves. */
  isAdmin: z.boolean(),
  /** True when the password was generated for the user (bulk import): the client asks for a new one first. */
  mustChangePassword: z.boolean().optional(),
});
export type PublicUser = z.infer<typeof PublicUserSchema>;
