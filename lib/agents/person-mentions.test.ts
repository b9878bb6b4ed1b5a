import { describe, expect, it } from "vitest";
import { personMentionsFromDoc } from "./mention-parser";

const p = (...content: unknown[]) => ({ type: "paragraph", content });
const doc = (...content: unknown[]) => ({ type: "doc", content });
const text = (t: string, code = false) => ({ type: "text", text: t, ...(code ? { marks: [{ type: "code" }] } : {}) });
const chip = (kind: "user" | "agent", id: string | null, code = false) => ({ type: "mention", attrs: { kind, id, label: "x" }, ...(code ? { marks: [{ type: "code" }] } : {}) });

describe("personMentionsFromDoc", () => {
  it("reads person chips by id and typed @names, not agent chips, e-mail addresses or code", () => {
    const d = doc(
      p(chip("user", "u1"), text(" and @AdaLovelace, mail ada@example.com, "), chip("agent", null), text(" see "), text("@Grace", true), chip("user", "u2", true)),
      { type: "codeBlock", content: [text("@Linus")] },
      p(text("`@Ken` @ken.t.")),
    );
    expect(personMentionsFromDoc(d)).toEqual({ userIds: ["u1"], handles: ["AdaLovelace", "ken.t"] });
  });

  it("a fenced block typed as plain paragraphs hides its mentions", () => {
    expect(personMentionsFromDoc(doc(p(text("```")), p(text("@Ada")), p(text("```")), p(text("@Bob"))))).toEqual({ userIds: [], handles: ["Bob"] });
  });
});
