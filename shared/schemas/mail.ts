import { z } from "zod";

// The inbox procedures (mail.*): input and output. Messages are validation codes (shared/i18n/validation.ts).

/** A folder path as IMAP names it ("INBOX", "Trash", "Projects/2026"). */
export const FolderSchema = z.string({ error: "mail.folderRequired" }).min(1, "mail.folderRequired").max(500, "mail.folderRequired");
export const UidSchema = z.number({ error: "mail.uidInvalid" }).int("mail.uidInvalid").positive("mail.uidInvalid");
const UidsSchema = z.array(UidSchema).min(1, "mail.uidsRequired").max(500, "mail.uidsRequired");

export const MAIL_PAGE_SIZE = 50;

export const MailListInputSchema = z.object({
  folder: FolderSchema,
  /** The `nextCursor` of the previous page (older messages). */
  cursor: UidSchema.nullish(),
  limit: z.number().int().min(1).max(MAIL_PAGE_SIZE).optional(),
});

export const MailMessageInputSchema = z.object({
  folder: FolderSchema,
  uid: UidSchema,
  /** The user asked to see remote (https) images of this message. */
  showImages: z.boolean().optional(),
  /** The page's origin (location.origin): where the message document may load the platform's own images from. */
  origin: z.url().optional(),
});

export const SetFlagsInputSchema = z.object({ folder: FolderSchema, uids: UidsSchema, seen: z.boolean() });

/** `to`: a role ("trash", "junk", "inbox", "sent", "drafts") or a folder path. Trash → Trash deletes for good. */
export const MoveInputSchema = z.object({ folder: FolderSchema, uids: UidsSchema, to: FolderSchema });

export const SearchInputSchema = z.object({
  folder: FolderSchema,
  query: z.string().trim().min(1, "field.required").max(200, "mail.queryTooLong"),
});

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
/** Addresses separated by commas, semicolons or spaces (a form field), or a list. */
const AddressListSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(/[,;\s]+/)).map((a) => a.trim()).filter((a) => a !== ""))
  .superRefine((list, ctx) => {
    for (const address of list) {
      if (!EMAIL.test(address)) ctx.addIssue({ code: "custom", message: "mail.addressInvalid" });
    }
    if (list.length > 50) ctx.addIssue({ code: "custom", message: "mail.tooManyRecipients" });
  });

export const SendInputSchema = z.object({
  to: AddressListSchema.refine((list) => list.length > 0, "mail.toRequired"),
  cc: AddressListSchema.optional(),
  subject: z.string().max(500, "mail.subjectTooLong").default(""),
  text: z.string().max(200_000, "mail.textTooLong"),
  /** The message replied to: quoted below the text, threaded, flagged answered. */
  inReplyTo: z.object({ folder: FolderSchema, uid: UidSchema }).optional(),
});

const AddressSchema = z.object({ name: z.string(), address: z.string() });

export const FolderInfoSchema = z.object({
  path: z.string(),
  name: z.string(),
  delimiter: z.string(),
  role: z.enum(["inbox", "sent", "drafts", "trash", "junk"]).nullable(),
  messages: z.number(),
  unseen: z.number(),
});
export type MailFolder = z.infer<typeof FolderInfoSchema>;

export const MessageSummarySchema = z.object({
  uid: z.number(),
  from: AddressSchema.nullable(),
  subject: z.string(),
  date: z.string().nullable(),
  size: z.number(),
  seen: z.boolean(),
  flagged: z.boolean(),
  answered: z.boolean(),
  hasAttachment: z.boolean(),
});
export type MailSummary = z.infer<typeof MessageSummarySchema>;

export const MessagePageSchema = z.object({
  messages: z.array(MessageSummarySchema),
  nextCursor: z.number().nullable(),
  total: z.number(),
});
export type MailPage = z.infer<typeof MessagePageSchema>;

export const MailMessageSchema = z.object({
  folder: z.string(),
  uid: z.number(),
  seen: z.boolean(),
  size: z.number(),
  subject: z.string(),
  from: z.array(AddressSchema),
  to: z.array(AddressSchema),
  cc: z.array(AddressSchema),
  replyTo: z.array(AddressSchema),
  date: z.string().nullable(),
  messageId: z.string().nullable(),
  listId: z.string().nullable(),
  /** The message's own plain-text part (shown when there is no HTML); empty for an HTML-only message (never derived). */
  text: z.string(),
  /** The sanitised HTML as a complete document for a sandboxed iframe's srcdoc (its own CSP), or null. */
  srcdoc: z.string().nullable(),
  remote: z.object({ count: z.number(), hosts: z.array(z.string()), allowed: z.boolean() }),
  attachments: z.array(
    z.object({ part: z.string(), filename: z.string(), contentType: z.string(), size: z.number(), inline: z.boolean(), url: z.string() }),
  ),
});
export type MailMessage = z.infer<typeof MailMessageSchema>;

export const SendResultSchema = z.object({ accepted: z.array(z.string()), rejected: z.array(z.string()), savedToSent: z.boolean() });
