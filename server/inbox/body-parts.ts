// Reading a message the way webmail clients do: from its BODYSTRUCTURE, decide which parts the reading pane shows
// (the HTML parts, else the text/plain ones), fetch only those with the header and flags in one FETCH (BINARY: the
// server removes the transfer encoding), decode them in pieces (decisions 020, 021), and list every other part
// (attachments, inline images) without fetching it. The choice of body and attachment parts follows mailparser's
// rules exactly, so a message read by parts renders as if its whole source had been parsed; a structure
// those rules treat specially (an attached message, a delivery status, format=flowed text, text beside HTML outside
// multipart/alternative, a charset the WHATWG decoder does not know) is left to the whole-source path (`null`).
import { StringDecoder } from "node:string_decoder";
import type { FetchMessageObject, ImapFlow, MessageStructureObject } from "imapflow";
import type { PartMeta } from "./render";

export interface BodyPlan {
  /** The text/html body parts in order. */
  html: MessageStructureObject[];
  /** The text/plain body parts in order. */
  text: MessageStructureObject[];
  /** Every other leaf part: what mailparser lists as attachments. */
  attachments: PartMeta[];
}

/** Transfer encodings the server removes for FETCH BINARY (and the identity ones). */
const KNOWN_ENCODINGS = new Set(["7bit", "8bit", "binary", "base64", "quoted-printable"]);
/** Types mailparser parses on its own terms (nested messages, delivery reports): read from the whole source. */
const SPECIAL_TYPES = /^message\//;

/** The IMAP part number of a leaf (a single-part message's body is part 1). */
export const partNumber = (node: MessageStructureObject) => node.part ?? "1";

/**
 * The decoded size of a part that is not fetched. BODYSTRUCTURE gives the encoded size: base64 is counted without
 * its line breaks (76 characters a line) and padding is not known, so the figure may be up to 2 bytes high.
 */
export function decodedSize(node: MessageStructureObject): number {
  const size = node.size ?? 0;
  if (node.encoding?.toLowerCase() !== "base64") return size;
  const characters = size - 2 * Math.floor(size / 78);
  return Math.max(0, Math.floor((characters * 3) / 4));
}

function partMeta(node: MessageStructureObject, contentType: string): PartMeta {
  return {
    part: partNumber(node),
    contentType,
    filename: node.dispositionParameters?.filename ?? node.parameters?.name ?? null,
    size: decodedSize(node),
    disposition: node.disposition?.toLowerCase() ?? null,
    contentId: node.id ?? null,
  };
}

/** Which parts to fetch and which to list, or null when the message is better read from its whole source. */
export function planBody(root: MessageStructureObject | undefined): BodyPlan | null {
  if (!root) return null;
  const plan: BodyPlan = { html: [], text: [], attachments: [] };
  let textOutsideAlternative = false;
  const walk = (node: MessageStructureObject, alternative: boolean): boolean => {
    const type = (node.type || "text/plain").toLowerCase();
    if (type.startsWith("multipart/")) {
      const inAlternative = alternative || type === "multipart/alternative";
      return (node.childNodes ?? []).every((child) => walk(child, inAlternative));
    }
    if (SPECIAL_TYPES.test(type) || node.childNodes?.length) return false;
    // mailparser: a disposition other than inline/attachment means attachment; no disposition means inline for text.
    const given = node.disposition?.toLowerCase();
    const disposition = given === undefined || given === "" ? null : given === "inline" ? "inline" : "attachment";
    const isBody = (type === "text/plain" || type === "text/html") && disposition !== "attachment";
    if (!isBody) {
      plan.attachments.push(partMeta(node, type));
      return true;
    }
    if (!KNOWN_ENCODINGS.has((node.encoding ?? "7bit").toLowerCase())) return false;
    if (type === "text/html") {
      plan.html.push(node);
      return true;
    }
    if (node.parameters?.format?.toLowerCase() === "flowed") return false;
    plan.text.push(node);
    if (!alternative) textOutsideAlternative = true;
    return true;
  };
  if (!walk(root, false)) return null;
  // mailparser turns such text into HTML and joins it with the HTML parts: left to it.
  if (plan.html.length > 0 && textOutsideAlternative) return null;
  return plan;
}

