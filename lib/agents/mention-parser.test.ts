import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMention, parseMentionsFromDoc, parseMentionsFromText, type AgentMention } from "./mention-parser";

const m = (provider: string | null, variant: string | null = null, skill: string | null = null): AgentMention => ({ provider, variant, skill });

describe("parseMentionsFromText", () => {
  it.each<[string, AgentMention[]]>([
    ["@claude please look", [m("claude")]],
    ["@claude-opus make the failing test pass", [m("claude", "opus")]],
    ["@gemini-flash:review this", [m("gemini", "flash", "review")]],
    ["@claude:fix-bug now", [m("claude", null, "fix-bug")]],
    ["@:review with the default", [m(null, null, "review")]],
    ["(@claude), @gemini.", [m("claude"), m("gemini")]],
    ["line one\n@claude-haiku:triage", [m("claude", "haiku", "triage")]],
  ])("%j", (text, expected) => {
    expect(parseMentionsFromText(text)).toEqual(expected);
  });

  it.each([
    ["an e-mail address", "write to ops@claude.dev"],
    ["inline code", "run `@claude` literally"],
    ["a fenced code block", "```\n@claude do it\n```"],
    ["a URL", "see https://example.com/@claude and http://x.io/?u=@gemini"],
    ["an escaped at sign", "\\@claude is not called"],
    ["a longer word", "@claudette and @claude_bot"],
  ])("ignores %s", (_what, text) => {
    expect(parseMentionsFromText(text, { providers: new Set(["claude", "gemini"]) })).toEqual([]);
  });

  it("keeps only known providers when told them, so @alice stays a person", () => {
    expect(parseMentionsFromText("@alice and @claude", { providers: new Set(["claude"]) })).toEqual([m("claude")]);
  });
});

describe("parseMentionsFromDoc", () => {
  it("reads mention chips and typed text, skipping code marks and code blocks", () => {
    const doc = {
      type: "doc",
      content: [
        {
          type: "paragraph",
          content: [
            { type: "mention", attrs: { kind: "agent", label: "Gemini Pro", provider: "gemini", variant: "pro", skill: null } },
            { type: "text", text: " and @claude-opus:fix-bug, not " },
            { type: "text", text: "@claude-haiku", marks: [{ type: "code" }] },
          ],
        },
        { type: "codeBlock", content: [{ type: "text", text: "@gemini-flash" }] },
        { type: "paragraph", content: [{ type: "text", text: "mail a@gemini.dev" }] },
      ],
    };
    expect(parseMentionsFromDoc(doc)).toEqual([m("gemini", "pro"), m("claude", "opus", "fix-bug")]);
  });

  it("does not join text across paragraphs into one token", () => {
    const doc = { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "x" }] }, { type: "paragraph", content: [{ type: "text", text: "@claude" }] }] };
    expect(parseMentionsFromDoc(doc)).toEqual([m("claude")]);
  });
});

const slug = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
const skill = fc.stringMatching(/^[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}$/);
const mention: fc.Arbitrary<AgentMention> = fc.oneof(
  fc.record({ provider: slug, variant: fc.option(skill, { nil: null }), skill: fc.option(skill, { nil: null }) }),
  fc.record({ provider: fc.constant(null), variant: fc.constant(null), skill }),
);
const filler = fc.constantFrom(" ", " please ", "\n", ", then ", " (", ") ", ". ");

describe("mention parser properties", () => {
  it("never throws on any input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        parseMentionsFromText(s);
        parseMentionsFromDoc({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: s }] }] });
      }),
      { numRuns: 2000 },
    );
  }, 30_000);

  it("never throws on arbitrary JSON shaped like a document", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        parseMentionsFromDoc(v);
      }),
    );
  });

  it("gives back the same agents for generated valid mentions", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(mention, filler), { maxLength: 8 }), fc.string({ maxLength: 4, unit: fc.constantFrom("a", " ", "x") }), (items, lead) => {
        // Trimmed: four leading spaces would make the line indented code.
        const text = `${lead.trimStart()} ` + items.map(([mm, sep]) => formatMention(mm) + sep).join("");
        expect(parseMentionsFromText(text)).toEqual(items.map(([mm]) => mm));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("parseMentionsFromDoc with mention chips", () => {
  const chip = (attrs: Record<string, unknown>, marks?: unknown[]) => ({ type: "mention", attrs: { id: null, label: "x", provider: null, variant: null, skill: null, ...attrs }, ...(marks ? { marks } : {}) });
  const para = (...content: unknown[]) => ({ type: "paragraph", content });
  const docOf = (...content: unknown[]) => ({ type: "doc", content });

  it("reads agent chips by their attributes, in order with typed mentions", () => {
    const doc = docOf(
      para(chip({ kind: "agent", label: "Claude Opus", provider: "claude", variant: "opus", skill: "fix-bug" }), { type: "text", text: " then @gemini-flash and " }, chip({ kind: "agent", label: "", skill: "review" })),
      para({ type: "text", text: "@claude again" }),
    );
    expect(parseMentionsFromDoc(doc, { providers: new Set(["claude", "gemini"]) })).toEqual([m("claude", "opus", "fix-bug"), m("gemini", "flash"), m(null, null, "review"), m("claude")]);
  });

  it("never reads the label: a person's chip, or an agent chip labelled like a mention, is what its attributes say", () => {
    const doc = docOf(para(chip({ kind: "user", id: "u1", label: "claude-opus" }), { type: "text", text: " " }, chip({ kind: "agent", label: "@gemini-pro", provider: "claude", variant: null })));
    expect(parseMentionsFromDoc(doc)).toEqual([m("claude")]);
  });

  it("drops agent chips of unknown providers, malformed parts, or nothing at all", () => {
    const doc = docOf(
      para(
        chip({ kind: "agent", provider: "gpt", variant: "4" }),
        chip({ kind: "agent", provider: "Claude" }),
        chip({ kind: "agent", provider: "claude", variant: "a b" }),
        chip({ kind: "agent" }),
        chip({ kind: "robot", provider: "claude" }),
      ),
    );
    expect(parseMentionsFromDoc(doc, { providers: new Set(["claude"]) })).toEqual([m("claude")]);
  });

  it("nothing in code is a mention: a chip with a code mark or inside a Markdown fence is not", () => {
    const agent = chip({ kind: "agent", provider: "claude", variant: "opus" });
    const doc = docOf(
      para(chip({ kind: "agent", provider: "gemini" }, [{ type: "code" }])),
      { type: "blockquote", content: [para({ type: "text", text: "```" }), para(agent), para({ type: "text", text: "```" })] },
      para({ type: "text", text: "    " }, agent),
    );
    expect(parseMentionsFromDoc(doc)).toEqual([]);
  });
});
