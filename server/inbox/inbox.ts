// What the inbox procedures do on IMAP, on a user's pooled connection: folders in the order users expect, a page of
// the message list (newest first by UID), a rendered message, an attachment as a size-capped stream, flags, moves
// (Trash; deleting from Trash expunges), search and the unread count. Dependencies come in as parameters.
import { Transform, type Readable } from "node:stream";
import type { FetchMessageObject, ImapFlow, ListResponse, MessageStructureObject } from "imapflow";
import { InboxError, type ImapPool } from "./imap-pool";
import { decodeChunks, decodeText, fetchShownParts, partNumber, planBody } from "./body-parts";
import type { MailAddress, MessageParts, RenderedMessage } from "./render";
import { BoundedLru, RenderCache } from "./render-cache";
import { loadMessageRendering } from "../on-demand";

export const LIST_LIMIT_MAX = 50;

export type FolderRole = "inbox" | "sent" | "drafts" | "trash" | "junk";

export interface FolderInfo {
  path: string;
  name: string;
  delimiter: string;
  role: FolderRole | null;
  messages: number;
  unseen: number;
}

export interface MessageSummary {
  uid: number;
  from: MailAddress | null;
  subject: string;
  /** ISO date from the Date header, else the arrival time. */
  date: string | null;
  size: number;
  seen: boolean;
  flagged: boolean;
  answered: boolean;
  hasAttachment: boolean;
}

export interface MessagePage {
  messages: MessageSummary[];
  /** Pass as `cursor` for the next (older) page; null when this is the last one. */
  nextCursor: number | null;
  total: number;
}

export interface MessageView extends RenderedMessage {
  folder: string;
  uid: number;
  seen: boolean;
  size: number;
}

export interface AttachmentDownload {
  filename: string;
  contentType: string;
  /** Decoded size when known in advance (from BODYSTRUCTURE, approximate for base64). */
  size: number | null;
  /** The bytes; the connection is given back when it ends, fails or is destroyed. */
  stream: Readable;
}

export interface InboxOptions {
  pool: ImapPool;
  /** MAIL_ATTACHMENT_MAX_BYTES. */
  attachmentMaxBytes: number;
  /** The platform URL of a body part, e.g. `/mail/attachment/${encodeURIComponent(folder)}/${uid}/${part}`. */
  attachmentUrl: (folder: string, uid: number, part: string) => string;
  /** Bytes of rendered messages kept for a second opening (MAIL_RENDER_CACHE_MB); 0 or absent keeps none. */
  renderCacheBytes?: number;
  /**
   * Message structures (BODYSTRUCTURE) kept from the lists and searches shown, so that opening a listed message takes
   * one FETCH instead of two (MAIL_STRUCTURE_CACHE_ENTRIES); 0 keeps none. Default 5,000.
   */
  structureCacheEntries?: number;
}

const ROLE_BY_SPECIAL_USE: Record<string, FolderRole> = {
  "\\Inbox": "inbox",
  "\\Sent": "sent",
  "\\Drafts": "drafts",
  "\\Trash": "trash",
  "\\Junk": "junk",
};
const ROLE_ORDER: FolderRole[] = ["inbox", "sent", "drafts", "trash", "junk"];
/** The names created when a server has no folder for a role yet (Mailcow 2026-07a's Dovecot creates these four). */
const DEFAULT_NAMES: Record<Exclude<FolderRole, "inbox">, string> = { sent: "Sent", drafts: "Drafts", trash: "Trash", junk: "Junk" };

/** The message-list page of `/mail/attachment/:folder/:uid/:part` links the route expects. */
export function defaultAttachmentUrl(folder: string, uid: number, part: string): string {
  return `/mail/attachment/${encodeURIComponent(folder)}/${uid}/${encodeURIComponent(part)}`;
}

function roleOf(entry: ListResponse): FolderRole | null {
  if (entry.path.toUpperCase() === "INBOX") return "inbox";
  return entry.specialUse ? (ROLE_BY_SPECIAL_USE[entry.specialUse] ?? null) : null;
}

function selectable(entry: ListResponse): boolean {
  return !entry.flags.has("\\Noselect") && !entry.flags.has("\\NonExistent");
}

