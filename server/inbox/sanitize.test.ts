// The reading pane's sanitiser against sanitize-html, the maintained library it replaced for speed (decision 021):
// with the same policy (render.ts's `sanitizePolicy`) both must write the same bytes and find the same remote content,
// over every HTML body of the mail corpus, the large newsletter, and generated documents built from the tags,
// attributes and URLs an attacker would try (fast-check, fixed seeds: the same documents on every run).
import { createRequire } from "node:module";
import fc from "fast-check";
import sanitizeHtml from "sanitize-html";
import { simpleParser } from "mailparser";
import { describe, expect, test } from "vitest";
import { largeNewsletter, loadCorpus } from "../../e2e/fixtures/mail/corpus";
import { DROPPED_IMAGE, sanitizePolicy, type SanitizeContext } from "./render";
import { NON_BOOLEAN, sanitizeWithPolicy } from "./sanitize";

const context = (allowRemote: boolean): SanitizeContext => ({
  cidToPart: new Map([["logo@partner.example", "2"]]),
  attachmentUrl: (part) => `/mail/attachment/INBOX/7/${part}`,
  allowRemote,
  remoteHosts: new Set(),
  remoteCount: 0,
  cidsShown: new Set(),
});

/**
 * The policy as sanitize-html is given it. One rule is said in sanitize-html's own terms: an image left without a
 * source is dropped with its `exclusiveFilter`, not by renaming it to a disallowed tag, because sanitize-html 2.17.5
 * mishandles a renamed tag it drops: the new name stays keyed to its depth and is written as the closing tag of the
 * next element at that depth (`<img src=x><a>y</a>` gave `<a>y</dropped-img>`), leaving that element open.
 */
function referencePolicy(ctx: SanitizeContext): sanitizeHtml.IOptions {
  const policy = sanitizePolicy(ctx);
  const transform = policy.transformTags["*"];
  return {
    ...policy,
    transformTags: {
      "*": (tag, attribs) => {
        const next = transform(tag, attribs);
        return next.tagName === DROPPED_IMAGE ? { tagName: "img", attribs: next.attribs } : next;
      },
    },
    exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src && !frame.attribs.srcset,
  };
}

/** Both sanitisers on one document, in both image modes: the same output and the same remote content found. */
function expectSame(html: string) {
  for (const allowRemote of [false, true]) {
    const reference = context(allowRemote);
    const ours = context(allowRemote);
    const expected = sanitizeHtml(html, referencePolicy(reference));
    expect(sanitizeWithPolicy(html, sanitizePolicy(ours)), html).toBe(expected);
    expect([ours.remoteCount, [...ours.remoteHosts], [...ours.cidsShown]]).toEqual([reference.remoteCount, [...reference.remoteHosts], [...reference.cidsShown]]);
    // Given in pieces (tags, attributes and entities cut in two, as 32 kB pieces of a long part cut them), trimmed.
    const pieces = html.match(/[\s\S]{1,5}/g) ?? [];
    expectSameInPieces(html, sanitizeWithPolicy(pieces, sanitizePolicy(context(allowRemote)), { trim: true }), expected.trim());
  }
}

/**
 * The output of the HTML given in pieces is the output of the whole, with one exception of htmlparser2's: a document
 * that ends inside an unfinished tag (`…<img</`) whose start lies in an earlier piece gets that unfinished end as
 * (escaped) text instead of partly dropped. Between their common start and end, both outputs then differ by text only.
 */
function expectSameInPieces(html: string, inPieces: string, whole: string) {
  if (inPieces === whole) return;
  expect(/<[^>]*$/.test(html), `${html}: only an unfinished tag at the end may read differently in pieces`).toBe(true);
  let start = 0;
  while (start < inPieces.length && inPieces[start] === whole[start]) start++;
  let end = 0;
  while (end < inPieces.length - start && end < whole.length - start && inPieces.at(-1 - end) === whole.at(-1 - end)) end++;
  expect([inPieces.slice(start, inPieces.length - end), whole.slice(start, whole.length - end)].join(""), html).toMatch(/^[^<>]*$/);
}

