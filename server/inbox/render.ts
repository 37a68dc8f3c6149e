// Turns a raw message (RFC 5322 source) into what the reading pane shows: headers, plain text, sanitised HTML and the
// attachments' metadata. HTML passes an allow-list (`sanitizePolicy`, run by sanitize.ts and proven equal to
// sanitize-html): no scripts, event handlers, forms, frames, plugins, <base>/<meta>, no javascript:/vbscript:/data:
// URLs (data: only for raster images), inline styles cut to a list of harmless properties. Remote images are removed
// and counted (with their hosts) unless the user asked to see them; `cid:` images point at the platform's attachment
// URL. The HTML is shown in a sandboxed iframe built by `buildSrcdoc`, whose own CSP blocks whatever might still slip
// through.
import { MailParser, simpleParser, type AddressObject, type Attachment, type ParsedMail } from "mailparser";
import { sanitizeWithPolicy, type SanitizePolicy } from "./sanitize";

export interface MailAddress {
  name: string;
  address: string;
}

export interface AttachmentInfo {
  /** The IMAP body part number (e.g. "2", "1.2"): what `/mail/attachment/:folder/:uid/:part` takes. */
  part: string;
  filename: string;
  contentType: string;
  /** Decoded size in bytes. */
  size: number;
  /** Shown inside the HTML body (Content-Disposition inline or referenced by cid:). */
  inline: boolean;
  cid: string | null;
}

export interface RemoteContent {
  /** Remote images, backgrounds and srcset candidates found in the HTML (blocked unless allowed). */
  count: number;
  /** Their hosts, sorted, without duplicates. */
  hosts: string[];
  /** Whether they are in `html` (the user asked for remote images and they are https). */
  allowed: boolean;
}

export interface RenderedMessage {
  subject: string;
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  date: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** List-Id, when the message came from a mailing list. */
  listId: string | null;
  /** Plain text: the text part, or (text "always") derived from the HTML; empty for HTML with text "without-html". */
  text: string;
  /** Sanitised HTML body, or null for a text-only message. */
  html: string | null;
  remote: RemoteContent;
  attachments: AttachmentInfo[];
}

export interface RenderOptions {
  /** The platform URL of one body part of this message, e.g. (part) => `/mail/attachment/INBOX/42/${part}`. */
  attachmentUrl: (part: string) => string;
  /** true only after the user clicked "show images" for this message: https images stay in the HTML. */
  allowRemoteImages?: boolean;
  /**
   * "always" (the default): an HTML-only message gets a text derived from its HTML. "without-html": the text is
   * empty when there is HTML (the reading pane shows the HTML; a reply quotes the original's own text part).
   */
  text?: "always" | "without-html";
}

/** A leaf body part as the message's structure (IMAP BODYSTRUCTURE, or mailparser) describes it. */
export interface PartMeta {
  /** The IMAP body part number. */
  part: string;
  contentType: string;
  /** The decoded file name (Content-Disposition filename, else Content-Type name), if any. */
  filename: string | null;
  /** Decoded size in bytes (estimated from the encoded size when the part was not fetched). */
  size: number;
  /** Content-Disposition as sent (inline, attachment) or null. */
  disposition: string | null;
  contentId: string | null;
}

/** A message read part by part (IMAP BODYSTRUCTURE + the parts shown), not as a whole source. */
export interface MessageParts {
  /** The message header (IMAP BODY[HEADER]) as `parseHeader` reads it (it may still be reading: awaited first). */
  headers: MessageHeaders | Promise<MessageHeaders>;
  /**
   * The decoded HTML body parts in order (none for a text-only message), each in pieces below V8's large-object size
   * (`decodeChunks`): a large newsletter never becomes one large string before it is sanitised.
   */
  html: string[][];
  /** The decoded text/plain body parts in order; only read when there is no HTML. */
  text: string[];
  /** Every part that is not a body text: attachments and inline images. */
  attachments: PartMeta[];
}

/** Tags kept (their attributes are filtered separately). Everything else is dropped, its text kept. */
const ALLOWED_TAGS = [
  "a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br", "caption", "center",
  "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font",
  "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "ins", "kbd", "li", "main", "mark", "nav", "ol",
  "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strike", "strong", "sub", "summary", "sup",
  "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
];