/** A node the user would call an attachment: marked so, or a named part that is not shown inline. */
function isAttachmentNode(node: MessageStructureObject): boolean {
  if (node.childNodes?.length) return false;
  if (node.disposition === "attachment") return true;
  const named = !!(node.dispositionParameters?.filename ?? node.parameters?.name);
  return named && node.disposition !== "inline" && !node.type.startsWith("multipart/");
}

export function hasAttachment(node: MessageStructureObject | undefined): boolean {
  if (!node) return false;
  if (isAttachmentNode(node)) return true;
  return (node.childNodes ?? []).some(hasAttachment);
}

function findPart(node: MessageStructureObject | undefined, part: string): MessageStructureObject | null {
  if (!node) return null;
  // A leaf's number (a single-part message's body is part "1"); a multipart without one is the message itself.
  if ((node.childNodes ? node.part : partNumber(node)) === part) return node;
  for (const child of node.childNodes ?? []) {
    const found = findPart(child, part);
    if (found) return found;
  }
  return null;
}

function summary(message: FetchMessageObject): MessageSummary {
  const from = message.envelope?.from?.[0];
  const date = message.envelope?.date ?? message.internalDate;
  const when = date ? new Date(date) : null;
  return {
    uid: message.uid,
    from: from ? { name: from.name ?? "", address: from.address ?? "" } : null,
    subject: message.envelope?.subject ?? "",
    date: when && !Number.isNaN(when.getTime()) ? when.toISOString() : null,
    size: message.size ?? 0,
    seen: message.flags?.has("\\Seen") ?? false,
    flagged: message.flags?.has("\\Flagged") ?? false,
    answered: message.flags?.has("\\Answered") ?? false,
    hasAttachment: hasAttachment(message.bodyStructure),
  };
}

const SUMMARY_QUERY = { uid: true, flags: true, envelope: true, size: true, bodyStructure: true, internalDate: true } as const;

/** The listed messages, newest first; each one's BODYSTRUCTURE is handed to `remember` (for the opening that follows). */
async function summaries(client: ImapFlow, range: string | number[], byUid: boolean, remember: (message: FetchMessageObject) => void): Promise<MessageSummary[]> {
  const out: MessageSummary[] = [];
  for await (const message of client.fetch(range, SUMMARY_QUERY, { uid: byUid })) {
    out.push(summary(message));
    remember(message);
  }
  return out.sort((a, b) => b.uid - a.uid);
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return LIST_LIMIT_MAX;
  return Math.max(1, Math.min(LIST_LIMIT_MAX, Math.trunc(limit)));
}

/** Fails a stream that grows past `max` bytes (the BODYSTRUCTURE size is only an estimate). */
function byteCap(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) done(new InboxError("too_large", `The attachment is larger than ${max} bytes`));
      else done(null, chunk);
    },
  });
}

/** What a first opening read: the shown parts, or the whole source. */
type MessageBody = { parts: MessageParts } | { source: Buffer };

