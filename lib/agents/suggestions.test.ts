import { describe, expect, it } from "vitest";
import type { AgentPicker } from "./picker";
import { suggestionItems } from "./suggestions";

const picker: AgentPicker = {
  providers: [
    { slug: "claude", name: "Claude", group: "Anthropic", variants: [{ slug: "opus", name: "Claude Opus", isDefault: false }, { slug: "sonnet", name: "Claude Sonnet", isDefault: true }] },
    { slug: "gemini", name: "Gemini", group: "Google", variants: [{ slug: "flash", name: "Gemini Flash", isDefault: false }] },
  ],
  skills: [
    { trigger: "fix-bug", name: "Fix bug", description: "Make the failing test pass", defaultProvider: "claude" },
    { trigger: "review", name: "Review", description: "", defaultProvider: null },
  ],
  members: [{ id: "u1", name: "Ada Lovelace" }, { id: "u2", name: "Claudia Cardinale" }],
  providerSlugs: ["claude", "gemini"],
};

const labels = (q: string) => suggestionItems(picker, q).map((i) => `${i.group}/${i.label}`);

describe("@ suggestions", () => {
  it("lists agents grouped by provider, then people, for a bare @", () => {
    expect(labels("")).toEqual(["Anthropic/Claude Opus", "Anthropic/Claude Sonnet", "Google/Gemini Flash", "People/Ada Lovelace", "People/Claudia Cardinale"]);
  });

  it("filters by slug or name, so @cla finds Claude agents and Claudia", () => {
    expect(labels("cla")).toEqual(["Anthropic/Claude Opus", "Anthropic/Claude Sonnet", "People/Claudia Cardinale"]);
    expect(suggestionItems(picker, "cla")[1]).toMatchObject({ insert: "@claude-sonnet", keepOpen: true });
  });

  it("offers the skills of a complete agent token, and after `:` filters them", () => {
    expect(labels("claude-sonnet")).toEqual(["Skills/No skill", "Skills/Fix bug", "Skills/Review"]);
    expect(suggestionItems(picker, "claude-sonnet:fi").map((i) => i.insert)).toEqual(["@claude-sonnet:fix-bug "]);
    expect(suggestionItems(picker, ":rev").map((i) => i.insert)).toEqual(["@:review "]);
  });

  it("offers nothing for an agent that cannot run", () => {
    expect(suggestionItems(picker, "gpt:")).toEqual([]);
    expect(labels("zzz")).toEqual([]);
  });

  it("a complete pick carries its chip: agent with skill, No skill, a person; an agent with skills to pick stays text", () => {
    expect(suggestionItems(picker, "claude-sonnet:fi")[0]!.chip).toEqual({ kind: "agent", id: null, label: "Claude Sonnet", provider: "claude", variant: "sonnet", skill: "fix-bug" });
    expect(suggestionItems(picker, "claude-opus")[0]!.chip).toEqual({ kind: "agent", id: null, label: "Claude Opus", provider: "claude", variant: "opus", skill: null });
    expect(suggestionItems(picker, ":rev")[0]!.chip).toMatchObject({ kind: "agent", provider: null, skill: "review", label: "" });
    expect(suggestionItems(picker, "ada")[0]!.chip).toEqual({ kind: "user", id: "u1", label: "Ada Lovelace", provider: null, variant: null, skill: null });
    expect(suggestionItems(picker, "cla")[0]!.chip).toBeUndefined();
    expect(suggestionItems({ ...picker, skills: [] }, "cla")[0]!.chip).toMatchObject({ kind: "agent", provider: "claude", variant: "opus", skill: null });
  });
});
