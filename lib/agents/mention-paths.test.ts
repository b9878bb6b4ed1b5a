import { describe, expect, it } from "vitest";
import { buildCommentBody, docFromText } from "@/lib/comments/body";
import { parseMentionsFromDoc, parseMentionsFromText, type AgentMention } from "./mention-parser";

// The same visible content written as plain text (API clients) and in the editor must start the
// same agents. Each row is read three ways: the raw text, the document the comments route stores
// for that text (and invoke reads back by comment_id), and the editor's document.

const providers = new Set(["claude", "gemini"]);
const gemini: AgentMention = { provider: "gemini", variant: null, skill: null };

const t = (text: string, code = false) => ({ type: "text", text, ...(code && { marks: [{ type: "code" }] }) });
const p = (...content: unknown[]) => ({ type: "paragraph", content });
const codeBlock = (text: string, language: string | null = null) => ({ type: "codeBlock", attrs: { language }, content: [t(text)] });
const list = (type: "bulletList" | "orderedList", ...items: unknown[][]) => ({ type, content: items.map((content) => ({ type: "listItem", content })) });
const doc = (...content: unknown[]) => ({ type: "doc", content });

const rows: [what: string, text: string, editor: unknown, expected: AgentMention[]][] = [
  ["a plain mention", "@gemini run this", doc(p(t("@gemini run this"))), [gemini]],
  ["a ``` fenced block", "```\n@gemini run this\n```", doc(codeBlock("@gemini run this")), []],
  ["a ~~~ fenced block with a language", "~~~sh\n@gemini run this\n~~~", doc(codeBlock("@gemini run this", "sh")), []],
  ["a fence after a paragraph", "Try this:\n```\nmake && @gemini run\n```", doc(p(t("Try this:")), codeBlock("make && @gemini run")), []],
  ["indented code", "Look:\n\n    @gemini run this", doc(p(t("Look:")), codeBlock("@gemini run this")), []],
  ["inline code", "run `@gemini` now", doc(p(t("run "), t("@gemini", true), t(" now"))), []],
  ["inline code with double backticks", "run ``@gemini `x` `` now", doc(p(t("run "), t("@gemini `x` ", true), t(" now"))), []],
  ["a mention right after a code span", "`npm test` @gemini fix it", doc(p(t("npm test", true), t(" @gemini fix it"))), [gemini]],
  ["a mention touching a code span", "run `x`@gemini", doc(p(t("run "), t("x", true), t("@gemini"))), [gemini]],
  ["a mention after a closed fence", "```\ncode\n```\n@gemini after", doc(codeBlock("code"), p(t("@gemini after"))), [gemini]],
  ["a blockquote", "> @gemini look at this", doc({ type: "blockquote", content: [p(t("@gemini look at this"))] }), [gemini]],
  ["a bullet list", "- first\n- @gemini look", doc(list("bulletList", [p(t("first"))], [p(t("@gemini look"))])), [gemini]],
  ["an ordered list", "1. @gemini look", doc(list("orderedList", [p(t("@gemini look"))])), [gemini]],
  ["an escaped at sign", "\\@gemini run this", doc(p(t("\\@gemini run this"))), []],
  ["an e-mail address", "mail a@gemini.com", doc(p(t("mail a@gemini.com"))), []],
];

describe("mentions read from text and from the editor agree", () => {
  it.each(rows)("%s", (_what, text, editor, expected) => {
    expect(parseMentionsFromText(text, { providers }), "raw text").toEqual(expected);
    expect(parseMentionsFromDoc(buildCommentBody(docFromText(text)).json, { providers }), "the stored plain-text comment").toEqual(expected);
    expect(parseMentionsFromDoc(buildCommentBody(editor).json, { providers }), "the editor's document").toEqual(expected);
  });
});
