// Message rendering over the whole mail corpus (e2e/fixtures/mail): nothing executable survives, nothing remote stays
// in the default mode, and what a reader needs (sentences, names, attachments) is intact.
import { describe, expect, test } from "vitest";
import { largeNewsletter, loadCorpus, NEWSLETTER_SENTENCES, NEWSLETTER_SUBJECT } from "../../e2e/fixtures/mail/corpus";
import { simpleParser } from "mailparser";
import { buildSrcdoc, parseHeader, renderMessage, srcdocCsp, type RenderedMessage } from "./render";

const attachmentUrl = (part: string) => `/mail/attachment/INBOX/7/${part}`;
const corpus = loadCorpus();

/** The visible text of sanitised HTML, roughly: tags out, entities of the corpus decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

/** Every URL-bearing attribute value and CSS url() in the HTML. */
function urls(html: string): string[] {
  const found = [...html.matchAll(/\s(?:href|src|srcset|background|action|formaction|data|poster|xlink:href)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!);
  found.push(...[...html.matchAll(/url\(\s*(?:&quot;|['"])?([^'")&]*)/gi)].map((m) => m[1]!));
  return found;
}

function expectHarmless(message: RenderedMessage) {
  const html = message.html ?? "";
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<(?:iframe|frame|object|embed|applet|svg|math|form|input|button|base|meta|link|style|audio|video|source)\b/i);
  // No event handler attribute on any tag.
  expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/javascript:|vbscript:|expression\s*\(|behavior|-moz-binding|@import/i);
  for (const url of urls(html)) {
    expect(url, url).toMatch(/^(?:https?:\/\/|mailto:|tel:|\/mail\/attachment\/|data:image\/(?:png|gif|jpe?g|webp);base64,)/i);
  }
  // Every remaining link opens in a new tab without an opener or a referrer.
  for (const anchor of html.match(/<a\s[^>]*href=[^>]*>/gi) ?? []) {
    expect(anchor).toContain('target="_blank"');
    expect(anchor).toContain('rel="noopener noreferrer"');
  }
}

/** Remote URLs left in places that load by themselves (images, backgrounds), i.e. everything but link targets. */
function remoteLoads(html: string): string[] {
  const withoutLinks = html.replace(/<a\s[^>]*>/gi, "<a>");
  return urls(withoutLinks).filter((url) => /^(?:https?:)?\/\//i.test(url.trim()) || /\s(?:https?:)?\/\//i.test(url));
}

describe("the corpus, rendered in the default mode (remote images blocked)", () => {
  test.each(corpus.map((m) => [m.file, m] as const))("%s: harmless and readable", async (_file, message) => {
    const rendered = await renderMessage(message.raw, { attachmentUrl });
    expect(rendered.subject).toBe(message.subject);
    expectHarmless(rendered);
    expect(remoteLoads(rendered.html ?? "")).toEqual([]);
    const readable = rendered.html === null ? rendered.text : visibleText(rendered.html);
    for (const sentence of message.sentences) expect(readable).toContain(sentence);
    // The plain text is always there too (from the text part or derived from the HTML).
    expect(rendered.text.length).toBeGreaterThan(0);
  });

  test("the corpus holds the hostile set the reading pane must survive", () => {
    expect(corpus.filter((m) => m.hostile).length).toBeGreaterThanOrEqual(4);
    const all = corpus.map((m) => m.raw.toString("utf8")).join("\n");
    for (const attack of ["<script", "onerror=", "javascript:", "expression(", "<svg", "<base href", "<form", "http-equiv=\"refresh\"", "<iframe", "<object", "<embed", "srcset=", "@import", "open.gif"]) {
      expect(all).toContain(attack);
    }
  });
});

describe("headers, text and attachments", () => {
  const byFile = (file: string) => corpus.find((m) => m.file === file)!.raw;

  test("multipart/alternative: encoded-word names and subject, both bodies, sanitised styles kept", async () => {
    const m = await renderMessage(byFile("01-alternative.eml"), { attachmentUrl });
    expect(m.from).toEqual([{ name: "Ольга Смирнова", address: "olga@partner.example" }]);
    expect(m.to).toEqual([{ name: "Ada Lovelace", address: "ada@example.test" }]);
    expect(m.cc).toEqual([{ name: "", address: "team@partner.example" }]);
    expect(m.date).toBe("2026-12-01T06:15:00.000Z");
    expect(m.messageId).toBe("<alt-0001@partner.example>");
    expect(m.text).toContain("Подтверждаю встречу в четверг в 11:00");
    expect(m.html).toContain('style="margin:0 0 12px 0;text-align:left"');
    expect(m.html).toContain('<a href="https://partner.example/meetings/42" target="_blank" rel="noopener noreferrer">');
    expect(m.html).not.toContain("<title>");
    expect(m.attachments).toEqual([]);
  });

  test("inline images: cid: points at the platform's attachment URL; an unknown cid is dropped", async () => {
    const m = await renderMessage(byFile("02-inline-image.eml"), { attachmentUrl });
    expect(m.html).toContain('<img src="/mail/attachment/INBOX/7/2" alt="Partner logo"');
    expect(m.html).not.toMatch(/cid:/i);
    expect(m.html).not.toContain("A picture that is not in the message");
    expect(m.attachments).toEqual([{ part: "2", filename: "logo.png", contentType: "image/png", size: 70, inline: true, cid: "logo.2026@partner.example" }]);
    expect(m.remote).toEqual({ count: 0, hosts: [], allowed: false });
  });

  test("attachments with non-ASCII names: RFC 2231 continuations and an encoded-word", async () => {
    const m = await renderMessage(byFile("03-attachments-non-ascii.eml"), { attachmentUrl });
    expect(m.subject).toBe("Документы за квартал");
    expect(m.html).toBeNull();
    expect(m.attachments).toEqual([
      { part: "2", filename: "Отчёт за квартал.pdf", contentType: "application/pdf", size: 135, inline: false, cid: null },
      { part: "3", filename: "Счёт №5.txt", contentType: "text/plain", size: 37, inline: false, cid: null },
    ]);
  });

  test("a calendar invitation: the HTML, the text/calendar part and the .ics file", async () => {
    const m = await renderMessage(byFile("04-calendar-invite.eml"), { attachmentUrl });
    expect(m.attachments.map((a) => [a.part, a.filename, a.contentType])).toEqual([
      ["1.3", "attachment-1.3.ics", "text/calendar"],
      ["2", "invite.ics", "application/ics"],
    ]);
    expect(m.html).toContain("<table");
  });

  test("a mailing-list message: List-Id, In-Reply-To and References", async () => {
    const m = await renderMessage(byFile("05-mailing-list.eml"), { attachmentUrl });
    expect(m.listId).toBe("dev.lists.partner.example");
    expect(m.inReplyTo).toBe("<list-0004@lists.partner.example>");
    expect(m.references).toEqual(["<list-0001@lists.partner.example>", "<list-0004@lists.partner.example>"]);
    expect(m.replyTo).toEqual([{ name: "", address: "dev@lists.partner.example" }]);
    expect(m.html).toBeNull();
    expect(m.text).toContain("> Will the freeze move again?");
  });
});

describe("parseHeader", () => {
  test("reads a header alone as simpleParser reads the whole message: every field, header and raw line", async () => {
    for (const message of corpus) {
      const raw = message.raw.toString("latin1");
      const blank = /\r?\n\r?\n/.exec(raw)!;
      const header = Buffer.from(raw.slice(0, blank.index + blank[0].length), "latin1");
      const alone = await parseHeader(header);
      const whole = await simpleParser(message.raw);
      for (const field of ["subject", "from", "to", "cc", "bcc", "replyTo", "date", "messageId", "inReplyTo", "references", "headerLines"] as const) {
        expect(alone[field], `${message.file}: ${field}`).toEqual(whole[field]);
      }
      expect([...alone.headers], message.file).toEqual([...whole.headers]);
    }
  });

  test("an empty or broken header is read as empty, never hangs", async () => {
    for (const header of [Buffer.alloc(0), Buffer.from("not a header"), Buffer.from("\r\n")]) {
      const parsed = await parseHeader(header);
      expect(parsed.subject).toBeUndefined();
    }
  });
});

describe("remote images", () => {
  const trackers = () => corpus.find((m) => m.file === "hostile-04-embeds-and-trackers.eml")!.raw;

  test("blocked by default, counted with their hosts", async () => {
    const m = await renderMessage(trackers(), { attachmentUrl });
    expect(m.remote).toEqual({ count: 9, hosts: ["cdn.tracker.example", "images.tracker.example", "tracker.example"], allowed: false });
    expect(m.html).not.toContain("tracker.example");
    // The inline data: PNG stays; an SVG data: image does not.
    expect(m.html).toContain('src="data:image/png;base64,');
    expect(m.html).not.toContain("data:image/svg");
  });

  test("shown on request: https images and srcsets stay, plain http and protocol-relative ones do not", async () => {
    const m = await renderMessage(trackers(), { attachmentUrl, allowRemoteImages: true });
    expectHarmless(m);
    expect(m.remote.allowed).toBe(true);
    expect(m.html).toContain('src="https://tracker.example/open.gif?u=ada"');
    expect(m.html).toContain('srcset="https://images.tracker.example/a-1x.jpg 1x, https://images.tracker.example/a-2x.jpg 2x"');
    expect(m.html).not.toContain("http://tracker.example");
    expect(m.html).not.toContain("//cdn.tracker.example");
    expect(m.html).not.toContain("evil.example");
  });

  test("CSS url(): remote backgrounds are counted and removed; javascript: in url() never survives", async () => {
    const raw = corpus.find((m) => m.file === "hostile-03-css.eml")!.raw;
    const blocked = await renderMessage(raw, { attachmentUrl });
    expect(blocked.remote).toMatchObject({ count: 2, hosts: ["tracker.example"] });
    expect(blocked.html).not.toMatch(/url\(/i);
    expect(blocked.html).toContain('<div style="padding:4px">A remote background image.</div>');
    const shown = await renderMessage(raw, { attachmentUrl, allowRemoteImages: true });
    expect(shown.html).toContain("url('https://tracker.example/css-pixel.gif')");
    expect(shown.html).not.toMatch(/javascript:|position:|z-index/i);
  });
});

describe("a very large HTML newsletter", () => {
  test("300 kB of HTML render in one piece with every remote image blocked", async () => {
    const newsletter = largeNewsletter(300_000);
    expect(newsletter.htmlBytes).toBeGreaterThan(300_000);
    const m = await renderMessage(newsletter.raw, { attachmentUrl });
    expect(m.subject).toBe(NEWSLETTER_SUBJECT);
    expect(m.listId).toBe("weekly.news.example");
    expectHarmless(m);
    expect(remoteLoads(m.html!)).toEqual([]);
    expect(m.remote.count).toBe(newsletter.remoteImages);
    expect(m.remote.hosts).toEqual(["images.news.example", "track.news.example"]);
    const text = visibleText(m.html!);
    for (const sentence of NEWSLETTER_SENTENCES) expect(text).toContain(sentence);
    expect(m.html).toContain('style="font-size:20px;color:#111111;margin:12px 0 8px 0"');
  });
});

describe("the iframe document", () => {
  test("a strict CSP of its own: images from the platform and data: only, https: when asked; no scripts", () => {
    expect(srcdocCsp({ selfOrigin: "https://platform.example.com/mail" })).toBe(
      "default-src 'none'; img-src https://platform.example.com data:; style-src 'unsafe-inline'; font-src 'none'; form-action 'none'; base-uri 'none'",
    );
    expect(srcdocCsp({ selfOrigin: "http://127.0.0.1:3000", allowRemoteImages: true })).toContain("img-src http://127.0.0.1:3000 data: https:;");
    const doc = buildSrcdoc("<p>Hi</p>", { selfOrigin: "https://platform.example.com", lang: "en" });
    expect(doc).toMatch(/^<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src https:\/\/platform.example.com data:;/);
    expect(doc).toContain('<meta name="referrer" content="no-referrer">');
    expect(doc).toContain("<body><p>Hi</p></body>");
    expect(doc).not.toMatch(/<script/i);
    expect(buildSrcdoc("", { selfOrigin: "https://p.example", lang: '"><script>' })).toContain('<html lang="ru">');
  });
});
