// The HTML sanitiser the reading pane runs: htmlparser2 (the parser sanitize-html is built on) driven by an allow-list
// policy written in sanitize-html's own option format, serialised into one array and joined once. It runs exactly the
// subset of sanitize-html's rules the policy in render.ts uses (disallowed tags discarded, listed tags dropped with
// their content, per-tag attribute and URL-scheme allow-lists, one transform for every tag) and nothing else; the
// output is identical to sanitize-html's for the same policy, which `sanitize.test.ts` checks over the mail corpus, the
// hostile set and thousands of generated documents with sanitize-html itself as the reference (decision 021).
// What it saves: sanitize-html's general machinery (frames, option maps, a string built by `+=` that costs a full
// flattening pass) made a 200 kB newsletter cost more to sanitise than to fetch over IMAP.
import { Parser } from "htmlparser2";

/** What one transform returns: the tag to write (a name that is not allowed drops the tag) and its attributes. */
export interface TransformedTag {
  tagName: string;
  attribs: Record<string, string>;
}

/**
 * An allow-list policy in the shape of sanitize-html's options, so that the same object can be handed to sanitize-html
 * (the reference the tests compare against).
 */
export interface SanitizePolicy {
  allowedTags: string[];
  disallowedTagsMode: "discard";
  /** Disallowed tags whose content (text and tags) is dropped too. */
  nonTextTags: string[];
  /** Attributes allowed per tag; "*" for every allowed tag. */
  allowedAttributes: Record<string, string[]>;
  allowedSchemes: string[];
  allowedSchemesByTag: Record<string, string[]>;
  allowedSchemesAppliedToAttributes: string[];
  allowProtocolRelative: boolean;
  parseStyleAttributes: false;
  /** One transform for every tag (sanitize-html's `transformTags["*"]`), applied before the allow-lists. */
  transformTags: { "*": (tagName: string, attribs: Record<string, string>) => TransformedTag };
}

/** sanitize-html's default self-closing tags: written `<br />` and never closed. */
const SELF_CLOSING = new Set(["img", "br", "hr", "area", "base", "basefont", "input", "link", "meta"]);
/** The only attribute sanitize-html writes as `=""` when empty (its `allowedEmptyAttributes` default). */
const EMPTY_VALUE_KEPT = "alt";

/**
 * The attributes sanitize-html drops when their value is empty (its `nonBooleanAttributes` default, the part of it a
 * mail policy can allow); any other allowed attribute with an empty value is written bare, as a boolean.
 */
export const NON_BOOLEAN = new Set([
  "abbr", "alt", "charset", "cite", "class", "color", "cols", "colspan", "content", "coords", "data", "datetime", "dir",
  "headers", "height", "hidden", "href", "hreflang", "id", "label", "lang", "name", "rel", "rows", "rowspan", "scope",
  "shape", "size", "sizes", "span", "src", "srcset", "start", "style", "target", "title", "type", "value", "width",
]);

