/**
 * Agent mentions: `@provider[-variant][:skill]`, e.g. `@claude`, `@claude-opus`,
 * `@gemini-flash:review`, `@claude:fix-bug`, and `@:review` (the skill's default provider).
 * No framework imports: used by the server on saved comments and by the editor in the browser.
 *
 * Text is read as Markdown: nothing inside fenced or indented code blocks or inline code is a
 * mention. An editor document is read as the same Markdown (consecutive paragraphs are lines of
 * one text, as a plain-text comment's are), so a comment gives the same agents whichever way it
 * was written and whenever it is read again.
 */
import { blankRanges, markdownRanges } from "@/lib/markdown/ranges";

export type AgentMention = { provider: string | null; variant: string | null; skill: string | null };
type Options = { providers?: ReadonlySet<string> };

const SLUG = "[a-z][a-z0-9]*";
const SKILL = "[a-z0-9]+(?:-[a-z0-9]+)*";
// A mention starts at the beginning or after a character that cannot belong to a word, an
// e-mail address, a path or a URL; `\@` is an escape. It must not run on into more word characters.
const MENTION = new RegExp(`(?<![\\p{L}\\p{N}_.@\\\\/:=+%~#&?-])@(?:(${SLUG})(?:-(${SKILL}))?(?::(${SKILL}))?|:(${SKILL}))(?![\\p{L}\\p{N}_@/-]|:[a-z0-9])`, "gu");
const CODE = new Set(["code", "inlineCode"]);
/** Stands for an inline piece that is not text (code-marked text, a mention chip): not a word, not Markdown syntax. */
const OBJECT = "\uFFFC";

type Found = { at: number; mention: AgentMention };

/** Mentions in one Markdown text, with their offsets; `chips` are structured mentions placed in it. */
function mentionsIn(text: string, chips: readonly Found[], options: Options): Found[] {
  if (!text.includes("@") && chips.length === 0) return [];
  const visible = blankRanges(text, markdownRanges(text, CODE));
  const out: Found[] = chips.filter((c) => visible[c.at] === OBJECT);
  for (const m of visible.matchAll(MENTION)) {
    const [, provider, variant, skill, bareSkill] = m;
    const mention: AgentMention = provider
      ? { provider, variant: variant ?? null, skill: skill ?? null }
      : { provider: null, variant: null, skill: bareSkill ?? null };
    // `@alice` is a person, not an agent: only known provider slugs count, when the caller knows them.
    if (mention.provider && options.providers && !options.providers.has(mention.provider)) continue;
    out.push({ at: m.index, mention });
  }
  return out.sort((a, b) => a.at - b.at);
}

const SLUG_ONLY = new RegExp(`^${SLUG}$`);
const SKILL_ONLY = new RegExp(`^${SKILL}$`);

/** An agent chip's mention, held to the same rules as a typed one; null for anything else. */
function chipMention(attrs: Record<string, unknown> | undefined, options: Options): AgentMention | null {
  if (!attrs || attrs.kind !== "agent") return null; // a person's chip starts nothing
  const part = (v: unknown, re: RegExp) => (typeof v === "string" && re.test(v) ? v : null);
  const provider = part(attrs.provider, SLUG_ONLY);
  const variant = provider ? part(attrs.variant, SKILL_ONLY) : null;
  const skill = part(attrs.skill, SKILL_ONLY);
  if (!provider && !skill) return null;
  if (provider && options.providers && !options.providers.has(provider)) return null;
  return { provider, variant, skill };
}

/** Mentions in plain text (API clients, the editor's live count), in order of appearance, duplicates included. */
export function parseMentionsFromText(text: string, options: Options = {}): AgentMention[] {
  if (typeof text !== "string") return [];
  return mentionsIn(text, [], options).map((f) => f.mention);
}

