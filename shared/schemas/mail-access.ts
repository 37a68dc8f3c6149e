// Mail access on the Mail settings page: personal aliases (and temporary ones), app passwords, phone set-up.
// Messages are validation codes (shared/i18n/validation.ts).
import { z } from "zod";
import { UsernameSchema } from "./auth";

/** An alias's local part follows exactly the sign-up rules for usernames (reserved names included). */
export const AddAliasSchema = z.object({ localPart: UsernameSchema });

const AddressSchema = z
  .string({ error: "field.invalid" })
  .trim()
  .toLowerCase()
  .max(254, "field.invalid")
  .regex(/^[a-z0-9._+-]{1,64}@[a-z0-9.-]{1,253}$/, "field.invalid");

export const RemoveAliasSchema = z.object({ address: AddressSchema });

/** A temporary address lives 1 day … 10 years (Mailcow takes 1…87,600 hours). */
export const MAX_TEMPORARY_ALIAS_DAYS = 3650;
export const AddTemporaryAliasSchema = z.object({
  days: z.number({ error: "alias.days" }).int("alias.days").min(1, "alias.days").max(MAX_TEMPORARY_ALIAS_DAYS, "alias.days"),
});
export const RemoveTemporaryAliasSchema = z.object({ address: AddressSchema });

export const AliasSummarySchema = z.object({
  address: z.string(),
  /** Made by the platform for this user: the user may remove it. Others (an administrator's) are shown read-only. */
  removable: z.boolean(),
  /** Whether the user may send as this address. */
  sendAs: z.boolean(),
  createdAt: z.string().nullable(),
});
export type AliasSummary = z.infer<typeof AliasSummarySchema>;

export const TemporaryAliasSchema = z.object({
  address: z.string(),
  /** ISO time it stops delivering; null = permanent (made in Mailcow's UI). */
  validUntil: z.string().nullable(),
  expired: z.boolean(),
});
export type TemporaryAlias = z.infer<typeof TemporaryAliasSchema>;

export const AliasListSchema = z.object({
  /** The mailbox the aliases deliver to. */
  address: z.string(),
  domain: z.string(),
  aliases: z.array(AliasSummarySchema),
  /** How many personal aliases the user may have (MAX_ALIASES_PER_USER). */
  maxAliases: z.number().int(),
  temporary: z.array(TemporaryAliasSchema),
  maxTemporary: z.number().int(),
});
export type AliasList = z.infer<typeof AliasListSchema>;

/** Protocols an app password may be used for (Mailcow's `<name>_access` columns). */
export const APP_PASSWORD_PROTOCOLS = ["imap", "smtp", "pop3", "sieve", "dav", "eas"] as const;
export type AppPasswordProtocolName = (typeof APP_PASSWORD_PROTOCOLS)[number];
/** What mail apps need: reading (IMAP) and sending (SMTP). */
export const DEFAULT_APP_PASSWORD_PROTOCOLS: AppPasswordProtocolName[] = ["imap", "smtp"];

/**
 * App passwords whose name starts with this are the platform's own (the web inbox's credential, "Platform inbox"):
 * shown as "used by the inbox", and users cannot give their own app passwords such a name.
 */
export const PLATFORM_APP_PASSWORD_PREFIX = "Platform";
export const isPlatformAppPasswordName = (name: string) => name.trim().toLowerCase().startsWith(PLATFORM_APP_PASSWORD_PREFIX.toLowerCase());

export const APP_PASSWORD_NAME_MAX = 60;
export const AppPasswordNameSchema = z
  .string({ error: "appPassword.nameRequired" })
  .trim()
  .min(1, "appPassword.nameRequired")
  .max(APP_PASSWORD_NAME_MAX, "appPassword.nameTooLong")
  // oxlint-disable-next-line no-control-regex -- refusing control characters is the point
  .refine((name) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c<>]/.test(name), "field.invalid")
  .refine((name) => !isPlatformAppPasswordName(name), "appPassword.nameReserved");

export const CreateAppPasswordSchema = z.object({
  name: AppPasswordNameSchema,
  protocols: z
    .array(z.enum(APP_PASSWORD_PROTOCOLS, { error: "appPassword.protocols" }), { error: "appPassword.protocols" })
    .min(1, "appPassword.protocols")
    .max(APP_PASSWORD_PROTOCOLS.length, "appPassword.protocols")
    .default(DEFAULT_APP_PASSWORD_PROTOCOLS)
    .transform((list) => APP_PASSWORD_PROTOCOLS.filter((p) => list.includes(p))),
});

export const RevokeAppPasswordSchema = z.object({
  id: z.number({ error: "field.invalid" }).int("field.invalid").positive("field.invalid"),
  /** Needed to revoke the platform's own (inbox) app password: the inbox then makes itself a new one. */
  confirmInbox: z.boolean().optional(),
});

export const AppPasswordSummarySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  protocols: z.array(z.enum(APP_PASSWORD_PROTOCOLS)),
  active: z.boolean(),
  createdAt: z.string().nullable(),
  /** "inbox": the platform's own credential for the Mail page's inbox. */
  usedBy: z.enum(["inbox"]).nullable(),
});
export type AppPasswordSummary = z.infer<typeof AppPasswordSummarySchema>;

export const CreatedAppPasswordSchema = z.object({
  appPassword: AppPasswordSummarySchema,
  /** Shown once; the platform keeps no copy. */
  password: z.string(),
});

export const DeviceSetupStartSchema = z.object({
  /** The link's path on this app, `/mail/device/<token>`. Single use. */
  path: z.string(),
  /** The whole link when the app knows its public address (APP_ORIGIN); else the page adds its own origin. */
  url: z.string().nullable(),
  expiresAt: z.string(),
  ttlSeconds: z.number().int(),
});
export type DeviceSetupStart = z.infer<typeof DeviceSetupStartSchema>;
