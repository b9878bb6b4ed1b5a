import { describe, expect, it } from "vitest";
import { IncrementalMarkdown, MarkdownSequence } from "./incremental";
import { renderMarkdown } from "./render";

/** What a component shows after the next publish. */
const shown = (md: IncrementalMarkdown) => {
  md.publish();
  const v = md.view();
  return [...v.blocks.slice(0, v.count), ...(v.tail === null ? [] : [v.tail])].join("");
};

describe("IncrementalMarkdown", () => {
  it("renders each closed block once, and the open tail again only when it changed", () => {
    const rendered: string[] = [];
    const md = new IncrementalMarkdown((m) => (rendered.push(m), `<p>${m.trim()}</p>`));
    md.update("One.\n\nTw");
    expect(md.pending).toBe(true);
    md.flush();
    expect(rendered).toEqual(["One.\n\n", "Tw"]);
    md.flush();
    expect(rendered).toHaveLength(2);
    md.update("One.\n\nTwo.\n\n- a\n");
    md.flush();
    expect(rendered).toEqual(["One.\n\n", "Tw", "Two.\n\n", "- a\n"]);
    expect(shown(md)).toBe("<p>One.</p><p>Two.</p><p>- a</p>");
  });

  it("shows a closed block's last tail rendering until the block itself is rendered, never both", () => {
    const md = new IncrementalMarkdown((m) => `[${m.trim()}]`);
    md.update("Para");
    md.step();
    expect(shown(md)).toBe("[Para]");
    md.update("Para two.\n\nNext");
    expect(shown(md)).toBe("[Para]"); // the block is closed, not rendered yet: its beginning stays
    md.step();
    expect(shown(md)).toBe("[Para two.]"); // the block; the stale tail is gone, the new one not there yet
    md.step();
    expect(shown(md)).toBe("[Para two.][Next]");
  });

  it("starts over when the text is not a continuation", () => {
    const md = new IncrementalMarkdown((m) => `[${m.trim()}]`);
    md.update("a\n\nb");
    md.flush();
    md.update("c");
    md.flush();
    expect(shown(md)).toBe("[c]");
  });

  it("renders agent output through the sanitizer like any comment", () => {
    const evil = "Hi <script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n![secret](https://evil.example/x.png)\n\n<img src=x onerror=alert(1)>";
    const md = new IncrementalMarkdown();
    let text = "";
    for (const ch of evil) md.update((text += ch)); // a character at a time, as a stream may cut it
    md.flush();
    const html = shown(md).toLowerCase();
    for (const bad of ["<script", "javascript:", "<img", "onerror"]) expect(html).not.toContain(bad);
    expect(html).toContain("image: secret");
    expect(shown(md)).toBe(["Hi <script>alert(1)</script>\n\n", "[x](javascript:alert(1))\n\n", "![secret](https://evil.example/x.png)\n\n", "<img src=x onerror=alert(1)>"].map(renderMarkdown).join(""));
  });
});

describe("MarkdownSequence", () => {
  it("renders the texts of a transcript in order; the frontier moves only when published", () => {
    const seq = new MarkdownSequence((m) => `[${m.trim()}]`);
    const items = ["a\n\nb", null, "c"];
    seq.sync(items, (x) => x);
    expect(seq.frontier).toBe(0);
    seq.step();
    seq.step();
    expect(seq.frontier).toBe(0); // rendered, not published: components still show the old snapshot
    seq.notify();
    expect(seq.frontier).toBe(2); // the tool row (null) needs nothing
    seq.step();
    seq.notify();
    expect(seq.frontier).toBe(3);
    expect(seq.pending).toBe(false);
    seq.sync(["a\n\nb", null, "c d"], (x) => x);
    expect(seq.frontier).toBe(2);
  });

  it("publishes a few blocks per frame, in order", () => {
    const seq = new MarkdownSequence((m) => `[${m.trim()}]`, 3);
    seq.sync(["1\n\n2\n\n3\n\n4\n\n", null, "5\n\n6\n\n7"], (x) => x);
    while (seq.step());
    const counts: number[][] = [];
    while (seq.notify()) counts.push([seq.part(0).view().count, seq.part(2).view().count]);
    counts.push([seq.part(0).view().count, seq.part(2).view().count]);
    expect(counts).toEqual([[3, 0], [3, 2]]); // "4\n\n" is still the open tail: the cut waits for the next line
    expect([seq.part(0).view().tail, seq.part(2).view().tail]).toEqual(["[4]", "[7]"]);
    expect(seq.frontier).toBe(3);
  });

  it("does not hold the transcript back at a text of only whitespace", () => {
    const seq = new MarkdownSequence((m) => `[${m.trim()}]`);
    seq.sync(["\n\n", null], (x) => x);
    expect(seq.step()).toBe(false); // nothing to render…
    seq.notify(); // …but the frame still publishes it as complete
    expect(seq.frontier).toBe(2);
  });
});