type Node = { type?: string; text?: string; attrs?: Record<string, unknown>; marks?: { type?: string }[]; content?: Node[] };
const inCode = (node: Node) => Array.isArray(node.marks) && node.marks.some((m) => m?.type === "code");

type Chip = { at: number; attrs: Record<string, unknown> | undefined };

/**
 * Reads an editor document as the Markdown texts it stands for: each text (code-marked text and
 * chips replaced by one placeholder character each) with the chips placed in it (not those in code).
 */
function visitDocTexts(doc: unknown, visit: (text: string, chips: Chip[]) => void): void {
  let run = "";
  let chips: Chip[] = [];
  const flush = () => {
    if (run) visit(run, chips);
    run = "";
    chips = [];
  };
  const walk = (node: Node | undefined, depth: number) => {
    if (!node || typeof node !== "object" || depth > 100) return;
    switch (node.type) {
      case "mention": {
        // A chip picked from the menu: read from its attributes, never from its label; in code it is nothing.
        if (!inCode(node)) chips.push({ at: run.length, attrs: node.attrs });
        run += OBJECT;
        return;
      }
      case "codeBlock":
        return flush();
      case "text":
        run += inCode(node) ? OBJECT : typeof node.text === "string" ? node.text : "";
        return;
      case "hardBreak":
        run += "\n";
        return;
    }
    const children = Array.isArray(node.content) ? node.content : [];
    if (node.type === "paragraph") {
      for (const child of children) walk(child, depth + 1);
      return;
    }
    // Any other node bounds a text. Inside it, consecutive paragraphs are lines of one text: a
    // plain-text comment is stored as one paragraph per line, and a fence spans those lines.
    flush();
    let afterParagraph = false;
    for (const child of children) {
      const paragraph = child?.type === "paragraph";
      if (paragraph && afterParagraph) run += "\n";
      else if (paragraph) flush();
      walk(child, depth + 1);
      afterParagraph = paragraph;
    }
    flush();
  };
  walk(doc as Node, 0);
  flush();
}

/**
 * Mentions in an editor document: typed text outside code marks and code blocks, read as
 * Markdown, plus agent chips (`mention` nodes of kind "agent") by their attributes.
 */
export function parseMentionsFromDoc(doc: unknown, options: Options = {}): AgentMention[] {
  const out: AgentMention[] = [];
  visitDocTexts(doc, (text, chips) => {
    const agentChips = chips.flatMap((c) => {
      const mention = chipMention(c.attrs, options);
      return mention ? [{ at: c.at, mention }] : [];
    });
    out.push(...mentionsIn(text, agentChips, options).map((f) => f.mention));
  });
  return out;
}

// `@AdaLovelace`, `@ada.l`: a person typed by name (spaces left out) or by the part of their e-mail before `@`.
const PERSON = /(?<![\p{L}\p{N}_.@\\/:=+%~#&?-])@(\p{L}[\p{L}\p{N}_.-]*[\p{L}\p{N}_]|\p{L})/gu;

/**
 * People a document mentions, read the way agent mentions are (nothing in code counts): the user
 * ids of person chips, and the handles typed as `@name` for the caller to match against members.
 */
export function personMentionsFromDoc(doc: unknown): { userIds: string[]; handles: string[] } {
  const userIds: string[] = [];
  const handles: string[] = [];
  visitDocTexts(doc, (text, chips) => {
    const visible = blankRanges(text, markdownRanges(text, CODE));
    for (const c of chips) if (c.attrs?.kind === "user" && typeof c.attrs.id === "string" && visible[c.at] === OBJECT) userIds.push(c.attrs.id);
    for (const m of visible.matchAll(PERSON)) handles.push(m[1]!);
  });
  return { userIds, handles };
}

export function formatMention(m: AgentMention): string {
  if (!m.provider) return `@:${m.skill ?? ""}`;
  return `@${m.provider}${m.variant ? `-${m.variant}` : ""}${m.skill ? `:${m.skill}` : ""}`;
}