/** The charset labels read as UTF-8 (ASCII is a subset; no label means UTF-8 here, as mailparser reads it). */
const isUtf8 = (label: string) => ["ascii", "usascii", "utf8", ""].includes(label.replace(/[^a-z0-9]+/g, ""));

/** A decoder for a charset: UTF-8 by Node's string decoder (as Buffer#toString), others by the WHATWG TextDecoder. */
function decoderFor(charset: string | undefined): { write(bytes: Buffer): string; end(): string } | null {
  const label = (charset ?? "utf-8").trim().toLowerCase();
  if (isUtf8(label)) {
    const utf8 = new StringDecoder("utf8");
    return { write: (bytes) => utf8.write(bytes), end: () => utf8.end() };
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    return null;
  }
  return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
}

/** Text in a charset, as UTF-16 with LF line ends; null for a charset the WHATWG decoder does not know. */
export function decodeText(content: Buffer, charset: string | undefined): string | null {
  const chunks = decodeChunks(content, charset, content.length + 1);
  return chunks === null ? null : chunks.join("");
}

/**
 * Bytes of this size are decoded at a time: the pieces stay below V8's large-object size (128 kB), which on this
 * kind of machine costs about a millisecond per 200 kB string to map and fault in, twice per opening otherwise.
 */
export const DECODE_CHUNK_BYTES = 32 * 1024;

/**
 * `decodeText` in pieces of at most `chunkBytes` bytes each (the HTML of a large newsletter is handed to the
 * sanitiser piece by piece, never as one large string). A CRLF split between two pieces still becomes one LF.
 */
export function decodeChunks(content: Buffer, charset: string | undefined, chunkBytes = DECODE_CHUNK_BYTES): string[] | null {
  const decoder = decoderFor(charset);
  if (!decoder) return null;
  const out: string[] = [];
  let carry = "";
  const push = (decoded: string, last: boolean) => {
    let piece = carry + decoded;
    carry = "";
    if (!last && piece.endsWith("\r")) {
      carry = "\r";
      piece = piece.slice(0, -1);
    }
    if (piece.includes("\r")) piece = piece.replace(/\r\n/g, "\n");
    if (piece !== "") out.push(piece);
  };
  for (let start = 0; start < content.length; start += chunkBytes) push(decoder.write(content.subarray(start, start + chunkBytes)), false);
  push(decoder.end(), true);
  return out;
}

/** What one FETCH brought for the reading pane: the flags and size, the header, and the shown parts' bytes. */
export interface ShownParts {
  fetched: FetchMessageObject;
  header: Buffer;
  /** The bytes of each requested part, transfer encoding removed by the server (BINARY), in the order asked. */
  parts: Buffer[];
}

/**
 * The flags, size, header and the given body parts in one FETCH: `BODY.PEEK[HEADER]` and `BINARY.PEEK[part]` (RFC 3516:
 * the server removes the transfer encoding, a quarter fewer bytes for base64). Null when the server does not offer
 * BINARY, refuses the FETCH (a part it cannot decode, e.g. broken base64) or leaves something out: the caller reads the
 * whole source instead. Undefined when there is no such message.
 */
export async function fetchShownParts(client: ImapFlow, uid: number, nodes: MessageStructureObject[]): Promise<ShownParts | null | undefined> {
  if (!client.capabilities.has("BINARY")) return null;
  const wanted = nodes.map(partNumber);
  let fetched: FetchMessageObject | false;
  try {
    fetched = await client.fetchOne(String(uid), { uid: true, flags: true, size: true, headers: true, bodyParts: wanted }, { uid: true, binary: true });
  } catch (error) {
    if (!client.usable) throw error;
    return null;
  }
  if (!fetched) return undefined;
  const parts = wanted.map((part) => fetched.bodyParts?.get(part));
  if (!fetched.headers || parts.some((part) => part === undefined)) return null;
  return { fetched, header: fetched.headers, parts: parts as Buffer[] };
}
