import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MarkdownBlockSplitter, splitMarkdownBlocks } from "./blocks";

/** Pushes `text` in pieces cut at `cuts` (positions), returns the blocks as a finished split would. */
function splitInPieces(text: string, cuts: number[]) {
  const s = new MarkdownBlockSplitter();
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    s.push(text.slice(at, c));
    at = c;
  }
  s.push(text.slice(at));
  return s.tail.trim() === "" ? [...s.closed] : [...s.closed, s.tail];
}

describe("splitMarkdownBlocks", () => {
  it("cuts at blank lines, never inside a code fence, and joins back to the same text", () => {
    const text = "Intro line\n\n```js\nconst a = 1;\n\nconst b = 2;\n```\n\n- one\n\n  continued\n\nEnd";
    const blocks = splitMarkdownBlocks(text);
    expect(blocks).toEqual(["Intro line\n\n", "```js\nconst a = 1;\n\nconst b = 2;\n```\n\n", "- one\n\n  continued\n\n", "End"]);
    expect(blocks.join("")).toBe(text);
  });

  it("keeps an unclosed fence (text still streaming) in one block", () => {
    expect(splitMarkdownBlocks("a\n\n~~~\nx\n\ny")).toEqual(["a\n\n", "~~~\nx\n\ny"]);
  });

  it("drops blocks of only whitespace", () => {
    expect(splitMarkdownBlocks("a\n\n\n\n  \n\nb\n\n")).toEqual(["a\n\n", "b\n\n"]);
  });
});

describe("MarkdownBlockSplitter", () => {
  it("closes a block as soon as the next line shows it does not continue a list item", () => {
    const s = new MarkdownBlockSplitter();
    s.push("para\n\n");
    expect(s.closed).toEqual([]);
    s.push("  ");
    expect(s.closed).toEqual([]); // could still be "  continued"
    s.push("\n");
    expect(s.closed).toEqual(["para\n\n"]); // a blank line after all
    s.push("next\n\nN");
    expect(s.closed).toEqual(["para\n\n", "next\n\n"]); // the blank "  " line made a block of its own: dropped
    expect(s.tail).toBe("N");
  });

  it("splits text pushed in any pieces exactly as the whole text, keeping every non-blank character in order", () => {
    const piece = fc.constantFrom("a", "b c", "\n", "\n\n", "  ", " x", "- ", "```", "~~~", "`", "**", "#", "\t", "1. ");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.array(fc.nat(400), { maxLength: 12 }), (pieces, rawCuts) => {
        const text = pieces.join("");
        const whole = splitMarkdownBlocks(text);
        expect(splitInPieces(text, rawCuts.map((c) => c % (text.length + 1)))).toEqual(whole);
        expect(splitInPieces(text, [...Array(text.length).keys()])).toEqual(whole); // one character at a time
        expect(whole.join("").replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
      }),
      { numRuns: 400 },
    );
  });
});