const ESCAPED: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const TEXT_SPECIALS = /[&<>]/g;
const ATTRIBUTE_SPECIALS = /[&<>"]/g;
const escapeText = (text: string) => (/[&<>]/.test(text) ? text.replace(TEXT_SPECIALS, (c) => ESCAPED[c]!) : text);
const escapeAttribute = (value: string) => (/[&<>"]/.test(value) ? value.replace(ATTRIBUTE_SPECIALS, (c) => ESCAPED[c]!) : value);

/**
 * launder's `naughtyHref`, as sanitize-html applies it: control characters, spaces and HTML comments are removed the
 * way browsers ignore them, then the scheme must be allowed; a protocol-relative URL only when allowed.
 */
function naughtyUrl(url: string, schemes: string[], allowProtocolRelative: boolean): boolean {
  // eslint-disable-next-line no-control-regex
  let href = url.replace(/[\x00-\x20]+/g, "");
  for (;;) {
    const start = href.indexOf("<!--");
    const end = start < 0 ? -1 : href.indexOf("-->", start + 4);
    if (end < 0) break;
    href = href.slice(0, start) + href.slice(end + 3);
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9.\-+]*):/.exec(href);
  if (!scheme) return /^[/\\]{2}/.test(href) ? !allowProtocolRelative : false;
  return !schemes.includes(scheme[1]!.toLowerCase());
}

/** Output pieces joined at a time (a few kB of HTML each). */
const BATCH_PIECES = 2048;

/** Trims the whitespace at the start of the first batches and at the end of the last ones, as `String#trim` would. */
function trimEnds(batches: string[]) {
  for (let i = 0; i < batches.length; i++) {
    batches[i] = batches[i]!.trimStart();
    if (batches[i] !== "") break;
  }
  for (let i = batches.length - 1; i >= 0; i--) {
    batches[i] = batches[i]!.trimEnd();
    if (batches[i] !== "") break;
  }
}

interface OpenTag {
  /** The name the parser opened (what its close event names). */
  tag: string;
  /** The name written, or null when the tag itself was dropped. */
  written: string | null;
}

/**
 * Sanitises `html` with `policy`; the output equals `sanitizeHtml(html, policy)` (for pieces: of the pieces joined),
 * trimmed when asked. The HTML may come in pieces, parsed one after the other as a stream.
 *
 * The result is the joined batches concatenated, which V8 keeps as a rope until something reads it whole: the JSON of
 * the answer (around the srcdoc document) copies it once anyway, so joining it here would be a second copy of a
 * large string (decision 021).
 */
export function sanitizeWithPolicy(html: string | readonly string[], policy: SanitizePolicy, { trim = false }: { trim?: boolean } = {}): string {
  const allowedTags = new Set(policy.allowedTags);
  const nonText = new Set(policy.nonTextTags);
  const globalAttributes = new Set(policy.allowedAttributes["*"] ?? []);
  const tagAttributes = new Map(Object.entries(policy.allowedAttributes).map(([tag, names]) => [tag, new Set(names)]));
  const urlAttributes = new Set(policy.allowedSchemesAppliedToAttributes);
  const transform = policy.transformTags["*"];
  const schemesOf = (tag: string) => (Object.hasOwn(policy.allowedSchemesByTag, tag) ? policy.allowedSchemesByTag[tag]! : policy.allowedSchemes);
  // The output is gathered a few thousand pieces at a time and each batch joined: neither the list of pieces nor a
  // joined batch reaches V8's large-object size (see DECODE_CHUNK_BYTES); only the final string does.
  let out: string[] = [];
  const batches: string[] = [];
  const flush = () => {
    batches.push(out.join(""));
    out = [];
  };
  const open: OpenTag[] = [];
  /** Inside a tag dropped with its content: how many tags deep. */
  let skipDepth = 0;

  const writeAttributes = (tag: string, attribs: Record<string, string>) => {
    const own = tagAttributes.get(tag);
    for (const name in attribs) {
      if (!globalAttributes.has(name) && !own?.has(name)) continue;
      const value = attribs[name]!;
      if (value === "" && name !== EMPTY_VALUE_KEPT && NON_BOOLEAN.has(name)) continue;
      if (urlAttributes.has(name) && naughtyUrl(value, schemesOf(tag), policy.allowProtocolRelative)) continue;
      if (value !== "") out.push(" ", name, '="', escapeAttribute(value), '"');
      else out.push(" ", name, name === EMPTY_VALUE_KEPT ? '=""' : "");
    }
  };

  const parser = new Parser(
    {
      onopentag(tag, attribs) {
        if (skipDepth > 0) {
          skipDepth++;
          return;
        }
        const next = transform(tag, attribs);
        const name = next.tagName;
        if (!allowedTags.has(name)) {
          open.push({ tag, written: null });
          if (nonText.has(name)) skipDepth = 1;
          return;
        }
        open.push({ tag, written: name });
        out.push("<", name);
        writeAttributes(name, next.attribs);
        out.push(SELF_CLOSING.has(name) ? " />" : ">");
        if (out.length >= BATCH_PIECES) flush();
      },
      ontext(text) {
        if (skipDepth > 0) return;
        out.push(escapeText(text));
        if (out.length >= BATCH_PIECES) flush();
      },
      onclosetag(tag) {
        if (skipDepth > 0 && --skipDepth > 0) return;
        const last = open.at(-1);
        // A close that does not match the innermost open tag is bad markup: ignored (as sanitize-html does).
        if (!last || last.tag !== tag) return;
        open.pop();
        if (last.written !== null && !SELF_CLOSING.has(last.written)) out.push("</", last.written, ">");
      },
    },
    { decodeEntities: true },
  );
  for (const piece of typeof html === "string" ? [html] : html) parser.write(piece);
  parser.end();
  flush();
  if (trim) trimEnds(batches);
  return batches.reduce((all, batch) => all + batch, "");
}
