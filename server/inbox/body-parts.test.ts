// Which parts an opening fetches, which it only lists, and when it leaves the message to the whole-source path; the
// charset decoding of a fetched part and the size of a part that is not fetched.
import type { MessageStructureObject } from "imapflow";
import { describe, expect, test } from "vitest";
import { decodeChunks, decodedSize, decodeText, planBody } from "./body-parts";

const text = (part: string, extra: Partial<MessageStructureObject> = {}): MessageStructureObject => ({ part, type: "text/plain", parameters: { charset: "utf-8" }, encoding: "7bit", size: 10, ...extra });
const html = (part: string, extra: Partial<MessageStructureObject> = {}): MessageStructureObject => ({ part, type: "text/html", parameters: { charset: "utf-8" }, encoding: "7bit", size: 20, ...extra });
const multipart = (type: string, childNodes: MessageStructureObject[], part?: string): MessageStructureObject => ({ type: `multipart/${type}`, childNodes, ...(part && { part }) });
const parts = (nodes: MessageStructureObject[]) => nodes.map((n) => n.part ?? "1");

describe("planBody", () => {
  test("a single HTML part: fetched as part 1", () => {
    const plan = planBody({ type: "text/html", parameters: { charset: "utf-8" }, encoding: "base64", size: 78 });
    expect(plan && parts(plan.html)).toEqual(["1"]);
    expect(plan?.text).toEqual([]);
  });

  test("alternative inside related: the HTML and text parts, the inline image listed with its Content-ID", () => {
    const image: MessageStructureObject = { part: "2", type: "image/png", id: "<logo@x>", encoding: "base64", size: 96, disposition: "inline", dispositionParameters: { filename: "logo.png" } };
    const plan = planBody(multipart("related", [multipart("alternative", [text("1.1"), html("1.2")], "1"), image]))!;
    expect(parts(plan.html)).toEqual(["1.2"]);
    expect(parts(plan.text)).toEqual(["1.1"]);
    expect(plan.attachments).toEqual([{ part: "2", contentType: "image/png", filename: "logo.png", size: 70, disposition: "inline", contentId: "<logo@x>" }]);
  });

  test("mailparser's attachment rules: any non-text part, text marked attachment, an unknown disposition", () => {
    const plan = planBody(
      multipart("mixed", [
        text("1"),
        { part: "2", type: "application/pdf", parameters: { name: "a.pdf" }, encoding: "base64", size: 184 },
        text("3", { disposition: "attachment", dispositionParameters: { filename: "b.txt" } }),
        text("4", { disposition: "x-unknown" }),
        text("5", { disposition: "inline" }),
      ]),
    )!;
    expect(parts(plan.text)).toEqual(["1", "5"]);
    expect(plan.attachments.map((a) => [a.part, a.filename])).toEqual([["2", "a.pdf"], ["3", "b.txt"], ["4", null]]);
  });

  test("left to the whole source: nested messages, delivery reports, format=flowed, text beside HTML, odd encodings", () => {
    expect(planBody(multipart("mixed", [text("1"), { part: "2", type: "message/rfc822", size: 100, childNodes: [html("2.1")] }]))).toBeNull();
    expect(planBody(multipart("report", [text("1"), { part: "2", type: "message/delivery-status", size: 100 }]))).toBeNull();
    expect(planBody({ type: "text/plain", parameters: { charset: "utf-8", format: "flowed" }, encoding: "7bit", size: 10 })).toBeNull();
    expect(planBody(multipart("mixed", [text("1"), html("2")]))).toBeNull();
    expect(planBody(html("1", { encoding: "x-uuencode" }))).toBeNull();
    expect(planBody(undefined)).toBeNull();
    // Text beside HTML inside an alternative is the usual case, not an odd one.
    expect(planBody(multipart("alternative", [text("1"), html("2")]))).not.toBeNull();
  });
});

describe("decodeText", () => {
  test("UTF-8 and ASCII as they are; CRLF to LF as mailparser does (a lone CR stays)", () => {
    expect(decodeText(Buffer.from("Привет\r\nмир\rи\n"), "UTF-8")).toBe("Привет\nмир\rи\n");
    expect(decodeText(Buffer.from("plain"), undefined)).toBe("plain");
    expect(decodeText(Buffer.from("plain"), "us-ascii")).toBe("plain");
  });

  test("legacy charsets through the WHATWG decoder; an unknown one is null", () => {
    expect(decodeText(Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]), "windows-1251")).toBe("Привет");
    expect(decodeText(Buffer.from([0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]), "koi8-r")).toBe("Привет");
    expect(decodeText(Buffer.from("Gr\xfc\xdfe", "latin1"), "ISO-8859-1")).toBe("Grüße");
    expect(decodeText(Buffer.from("x"), "x-no-such-charset")).toBeNull();
  });
});

describe("decodeChunks", () => {
  test("pieces of at most the chunk size that join to decodeText, whatever the split: CRLF and UTF-8 sequences cut in two", () => {
    const source = Buffer.from("Привет,\r\nмир!\r\n\r\nx\r".repeat(7) + "конец\r\n");
    for (const size of [1, 2, 3, 5, 7, 64, source.length + 1]) {
      const pieces = decodeChunks(source, "utf-8", size)!;
      expect(pieces.join(""), `chunks of ${size}`).toBe(decodeText(source, "utf-8"));
      expect(pieces.join("")).not.toContain("\r\n");
      for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(size + 1);
    }
  });

  test("legacy charsets decode across pieces too; an unknown charset is null", () => {
    const cp1251 = Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x0d, 0x0a, 0xec, 0xe8, 0xf0]);
    expect(decodeChunks(cp1251, "windows-1251", 3)!.join("")).toBe("Привет\nмир");
    const shiftJis = Buffer.from([0x82, 0xa0, 0x82, 0xa2, 0x82, 0xa4]);
    expect(decodeChunks(shiftJis, "shift_jis", 1)!.join("")).toBe("あいう");
    expect(decodeChunks(Buffer.from("x"), "x-no-such-charset")).toBeNull();
  });

  test("a large part never becomes one string longer than a piece", () => {
    const pieces = decodeChunks(Buffer.alloc(300_000, "a"), "utf-8")!;
    expect(pieces.length).toBeGreaterThan(1);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(32 * 1024);
  });
});

describe("decodedSize", () => {
  test("base64 without its line breaks, within 2 bytes of padding; other encodings as they are", () => {
    expect(decodedSize({ type: "application/pdf", encoding: "base64", size: 184 })).toBe(135);
    expect(decodedSize({ type: "application/pdf", encoding: "BASE64", size: 1370 })).toBe(1002);
    expect(decodedSize({ type: "text/plain", encoding: "7bit", size: 37 })).toBe(37);
    expect(decodedSize({ type: "text/plain" })).toBe(0);
  });
});
