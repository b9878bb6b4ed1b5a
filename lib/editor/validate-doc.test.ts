import { describe, expect, it } from "vitest";
import { DispatchError } from "@/lib/errors";
import { MAX_DOC_DEPTH, validateEditorDoc } from "./validate-doc";

const doc = (...content: unknown[]) => ({ type: "doc", content });
const p = (...content: unknown[]) => ({ type: "paragraph", content });
const text = (t: string, marks?: unknown[]) => ({ type: "text", text: t, ...(marks ? { marks } : {}) });
const refusal = (json: unknown) => {
  try {
    validateEditorDoc(json, "body");
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(DispatchError);
    return (err as DispatchError).field;
  }
};

describe("validateEditorDoc", () => {
  it("accepts what the editor writes", () => {
    const ok = doc(
      { type: "heading", attrs: { level: 2 }, content: [text("Title")] },
      p(text("see", [{ type: "link", attrs: { href: "https://example.test", target: "_blank", rel: "noopener", class: null } }, { type: "bold" }])),
      { type: "codeBlock", attrs: { language: "ts" }, content: [text("x()")] },
      { type: "orderedList", attrs: { start: 3, type: null }, content: [{ type: "listItem", content: [p(text("one"))] }] },
    );
    expect(refusal(ok)).toBeNull();
  });

  it("names the attribute whose type is wrong", () => {
    expect(refusal(doc(p(text("x", [{ type: "link", attrs: { href: 1 } }]))))).toBe("body.content.0.content.0.marks.0.attrs.href");
    expect(refusal(doc({ type: "heading", attrs: { level: "2" } }))).toBe("body.content.0.attrs.level");
  });

  it("refuses unknown types, prototype names and malformed shapes", () => {
    expect(refusal(doc({ type: "constructor" }))).toBe("body.content.0");
    expect(refusal(doc(p(text("x", [{ type: "toString" }]))))).toBe("body.content.0.content.0.marks.0");
    expect(refusal(doc(p({ type: "text", text: ["x"] })))).toBe("body.content.0.content.0.text");
    expect(refusal({ type: "doc", content: "x" })).toBe("body.content");
  });

  it(`allows ${MAX_DOC_DEPTH} levels, not one more`, () => {
    const nest = (levels: number) => {
      let node: unknown = p(text("x"));
      for (let i = 0; i < levels - 3; i++) node = { type: "blockquote", content: [node] };
      return doc(node);
    };
    expect(refusal(nest(MAX_DOC_DEPTH))).toBeNull();
    expect(refusal(nest(MAX_DOC_DEPTH + 1))).toBe("body");
  });

  it("accepts mention chips and types their attributes", () => {
    const chip = (attrs: Record<string, unknown>) => doc(p({ type: "mention", attrs: { kind: "agent", id: null, label: "Claude Opus", provider: "claude", variant: "opus", skill: "fix-bug", ...attrs } }));
    expect(refusal(chip({}))).toBeNull();
    expect(refusal(chip({ kind: "user", id: "u1", provider: null, variant: null, skill: null }))).toBeNull();
    expect(refusal(chip({ kind: "robot" }))).toBe("body.content.0.content.0.attrs.kind");
    expect(refusal(chip({ provider: "Claude" }))).toBe("body.content.0.content.0.attrs.provider");
    expect(refusal(chip({ variant: "a b" }))).toBe("body.content.0.content.0.attrs.variant");
    expect(refusal(chip({ skill: 3 }))).toBe("body.content.0.content.0.attrs.skill");
    expect(refusal(chip({ label: "x".repeat(101) }))).toBe("body.content.0.content.0.attrs.label");
  });
});