describe("the same bytes as sanitize-html with the same policy", () => {
  test("both run on the same htmlparser2 (a different parser would tokenise differently)", () => {
    const ours = createRequire(import.meta.url).resolve("htmlparser2");
    const theirs = createRequire(createRequire(import.meta.url).resolve("sanitize-html")).resolve("htmlparser2");
    expect(ours).toBe(theirs);
  });

  test("every attribute the policy allows that sanitize-html treats as non-boolean is known as such", () => {
    const policy = sanitizePolicy(context(false));
    const allowed = new Set(Object.values(policy.allowedAttributes).flat());
    const nonBoolean = (sanitizeHtml.defaults as unknown as { nonBooleanAttributes: string[] }).nonBooleanAttributes;
    expect([...allowed].filter((name) => nonBoolean.includes(name) && !NON_BOOLEAN.has(name))).toEqual([]);
    expect([...NON_BOOLEAN].filter((name) => !nonBoolean.includes(name))).toEqual([]);
  });

  test("every HTML body of the corpus, hostile ones included, and the large newsletter", async () => {
    const bodies: string[] = [];
    for (const message of loadCorpus()) {
      const parsed = await simpleParser(message.raw, { skipTextToHtml: true, skipHtmlToText: true, skipImageLinks: true, keepCidLinks: true });
      if (typeof parsed.html === "string") bodies.push(parsed.html);
    }
    expect(bodies.length).toBeGreaterThanOrEqual(7);
    const newsletter = await simpleParser(largeNewsletter(200_000).raw);
    bodies.push(newsletter.html as string);
    for (const html of bodies) expectSame(html);
  });

  const TAGS = [
    "a", "img", "p", "div", "span", "table", "tr", "td", "th", "tbody", "br", "hr", "b", "font", "blockquote", "ol", "li", "col",
    "center", "details", "time", "script", "style", "iframe", "svg", "math", "textarea", "title", "xmp", "noscript", "template",
    "object", "embed", "form", "input", "button", "base", "meta", "link", "source", "picture", "video", "select", "option",
    "plaintext", "noembed", "frameset", "html", "body", "head", "x-custom", "IMG", "Script",
  ];
  const ATTRIBUTES = [
    "href", "src", "srcset", "style", "background", "cite", "alt", "title", "width", "align", "nowrap", "class", "id", "name",
    "target", "rel", "onerror", "onclick", "action", "formaction", "xlink:href", "data", "poster", "color", "face", "open",
    "noshade", "reversed", "bgcolor", "type", "value", "datetime", "span", "HREF", "Style",
  ];
  const VALUES = [
    "", "https://images.example/a.png", "http://images.example/b.png", "//cdn.example/c.png", "cid:logo@partner.example",
    "cid:unknown@x", "javascript:alert(1)", "JaVaScRiPt:alert(1)", " java\tscript:alert(1)", "jav&#x61;script:alert(1)",
    "data:image/png;base64,iVBORw0KGgo=", "data:text/html;base64,PHNjcmlwdD4=", "data:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox", "mailto:ada@example.test", "tel:+123", "/relative/path", "relative.html", "https://a.example/x?y=1&amp;z=2",
    'x" onerror="alert(1)', "a<b>c", "color: red", "color:red;background:url(https://t.example/p.gif)", "position:fixed;top:0",
    "width: expression(alert(1))", "background-image: url('javascript:alert(1)')", "font-size: 12px; color: #333",
    "https://i.example/1.jpg 1x, https://i.example/2.jpg 2x", "https://i.example/1.jpg 100w, http://i.example/2.jpg 200w",
    "https://i.example/1.jpg 1.50x", "https://i.example/1.jpg 0x", "https://i.example/a.jpg 1x 2x", "cid:logo@partner.example 2x",
    "https://x<!--y-->.example/", "&quot;&lt;&gt;&amp;", "_blank", "noopener",
  ];
  const TEXTS = ["Hello", "a < b && c > d", "&lt;script&gt;alert(1)&lt;/script&gt;", "&nbsp;&copy;&#x41;&#66;", " ", "\n", "привет", "\"quoted\" 'single'"];

  const attribute = fc.tuple(fc.constantFrom(...ATTRIBUTES), fc.constantFrom(...VALUES), fc.constantFrom('"', "'", "")).map(([name, value, quote]) =>
    quote === "" && /[\s"'=<>`]/.test(value) ? ` ${name}` : ` ${name}=${quote}${value}${quote}`,
  );
  const { node } = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.constantFrom(...TEXTS),
      fc.constantFrom("<!-- a comment -->", "<![CDATA[x]]>", "<!DOCTYPE html>", "<br/>", "</p>", "</div>", "<", ">", "&", "<img", "</", "<a href=x"),
      fc.tuple(fc.constantFrom(...TAGS), fc.array(attribute, { maxLength: 4 }), fc.array(tie("node"), { maxLength: 4 }), fc.boolean()).map(
        ([tag, attrs, children, closed]) => `<${tag}${attrs.join("")}>${children.join("")}${closed ? `</${tag}>` : ""}`,
      ),
    ),
  }));
  const document = fc.array(node, { minLength: 1, maxLength: 6 }).map((nodes) => nodes.join(""));

  test("3,000 generated documents of hostile and broken markup", () => {
    fc.assert(
      fc.property(document, (html) => {
        expectSame(html);
      }),
      { seed: 20261206, numRuns: 3000 },
    );
  });
});
