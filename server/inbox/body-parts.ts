// Reading a message the way webmail clients do: from its BODYSTRUCTURE, decide which parts the reading pane shows
// (the HTML parts, else the text/plain ones), fetch only those (the transfer encoding removed by imapflow), and list
// every other part (attachments, inline images) without fetching it. The choice of body and attachment parts follows
// mailparser's rules exactly, so a message read by parts renders as if its whole source had been parsed; a structure
// those rules treat specially (an attached message, a delivery status, format=flowed text, text beside HTML outside
// multipart/alternative, a charset the WHATWG decoder does not know) is left to the whole-source path (`null`).
import type { ImapFlow, MessageStructureObject } from "imapflow";
import type { PartMeta } from "./render";

export interface BodyPlan {
  /** The text/html body parts in order. */
  html: MessageStructureObject[];
  /** The text/plain body parts in order. */
  text: MessageStructureObject[];
  /** Every other leaf part: what mailparser lists as attachments. */
  attachments: PartMeta[];
}

/** Transfer encodings imapflow removes (and the identity ones). */
const KNOWN_ENCODINGS = new Set(["7bit", "8bit", "binary", "base64", "quoted-printable"]);
/** Types mailparser parses on its own terms (nested messages, delivery reports): read from the whole source. */
const SPECIAL_TYPES = /^message\//;

/** The IMAP part number of a leaf (a single-part message's body is part 1). */
const partNumber = (node: MessageStructureObject) => node.part ?? "1";

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

/** Text in a charset, as UTF-16 with LF line ends; null for a charset the WHATWG decoder does not know. */
export function decodeText(content: Buffer, charset: string | undefined): string | null {
  const label = (charset ?? "utf-8").trim().toLowerCase();
  let text: string;
  if (["ascii", "usascii", "utf8", ""].includes(label.replace(/[^a-z0-9]+/g, ""))) text = content.toString("utf8");
  else {
    try {
      text = new TextDecoder(label).decode(content);
    } catch {
      return null;
    }
  }
  return text.includes("\r") ? text.replace(/\r\n/g, "\n") : text;
}

/**
 * Fetches and decodes the body parts in one FETCH; null when the server refuses the FETCH, its answer does not match
 * the structure (a part missing, or its MIME header naming another transfer encoding than BODYSTRUCTURE) or a charset
 * is unknown.
 */
export async function fetchBodyParts(client: ImapFlow, uid: number, nodes: MessageStructureObject[]): Promise<string[] | null> {
  if (nodes.length === 0) return [];
  let parts: Awaited<ReturnType<ImapFlow["downloadMany"]>>;
  try {
    // BINARY (RFC 3516) where the server offers it: the server removes the transfer encoding, a quarter fewer bytes.
    parts = await client.downloadMany(String(uid), nodes.map(partNumber), { uid: true, binary: true });
  } catch (error) {
    // A part the server will not decode (e.g. broken base64 under BINARY) is read from the whole source instead.
    if (!client.usable) throw error;
    return null;
  }
  const out: string[] = [];
  for (const node of nodes) {
    const fetched = parts[partNumber(node)];
    if (!fetched) return null;
    const expected = (node.encoding ?? "7bit").toLowerCase();
    const decodedBy = fetched.meta.encoding?.toLowerCase() ?? "7bit";
    const encoded = (encoding: string) => encoding === "base64" || encoding === "quoted-printable";
    if ((encoded(expected) || encoded(decodedBy)) && expected !== decodedBy) return null;
    const text = decodeText(fetched.content ?? Buffer.alloc(0), node.parameters?.charset);
    if (text === null) return null;
    out.push(text);
  }
  return out;
}