/** Dropped with everything inside them (text and tags). */
const DROPPED_WITH_CONTENT = [
  "script", "style", "textarea", "option", "xmp", "noscript", "title", "iframe", "frame", "frameset", "noframes", "object",
  "embed", "applet", "svg", "math", "template", "select", "audio", "video", "canvas", "noembed", "plaintext",
];

const TABLE_ATTRS = ["align", "valign", "width", "height", "bgcolor", "border", "cellpadding", "cellspacing", "colspan", "rowspan", "nowrap", "background"];
const COMMON_ATTRS = ["style", "class", "dir", "lang", "title", "align", "id"];

/** CSS properties an email may keep in a style attribute; everything else (position, behavior, …) is dropped. */
const STYLE_PROPERTIES = [
  "color", "background-color", "background", "background-image", "background-repeat", "background-position", "background-size",
  "font", "font-family", "font-size", "font-style", "font-weight", "font-variant", "text-align", "text-decoration",
  "text-transform", "text-indent", "line-height", "letter-spacing", "word-spacing", "white-space", "word-break",
  "word-wrap", "overflow-wrap", "vertical-align", "direction", "margin", "margin-top", "margin-right", "margin-bottom",
  "margin-left", "padding", "padding-top", "padding-right", "padding-bottom", "padding-left", "border", "border-top",
  "border-right", "border-bottom", "border-left", "border-color", "border-style", "border-width", "border-radius",
  "border-collapse", "border-spacing", "width", "min-width", "max-width", "height", "min-height", "max-height",
  "list-style", "list-style-type", "table-layout", "caption-side", "empty-cells", "opacity", "display", "float", "clear",
  "visibility", "overflow",
];

/**
 * What one style value may hold: plain characters only (no backslash escapes, braces, @, <, >) and none of the
 * functions that run code or pull content; url() is checked on its own in `filterStyle`.
 */