export function createInbox({ pool, attachmentMaxBytes, attachmentUrl, renderCacheBytes = 0, structureCacheEntries = 5000 }: InboxOptions) {
  const rendered = new RenderCache(renderCacheBytes);
  // A message never changes under its (folder, UIDVALIDITY, UID): a structure listed once stays right.
  const structures = new BoundedLru<MessageStructureObject>(structureCacheEntries, () => 1);
  const structureKey = (userId: string, folder: string, client: ImapFlow, uid: number) =>
    JSON.stringify([userId, folder, String(client.mailbox ? client.mailbox.uidValidity : ""), uid]);
  const remembering = (userId: string, folder: string, client: ImapFlow) => (message: FetchMessageObject) => {
    if (message.bodyStructure) structures.set(structureKey(userId, folder, client, message.uid), message.bodyStructure);
  };
  const opened = { byParts: 0, bySource: 0 };

  async function listFolders(client: ImapFlow, withStatus: boolean): Promise<ListResponse[]> {
    return client.list(withStatus ? { statusQuery: { messages: true, unseen: true } } : undefined);
  }

  /** The path of the folder with this role; created under the usual name when the server has none. */
  async function folderFor(client: ImapFlow, role: Exclude<FolderRole, "inbox">): Promise<string> {
    const all = await listFolders(client, false);
    const found = all.find((entry) => selectable(entry) && roleOf(entry) === role);
    if (found) return found.path;
    const created = await client.mailboxCreate(DEFAULT_NAMES[role]);
    return created.path;
  }

  /** A `to` of move(): a role ("trash", "junk", …) or a folder path. */
  async function resolveTarget(client: ImapFlow, to: string): Promise<string> {
    if (to === "inbox") return "INBOX";
    if (to in DEFAULT_NAMES) return folderFor(client, to as Exclude<FolderRole, "inbox">);
    return to;
  }

  return {
    /** Inbox first, then Sent, Drafts, Trash, Junk (by special-use, else by name), then the user's own by path. */
    async folders(userId: string): Promise<FolderInfo[]> {
      return pool.withClient(userId, async (client) => {
        const entries = (await listFolders(client, true)).filter(selectable);
        const folders = entries.map((entry) => ({
          path: entry.path,
          name: entry.path.toUpperCase() === "INBOX" ? "INBOX" : entry.name,
          delimiter: entry.delimiter,
          role: roleOf(entry),
          messages: entry.status?.messages ?? 0,
          unseen: entry.status?.unseen ?? 0,
        }));
        // One folder per role: a second "Sent Items" beside a \Sent folder is an ordinary folder.
        const taken = new Set<FolderRole>();
        for (const folder of folders) {
          if (folder.role && taken.has(folder.role)) folder.role = null;
          else if (folder.role) taken.add(folder.role);
        }
        const rank = (f: FolderInfo) => (f.role ? ROLE_ORDER.indexOf(f.role) : ROLE_ORDER.length);
        return folders.sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
      });
    },

    /** One page, newest first: the newest `limit` messages, or those older than `cursor` (a UID). */
    async list(userId: string, folder: string, { cursor, limit }: { cursor?: number | null; limit?: number } = {}): Promise<MessagePage> {
      const size = clampLimit(limit);
      return pool.withMailbox(userId, folder, async (client) => {
        const total = client.mailbox ? client.mailbox.exists : 0;
        if (total === 0 || (cursor !== undefined && cursor !== null && cursor <= 1)) return { messages: [], nextCursor: null, total };
        if (cursor === undefined || cursor === null) {
          // Sequence numbers follow UID order: the newest page is the last `size` sequence numbers.
          const messages = await summaries(client, `${Math.max(1, total - size + 1)}:*`, false, remembering(userId, folder, client));
          return { messages, nextCursor: total > size ? (messages.at(-1)?.uid ?? null) : null, total };
        }
        const older = (await client.search({ uid: `1:${cursor - 1}` }, { uid: true })) || [];
        if (older.length === 0) return { messages: [], nextCursor: null, total };
        const page = older.sort((a, b) => a - b).slice(-size);
        const messages = await summaries(client, page, true, remembering(userId, folder, client));
        return { messages, nextCursor: older.length > size ? page[0]! : null, total };
      });
    },

    /**
     * The message rendered for reading (the \Seen flag is not changed: the caller decides). Read the way webmail
     * clients do: from its BODYSTRUCTURE (kept from the list that showed it, else fetched first), only the parts the
     * reading pane shows (the HTML, or the plain text when there is none, and the sender's own text part) are fetched,
     * with the header and flags in the same FETCH; attachments and inline images are listed from the structure and
     * fetched when asked. A structure mailparser treats specially, or a server without BINARY, is read and parsed as a
     * whole source. The text of a message shown as HTML is its own text part, never derived from the HTML. A message
     * rendered before (same user, folder, UIDVALIDITY, UID and image mode) is not fetched again: only its flags are.
     */
    async message(userId: string, folder: string, uid: number, { allowRemoteImages = false }: { allowRemoteImages?: boolean } = {}): Promise<MessageView> {
      // mailparser and the sanitiser load with the first message opened, not at the server's start.
      const { parseHeader, renderMessage, renderParts } = await loadMessageRendering();
      const found = await pool.withMailbox(userId, folder, async (client) => {
        const key = RenderCache.key(userId, folder, client.mailbox ? client.mailbox.uidValidity : "", uid, allowRemoteImages);
        const cached = rendered.get(key);
        if (cached) return { key, cached, fetched: await client.fetchOne(String(uid), { uid: true, flags: true, size: true }, { uid: true }), body: null };
        let structure = structures.get(structureKey(userId, folder, client, uid));
        if (!structure) {
          const listed = await client.fetchOne(String(uid), { uid: true, bodyStructure: true }, { uid: true });
          if (!listed) return { key, cached, fetched: false as const, body: null };
          structure = listed.bodyStructure;
        }
        const plan = planBody(structure);
        const shown = plan ? await fetchShownParts(client, uid, [...plan.html, ...plan.text]) : null;
        if (shown === undefined) return { key, cached, fetched: false as const, body: null };
        if (plan && shown) {
          const html = shown.parts.slice(0, plan.html.length).map((bytes, i) => decodeChunks(bytes, plan.html[i]!.parameters?.charset));
          const text = shown.parts.slice(plan.html.length).map((bytes, i) => decodeText(bytes, plan.text[i]!.parameters?.charset));
          // A charset the decoder does not know falls back to the whole source. The header is parsed by mailparser, as
          // the whole source would be; its parsing starts here and the rendering awaits it.
          if (html.every((part) => part !== null) && text.every((part) => part !== null)) {
            const headers = parseHeader(shown.header);
            headers.catch(() => {}); // awaited by the rendering; a failure surfaces there, never as an unhandled rejection
            const parts: MessageParts = { headers, html, text, attachments: plan.attachments };
            return { key, cached, fetched: shown.fetched, body: { parts } as MessageBody };
          }
        }
        const whole = await client.fetchOne(String(uid), { uid: true, flags: true, size: true, source: true }, { uid: true });
        return { key, cached, fetched: whole, body: whole && whole.source ? ({ source: whole.source } as MessageBody) : null };
      });
      const { key, cached, fetched, body } = found;
      if (!fetched || (!cached && !body)) throw new InboxError("not_found", `No message ${uid} in this folder`);
      const seen = fetched.flags?.has("\\Seen") ?? false;
      const size = fetched.size ?? 0;
      if (cached) return { ...cached, folder, uid, seen, size };
      const options = { attachmentUrl: (part: string) => attachmentUrl(folder, uid, part), allowRemoteImages, text: "without-html" } as const;
      const view = "parts" in body! ? await renderParts(body.parts, options) : await renderMessage(body!.source, options);
      opened["parts" in body! ? "byParts" : "bySource"]++;
      rendered.set(key, view);
      return { ...view, folder, uid, seen, size };
    },

    /** How first openings were read: part by part, or as a whole source (structures mailparser treats specially). */
    openStats: () => ({ ...opened }),

    /** Rendered messages kept for a second opening (entries, bytes, hits, misses). */
    renderCacheStats: () => rendered.stats(),

    /**
     * One body part as a stream (transfer encoding removed, text not converted), refused above the cap before a byte
     * is fetched. The user's connection stays locked on this folder until the stream ends.
     */
    async attachment(userId: string, folder: string, uid: number, part: string): Promise<AttachmentDownload> {
      if (!/^\d+(?:\.\d+)*$/.test(part)) throw new InboxError("not_found", "No such part");
      const lease = await pool.acquire(userId);
      let lock: { release(): void } | null = null;
      const done = () => {
        lock?.release();
        lock = null;
        lease.release();
      };
      try {
        lock = await lease.client.getMailboxLock(folder);
        const message = await lease.client.fetchOne(String(uid), { uid: true, bodyStructure: true }, { uid: true });
        const node = message ? findPart(message.bodyStructure, part) : null;
        if (!node || node.childNodes?.length) throw new InboxError("not_found", `No part ${part} in message ${uid}`);
        const encoded = node.size ?? 0;
        const estimated = node.encoding?.toLowerCase() === "base64" ? Math.floor((encoded * 3) / 4) : encoded;
        if (estimated > attachmentMaxBytes) throw new InboxError("too_large", `The attachment is larger than ${attachmentMaxBytes} bytes`);
        const download = await lease.client.download(String(uid), part, { uid: true, decodeText: false });
        if (!download.content) throw new InboxError("not_found", `No part ${part} in message ${uid}`);
        const stream = download.content.pipe(byteCap(attachmentMaxBytes));
        download.content.on("error", (error) => stream.destroy(error));
        stream.once("close", done);
        stream.once("end", done);
        stream.once("error", done);
        return {
          filename: download.meta.filename || node.dispositionParameters?.filename || node.parameters?.name || `attachment-${part}`,
          contentType: download.meta.contentType || node.type || "application/octet-stream",
          size: estimated,
          stream,
        };
      } catch (error) {
        done();
        throw pool.translate(lease.client, error);
      }
    },

    /** Marks messages read (seen: true) or unread. */
    async setFlags(userId: string, folder: string, uids: number[], seen: boolean): Promise<void> {
      if (uids.length === 0) return;
      await pool.withMailbox(userId, folder, async (client) => {
        if (seen) await client.messageFlagsAdd(uids, ["\\Seen"], { uid: true });
        else await client.messageFlagsRemove(uids, ["\\Seen"], { uid: true });
      });
    },

    /**
     * Moves messages to `to` (a role: "trash", "junk", "inbox", … or a folder path). Moving from the Trash to the
     * Trash deletes them for good (expunge).
     */
    async move(userId: string, folder: string, uids: number[], to: string): Promise<{ moved: number; deleted: boolean; to: string }> {
      if (uids.length === 0) return { moved: 0, deleted: false, to };
      const target = await pool.withClient(userId, (client) => resolveTarget(client, to));
      return pool.withMailbox(userId, folder, async (client) => {
        if (target === folder) {
          const trash = await folderFor(client, "trash");
          if (folder !== trash) return { moved: 0, deleted: false, to: target };
          await client.messageDelete(uids, { uid: true });
          return { moved: uids.length, deleted: true, to: target };
        }
        const result = await client.messageMove(uids, target, { uid: true });
        return { moved: result ? (result.uidMap?.size ?? uids.length) : 0, deleted: false, to: target };
      });
    },

    /** IMAP SEARCH for the text in From, Subject or the body; the newest 50 matches. */
    async search(userId: string, folder: string, query: string): Promise<MessagePage> {
      const text = query.trim();
      if (text === "") return { messages: [], nextCursor: null, total: 0 };
      return pool.withMailbox(userId, folder, async (client) => {
        const found = (await client.search({ or: [{ from: text }, { subject: text }, { body: text }] }, { uid: true })) || [];
        const page = found.sort((a, b) => a - b).slice(-LIST_LIMIT_MAX);
        const messages = page.length > 0 ? await summaries(client, page, true, remembering(userId, folder, client)) : [];
        return { messages, nextCursor: null, total: found.length };
      });
    },

    /** Unread messages in the Inbox (STATUS). */
    async unreadCount(userId: string): Promise<number> {
      return pool.withClient(userId, async (client) => {
        const status = await client.status("INBOX", { unseen: true });
        return status ? (status.unseen ?? 0) : 0;
      });
    },

    /** Flags messages \Answered (after a reply was sent). */
    async markAnswered(userId: string, folder: string, uids: number[]): Promise<void> {
      await pool.withMailbox(userId, folder, (client) => client.messageFlagsAdd(uids, ["\\Answered"], { uid: true }));
    },

    /** Appends a message (e.g. the sent copy) to the folder of a role, flagged as given. */
    async appendTo(userId: string, role: Exclude<FolderRole, "inbox">, raw: Buffer, flags: string[] = ["\\Seen"]): Promise<{ path: string; uid: number | null }> {
      return pool.withClient(userId, async (client) => {
        const path = await folderFor(client, role);
        const appended = await client.append(path, raw, flags);
        return { path, uid: appended ? (appended.uid ?? null) : null };
      });
    },

    /** The raw source of one message (for quoting it in a reply). */
    async source(userId: string, folder: string, uid: number): Promise<Buffer> {
      const fetched = await pool.withMailbox(userId, folder, (client) => client.fetchOne(String(uid), { uid: true, source: true }, { uid: true }));
      if (!fetched || !fetched.source) throw new InboxError("not_found", `No message ${uid} in this folder`);
      return fetched.source;
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
