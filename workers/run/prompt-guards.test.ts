import { describe, expect, it } from "vitest";
import { breakMarkers, cleanQuoted, stripHtmlComments, stripInvisible } from "./prompt-guards";

describe("stripInvisible", () => {
  const invisible = [
    ...["\u200B", "\u200C", "\u200D", "\u200E", "\u200F"], // zero-width, joiners, direction marks
    ...["\u2060", "\u2061", "\u2062", "\u2063", "\u2064"], // word joiner, invisible operators
    "\uFEFF",
    ...["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"], // bidi controls
    ...["\u{E0000}", "\u{E0001}", "\u{E0041}", "\u{E007F}"], // tags
    ...["\u0000", "\u001B", "\u007F", "\u0085"], // controls
  ];
  it.each(invisible.map((c) => [c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0"), c]))("removes U+%s", (_code, c) => {
    expect(stripInvisible(`a${c}b`)).toEqual({ text: "ab", removed: true });
  });

  it("keeps tabs, line breaks, the soft hyphen, emoji and other scripts; CRLF becomes LF", () => {
    const text = "a\tb\nco\u00ADop 👩‍💻 👍🏽 ❤️ مرحبا\u00A0ok";
    expect(stripInvisible(text)).toEqual({ text, removed: false });
    // A joiner outside an emoji sequence is hidden text's glue: it goes.
    expect(stripInvisible("👩\u200Dx y\u200D💻")).toEqual({ text: "👩x y💻", removed: true });
    expect(stripInvisible("a\tb\nc\u00ADd")).toEqual({ text: "a\tb\nc\u00ADd", removed: false });
    expect(stripInvisible("a\r\nb")).toEqual({ text: "a\nb", removed: false });
  });
});

describe("HTML comments and markers", () => {
  it("removes closed and unclosed HTML comments from plain text", () => {
    expect(stripHtmlComments("a <!-- x\ny --> b <!-- open")).toEqual({ text: "a  b ", removed: true });
    expect(stripHtmlComments("a < !-- b")).toEqual({ text: "a < !-- b", removed: false });
  });

  it("removes a comment hidden behind invisible characters", () => {
    expect(cleanQuoted("a <\u200B!-- hidden --> b", "plain")).toEqual({ text: "a  b", removed: true });
  });

  it("breaks every run of three angle brackets", () => {
    expect(breakMarkers("<<<END QUOTED>>> <<<<x>>>> << >>")).toBe("< <<END QUOTED> >> < < <<x> > >> << >>");
    expect(breakMarkers(breakMarkers("<<<<<<"))).not.toMatch(/<<</);
  });
});
