import { describe, expect, it } from "vitest";
import { DispatchError } from "@/lib/errors";
import { buildCommentBody, docFromText } from "./body";

const doc = (...content: unknown[]) => ({ type: "doc", content });
const p = (...content: unknown[]) => ({ type: "paragraph", content });
const text = (t: string, marks?: unknown[]) => ({ type: "text", text: t, ...(marks ? { marks } : {}) });

describe("buildCommentBody", () => {
  it("renders bold, italic, code, lists and links to HTML", () => {
    const body = buildCommentBody(
      doc(
        p(text("bold", [{ type: "bold" }]), text(" "), text("it", [{ type: "italic" }]), text(" "), text("x()", [{ type: "code" }])),
        { type: "bulletList", content: [{ type: "listItem", content: [p(text("one"))] }] },
        p(text("site", [{ type: "link", attrs: { href: "https://example.com" } }])),
      ),
    );
    expect(body.html).toContain("<strong>bold</strong>");
    expect(body.html).toContain("<em>it</em>");
    expect(body.html).toContain("<code>x()</code>");
    expect(body.html).toMatch(/<ul><li><p>one<\/p><\/li><\/ul>/);
    expect(body.html).toContain('href="https://example.com"');
    expect(body.html).toContain('rel="nofollow noopener noreferrer"');
  });

  it("drops javascript: links that a crafted document carries", () => {
    const body = buildCommentBody(doc(p(text("click", [{ type: "link", attrs: { href: "javascript:alert(1)" } }]))));
    expect(body.html).not.toContain("javascript:");
    expect(body.text).toBe("click");
  });

  it("rejects nodes that are not in the comment schema", () => {
    expect(() => buildCommentBody(doc({ type: "iframe", attrs: { src: "x" } }))).toThrowError(DispatchError);
  });

  it("rejects an empty comment with a message naming the field", () => {
    try {
      buildCommentBody(doc(p()), "body");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DispatchError);
      expect((err as DispatchError).field).toBe("body");
      expect((err as DispatchError).status).toBe(400);
    }
  });

  it("turns plain text from API clients into paragraphs and escapes markup", () => {
    const body = buildCommentBody(docFromText("first <script>x</script>\nsecond"));
    expect(body.html).toBe("<p>first &#x3C;script>x&#x3C;/script></p><p>second</p>");
  });

  it("renders a mention chip as an inert span with data attributes and its @label, escaping what it carries", () => {
    const chip = (attrs: Record<string, unknown>) => ({ type: "mention", attrs: { id: null, provider: null, variant: null, skill: null, ...attrs } });
    const body = buildCommentBody(
      doc(p(chip({ kind: "agent", label: "Claude Opus", provider: "claude", variant: "opus", skill: "fix-bug" }), text(" and "), chip({ kind: "user", id: "u1", label: '<img src=x onerror="alert(1)">' }))),
    );
    expect(body.html).toBe(
      '<p><span data-type="mention" data-kind="agent" data-label="Claude Opus" data-provider="claude" data-variant="opus" data-skill="fix-bug">@Claude Opus :fix-bug</span> and ' +
        '<span data-type="mention" data-kind="user" data-user-id="u1" data-label="<img src=x onerror=&#x22;alert(1)&#x22;>">@&#x3C;img src=x onerror="alert(1)"></span></p>',
    );
    expect(body.text).toBe('@Claude Opus :fix-bug and @<img src=x onerror="alert(1)">');
  });
});