const STYLE_VALUE = /^(?![\s\S]*(?:(?:expression|behavior|binding|javascript|vbscript|image-set|element|var|env|attr)\s*[(:]))[-#\w\s.,%()'"!/+:?&=~]*$/i;
const ANY_URL = /url\s*\(/i;

const RASTER_DATA_IMAGE = /^data:image\/(?:png|gif|jpe?g|webp|bmp);base64,[a-z0-9+/=\s]+$/i;
const LINK_SCHEMES = /^(?:https?:\/\/|mailto:|tel:)/i;

function hostOf(url: string): string | null {
  try {
    return new URL(url.startsWith("//") ? `https:${url}` : url).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

/** A URL that would make the reader's browser contact another server (http(s) or protocol-relative). */
function isRemote(url: string): boolean {
  return /^\s*(?:https?:)?\/\//i.test(url);
}

function addresses(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const out: MailAddress[] = [];
  const walk = (entries: AddressObject["value"]) => {
    for (const entry of entries) {
      if (entry.group) walk(entry.group);
      else if (entry.address) out.push({ name: entry.name ?? "", address: entry.address });
    }
  };
  for (const item of list) walk(item.value);
  return out;
}

function oneHeader(parsed: ParsedMail, name: string): string | null {
  const value = parsed.headers.get(name);
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "object" && "text" in value && typeof value.text === "string") return value.text;
  return String(value);
}

function listId(parsed: ParsedMail): string | null {
  const list = parsed.headers.get("list") as { id?: { id?: string; name?: string } } | undefined;
  if (list?.id?.id) return list.id.id;
  const raw = parsed.headerLines.find((line) => line.key === "list-id")?.line;
  const match = raw ? /<([^>]+)>/.exec(raw) : null;
  return match?.[1] ?? null;
}

function normaliseCid(value: string): string {
  return value.trim().replace(/^cid:/i, "").replace(/^<|>$/g, "").toLowerCase();
}

/** Extensions for parts that came without a file name (e.g. the text/calendar part of an invitation). */
const EXTENSIONS: Record<string, string> = { "text/calendar": ".ics", "message/rfc822": ".eml", "text/plain": ".txt", "text/html": ".html" };

function partOfAttachment(attachment: Attachment): PartMeta {
  return {
    part: attachment.partId ?? "1",
    contentType: attachment.contentType,
    filename: attachment.filename ?? null,
    size: attachment.size,
    disposition: attachment.contentDisposition ?? null,
    contentId: attachment.contentId ?? null,
  };
}

function attachmentInfo(attachment: PartMeta, cidsShown: Set<string>): AttachmentInfo {
  const part = attachment.part;
  const cid = attachment.contentId ? normaliseCid(attachment.contentId) : null;
  return {
    part,
    filename: attachment.filename?.trim() || `attachment-${part}${EXTENSIONS[attachment.contentType?.toLowerCase() ?? ""] ?? ""}`,
    contentType: attachment.contentType || "application/octet-stream",
    size: attachment.size,
    inline: attachment.disposition === "inline" || (cid !== null && cidsShown.has(cid)),
    cid,
  };
}

/** What the policy needs to know about one message, and what it found (remote content, cid: images) while sanitising. */
export interface SanitizeContext {
  cidToPart: Map<string, string>;
  attachmentUrl: (part: string) => string;
  allowRemote: boolean;
  remoteHosts: Set<string>;
  remoteCount: number;
  /** The Content-IDs of parts an image kept in the HTML shows (such parts are inline, not in the attachment list). */
  cidsShown: Set<string>;
}

/** Records a remote resource; true when it may stay (remote images allowed and https). */
function remoteMayStay(ctx: SanitizeContext, url: string): boolean {
  ctx.remoteCount++;
  const host = hostOf(url);
  if (host) ctx.remoteHosts.add(host);
  return ctx.allowRemote && /^\s*https:\/\//i.test(url);
}

/** The URL an image may keep (`kept`: the image stays in the HTML, so a cid: part it shows is inline), or null. */
function imageSource(ctx: SanitizeContext, src: string, kept = true): string | null {
  const value = src.trim();
  if (/^cid:/i.test(value)) {
    const cid = normaliseCid(value);
    const part = ctx.cidToPart.get(cid);
    if (!part) return null;
    if (kept) ctx.cidsShown.add(cid);
    return ctx.attachmentUrl(part);
  }
  if (RASTER_DATA_IMAGE.test(value)) return value;
  if (isRemote(value)) return remoteMayStay(ctx, value) ? value : null;
  return null;
}

/**
 * A srcset descriptor written the way sanitize-html writes it back (`100w`, `1.5x`); null for anything else (a height,
 * several descriptors, zero): such a candidate is dropped, as the WHATWG srcset parser drops it.
 */
function srcsetDescriptor(descriptor: string[]): string | null {
  if (descriptor.length === 0) return "";
  const match = descriptor.length === 1 ? /^(?:(\d+)w|(\d+(?:\.\d+)?)x)$/.exec(descriptor[0]!) : null;
  if (!match) return null;
  const value = match[1] !== undefined ? Number.parseInt(match[1], 10) : Number.parseFloat(match[2]!);
  return value > 0 ? ` ${value}${match[1] !== undefined ? "w" : "x"}` : null;
}

function filterSrcset(ctx: SanitizeContext, srcset: string, shown = true): string | null {
  const kept: string[] = [];
  for (const candidate of srcset.split(",")) {
    const [url, ...descriptor] = candidate.trim().split(/\s+/);
    if (!url) continue;
    const written = srcsetDescriptor(descriptor);
    const source = imageSource(ctx, url, shown && written !== null);
    if (source && written !== null && /^(?:https:\/\/|\/[^/\\])/i.test(source)) kept.push(source + written);
  }
  return kept.length > 0 ? kept.join(", ") : null;
}

const STYLE_PROPERTY_SET = new Set(STYLE_PROPERTIES);

/**
 * Filters a style attribute to the allowed properties and values (cheaper and stricter than a CSS parser: a value
 * with backslash escapes or comments drops the whole attribute). url() is counted as remote content; it stays only
 * when the mode allows remote images and it is an https URL.
 */
function filterStyle(ctx: SanitizeContext, style: string): string | null {
  if (/[\\{}<>@]|\/\*/.test(style)) return null;
  const kept: string[] = [];
  for (const declaration of style.split(";")) {
    const colon = declaration.indexOf(":");
    if (colon < 0) continue;
    const property = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration.slice(colon + 1).trim();
    if (!STYLE_PROPERTY_SET.has(property) || value === "" || !STYLE_VALUE.test(value)) continue;
    if (ANY_URL.test(value)) {
      const urls = [...value.matchAll(/url\s*\(\s*(['"]?)(.*?)\1\s*\)/gi)].map((m) => m[2] ?? "");
      let keep = urls.length > 0;
      for (const url of urls) {
        if (!isRemote(url) || !remoteMayStay(ctx, url)) keep = false;
      }
      if (!keep) continue;
    }
    kept.push(`${property}:${value}`);
  }
  return kept.length > 0 ? kept.join(";") : null;
}

/**
 * The name an <img> left without a source is renamed to: not an allowed tag, so it is dropped (an image without a
 * source would only show a broken-image frame).
 */
export const DROPPED_IMAGE = "dropped-img";

/** The allow-list policy for one message's HTML (sanitize-html's option format; run by `sanitizeWithPolicy`). */
export function sanitizePolicy(ctx: SanitizeContext): SanitizePolicy {
  // Newsletters repeat a handful of style attributes hundreds of times: each is filtered once. A style with url() is
  // filtered every time, as each appearance counts as remote content.
  const styles = new Map<string, string | null>();
  const cleanStyle = (style: string): string | null => {
    const known = styles.get(style);
    if (known !== undefined) return known;
    const kept = filterStyle(ctx, style);
    if (!ANY_URL.test(style)) styles.set(style, kept);
    return kept;
  };
  /** Styles and the background attribute of any tag. */
  const filterCommon = (attribs: Record<string, string>): Record<string, string> => {
    const next = { ...attribs };
    if (next.style !== undefined) {
      const style = cleanStyle(next.style);
      if (style) next.style = style;
      else delete next.style;
    }
    if (next.background !== undefined) {
      const kept = isRemote(next.background) ? remoteMayStay(ctx, next.background) : false;
      if (!kept) delete next.background;
    }
    return next;
  };
  const anchor = (attribs: Record<string, string>) => {
    const href = (attribs.href ?? "").trim();
    if (LINK_SCHEMES.test(href)) {
      attribs.href = href;
      attribs.target = "_blank";
      attribs.rel = "noopener noreferrer";
    } else {
      delete attribs.href;
      delete attribs.target;
      delete attribs.rel;
    }
    return { tagName: "a", attribs };
  };
  const image = (attribs: Record<string, string>) => {
    const src = attribs.src ? imageSource(ctx, attribs.src) : null;
    if (src) attribs.src = src;
    else delete attribs.src;
    const srcset = attribs.srcset ? filterSrcset(ctx, attribs.srcset) : null;
    if (srcset) attribs.srcset = srcset;
    else delete attribs.srcset;
    return { tagName: src || srcset ? "img" : DROPPED_IMAGE, attribs };
  };
  return {
    allowedTags: ALLOWED_TAGS,
    disallowedTagsMode: "discard",
    nonTextTags: DROPPED_WITH_CONTENT,
    allowedAttributes: {
      "*": COMMON_ATTRS,
      a: ["href", "name", "target", "rel"],
      img: ["src", "srcset", "alt", "width", "height", "border", "hspace", "vspace"],
      font: ["color", "face", "size"],
      table: TABLE_ATTRS,
      tr: TABLE_ATTRS,
      td: TABLE_ATTRS,
      th: [...TABLE_ATTRS, "scope"],
      tbody: TABLE_ATTRS,
      thead: TABLE_ATTRS,
      tfoot: TABLE_ATTRS,
      col: ["span", "width", "align", "valign"],
      colgroup: ["span", "width", "align", "valign"],
      ol: ["start", "type", "reversed"],
      ul: ["type"],
      li: ["value", "type"],
      details: ["open"],
      time: ["datetime"],
      hr: ["size", "width", "noshade", "color"],
      blockquote: ["cite", "type"],
    },
    allowedSchemes: ["http", "https", "mailto", "tel"],
    allowedSchemesByTag: { img: ["https", "http", "data"] },
    allowedSchemesAppliedToAttributes: ["href", "src", "cite", "background"],
    allowProtocolRelative: false,
    // Styles are filtered in transformTags (filterStyle), not by a CSS parser (sanitize-html's postcss pass was 10× slower).
    parseStyleAttributes: false,
    transformTags: {
      "*": (tag, attribs) => {
        // <source srcset> inside <picture>: counted (the tag itself is dropped).
        if (tag === "source") {
          if (attribs.srcset) filterSrcset(ctx, attribs.srcset, false);
          if (attribs.src) imageSource(ctx, attribs.src, false);
          return { tagName: tag, attribs: {} };
        }
        const next = filterCommon(attribs);
        if (tag === "a") return anchor(next);
        if (tag === "img") return image(next);
        return { tagName: tag, attribs: next };
      },
    },
  };
}

/** Sanitises one HTML body; the remote resources it found are added to `ctx`. */
function sanitizeBody(html: string[], ctx: SanitizeContext): string {
  return sanitizeWithPolicy(html, sanitizePolicy(ctx), { trim: true });
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Readable plain text of sanitised HTML: blocks and line breaks become new lines, tags go, entities are decoded. */
export function textOfHtml(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(?:p|div|h[1-6]|li|tr|table|blockquote|pre|section|article|header|footer|dt|dd)>/gi, "\n")
    .replace(/<(?:td|th)\b[^>]*>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/[ \t]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** What both ways of reading a message found: the header, the raw HTML (or null), the text part and the other parts. */
interface MessageBody {
  headers: ParsedMail | Promise<ParsedMail>;
  /** The HTML in pieces (the parts joined as mailparser joins them), or null. */
  rawHtml: string[] | null;
  text: string | undefined;
  attachments: PartMeta[];
}

async function assemble({ headers: header, rawHtml, text, attachments }: MessageBody, options: RenderOptions): Promise<RenderedMessage> {
  const cidToPart = new Map<string, string>();
  for (const attachment of attachments) {
    if (attachment.contentId) cidToPart.set(normaliseCid(attachment.contentId), attachment.part);
  }
  const ctx: SanitizeContext = {
    cidToPart,
    attachmentUrl: options.attachmentUrl,
    allowRemote: options.allowRemoteImages === true,
    remoteHosts: new Set(),
    remoteCount: 0,
    cidsShown: new Set(),
  };
  const headers = await header;
  const html = rawHtml === null ? null : sanitizeBody(rawHtml, ctx);
  const references = headers.references === undefined ? [] : Array.isArray(headers.references) ? headers.references : [headers.references];
  const deriveText = options.text !== "without-html";
  return {
    subject: headers.subject ?? "",
    from: addresses(headers.from),
    to: addresses(headers.to),
    cc: addresses(headers.cc),
    replyTo: addresses(headers.replyTo),
    date: headers.date && !Number.isNaN(headers.date.getTime()) ? headers.date.toISOString() : null,
    messageId: headers.messageId ?? null,
    inReplyTo: headers.inReplyTo ?? oneHeader(headers, "in-reply-to"),
    references,
    listId: listId(headers),
    // The message's own text part when it has one; a text derived from the HTML only when asked for.
    text: text?.trim() ? text : html === null || !deriveText ? "" : textOfHtml(html),
    html,
    remote: { count: ctx.remoteCount, hosts: [...ctx.remoteHosts].sort(), allowed: ctx.allowRemote },
    attachments: attachments.map((attachment) => attachmentInfo(attachment, ctx.cidsShown)),
  };
}

/** Parses and renders one message. Never runs anything from the message; throws only on unreadable input. */
export async function renderMessage(source: Buffer | string, options: RenderOptions): Promise<RenderedMessage> {
  // skipHtmlToText: mailparser's HTML-to-text pass costs more than sanitising; the text of an HTML-only message is
  // derived from the sanitised HTML instead.
  const parsed = await simpleParser(source, { keepCidLinks: true, skipTextToHtml: true, skipImageLinks: true, skipHtmlToText: true });
  return assemble(
    { headers: parsed, rawHtml: typeof parsed.html === "string" ? [parsed.html] : null, text: parsed.text, attachments: parsed.attachments.map(partOfAttachment) },
    options,
  );
}

/** A message header parsed as `renderMessage` parses it (mailparser, on the header alone). */
export type MessageHeaders = ParsedMail;

/** The fields `simpleParser` copies from the header map onto its result (mailparser 3: its 'end' handler). */
const HEADER_FIELDS = ["subject", "references", "date", "to", "from", "cc", "bcc", "message-id", "in-reply-to", "reply-to"] as const;

/**
 * The header as `simpleParser` reads it, resolved on mailparser's own 'headers' event: the same parsing (mailsplit and
 * mailparser's header processing) and the same fields, without waiting for the stream to end (a third of the time).
 */
export function parseHeader(header: Buffer): Promise<MessageHeaders> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ skipTextToHtml: true, skipImageLinks: true, skipHtmlToText: true });
    parser.on("error", reject);
    parser.on("headers", (headers) => {
      const mail = { headers, headerLines: parser.headerLines, attachments: [] } as unknown as Record<string, unknown>;
      for (const key of HEADER_FIELDS) {
        if (headers.has(key)) mail[key.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())] = headers.get(key);
      }
      resolve(mail as unknown as MessageHeaders);
    });
    // A header mailparser ends without announcing (it always announces one, even an empty one) fails, never hangs.
    parser.on("end", () => reject(new Error("The message header could not be read")));
    parser.resume();
    parser.end(header);
  });
}

/**
 * Renders a message read part by part: the same header parsing, sanitising and attachment list as `renderMessage`.
 * HTML parts are joined the way mailparser joins them.
 */
export function renderParts(message: MessageParts, options: RenderOptions): Promise<RenderedMessage> {
  const { headers } = message;
  const rawHtml = message.html.length > 0 ? message.html.flatMap((part, i) => (i === 0 ? part : ["<br/>\n", ...part])) : null;
  const text = message.text.length > 0 ? message.text.join("\n") : undefined;
  return assemble({ headers, rawHtml, text, attachments: message.attachments }, options);
}

export interface SrcdocOptions {
  /** The platform's own origin (e.g. https://platform.example.com): where cid: images are served from. */
  selfOrigin: string;
  /** The user asked for remote images: https images may load. */
  allowRemoteImages?: boolean;
  /** The language of the document (ru by default). */
  lang?: string;
}

/** The Content-Security-Policy of the message document: nothing but images from the platform (and https when asked). */
export function srcdocCsp({ selfOrigin, allowRemoteImages = false }: Pick<SrcdocOptions, "selfOrigin" | "allowRemoteImages">): string {
  const origin = new URL(selfOrigin).origin;
  const images = [origin, "data:", ...(allowRemoteImages ? ["https:"] : [])].join(" ");
  return `default-src 'none'; img-src ${images}; style-src 'unsafe-inline'; font-src 'none'; form-action 'none'; base-uri 'none'`;
}

const escapeAttribute = (value: string) => value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/**
 * A complete HTML document for `<iframe sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc=…>` around a body
 * that `renderMessage` sanitised: its own strict CSP, no referrer, links into a new tab, no scripts.
 */
export function buildSrcdoc(sanitizedHtml: string, options: SrcdocOptions): string {
  const lang = /^[a-z]{2}(?:-[A-Za-z]{2})?$/.test(options.lang ?? "") ? options.lang! : "ru";
  return (
    `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(srcdocCsp(options))}">` +
    `<meta name="referrer" content="no-referrer">` +
    `<base target="_blank">` +
    `<style>html,body{margin:0;padding:0}body{padding:12px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;` +
    `font-size:14px;line-height:1.5;color:#111827;background:#fff;overflow-wrap:anywhere}img{max-width:100%;height:auto}` +
    `table{max-width:100%}pre{white-space:pre-wrap}a{color:#be185d}</style>` +
    `</head><body>${sanitizedHtml}</body></html>`
  );
}
