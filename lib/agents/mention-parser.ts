/**
 * Agent mentions: `@provider[-variant][:skill]`, e.g. `@claude`, `@claude-opus`,
 * `@gemini-flash:review`, `@claude:fix-bug`, and `@:review` (the skill's default provider).
 * No framework imports: used by the server on saved comments and by the editor in the browser.
 */
export type AgentMention = { provider: string | null; variant: string | null; skill: string | null };

const SLUG = "[a-z][a-z0-9]*";
const SKILL = "[a-z0-9]+(?:-[a-z0-9]+)*";
// A mention starts at the beginning or after a character that cannot belong to a word, an
// e-mail address, a path or a URL; `\@` is an escape. It must not run on into more word characters.
const MENTION = new RegExp(`(?<![\\p{L}\\p{N}_.@\\\\/:=+%~#&?-])@(?:(${SLUG})(?:-(${SKILL}))?(?::(${SKILL}))?|:(${SKILL}))(?![\\p{L}\\p{N}_@/-]|:[a-z0-9])`, "gu");

/** Blanks out inline code and fenced/indented code so `@x` inside them is not read. */
function maskMarkdownCode(text: string): string {
  const blank = (m: string) => m.replace(/[^\n]/g, " ");
  return text
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?(?:^\1[^\n]*$|(?![\s\S]))/gm, blank)
    .replace(/(`+)[^`]*?\1/g, blank);
}

/** Mentions in plain text (API clients), in order of appearance, duplicates included. */
export function parseMentionsFromText(text: string, options: { providers?: ReadonlySet<string> } = {}): AgentMention[] {
  if (typeof text !== "string" || !text.includes("@")) return [];
  const out: AgentMention[] = [];
  for (const m of maskMarkdownCode(text).matchAll(MENTION)) {
    const [, provider, variant, skill, bareSkill] = m;
    const mention: AgentMention = provider
      ? { provider, variant: variant ?? null, skill: skill ?? null }
      : { provider: null, variant: null, skill: bareSkill ?? null };
    // `@alice` is a person, not an agent: only known provider slugs count, when the caller knows them.
    if (mention.provider && options.providers && !options.providers.has(mention.provider)) continue;
    out.push(mention);
  }
  return out;
}

type Node = { type?: string; text?: string; attrs?: Record<string, unknown>; marks?: { type?: string }[]; content?: Node[] };

/**
 * Mentions in an editor document: structured `agentMention` nodes, plus typed text outside
 * code marks and code blocks (people paste `@claude` as text too).
 */
export function parseMentionsFromDoc(doc: unknown, options: { providers?: ReadonlySet<string> } = {}): AgentMention[] {
  const out: AgentMention[] = [];
  let run = "";
  const flush = () => {
    if (run) out.push(...parseMentionsFromText(run, options));
    run = "";
  };
  const str = (v: unknown) => (typeof v === "string" && v ? v : null);
  const walk = (node: Node | undefined, depth: number) => {
    if (!node || typeof node !== "object" || depth > 100) return;
    if (node.type === "agentMention") {
      flush();
      out.push({ provider: str(node.attrs?.provider), variant: str(node.attrs?.variant), skill: str(node.attrs?.skill) });
      return;
    }
    if (node.type === "codeBlock") return flush();
    if (node.type === "text") {
      if (node.marks?.some((m) => m.type === "code")) return flush();
      run += node.text ?? "";
      return;
    }
    if (node.type === "hardBreak") run += "\n";
    const block = node.type !== "text" && Array.isArray(node.content);
    if (block) flush();
    if (Array.isArray(node.content)) for (const child of node.content) walk(child, depth + 1);
    if (block) flush();
  };
  walk(doc as Node, 0);
  flush();
  return out;
}

export function formatMention(m: AgentMention): string {
  if (!m.provider) return `@:${m.skill ?? ""}`;
  return `@${m.provider}${m.variant ? `-${m.variant}` : ""}${m.skill ? `:${m.skill}` : ""}`;
}
