import { cutRanges, markdownRanges } from "@/lib/markdown/ranges";

/** Text after a guard, and whether the guard took anything out (the prompt then says so). */
export type Cleaned = { text: string; removed: boolean };

// What a reader of the tracker cannot see but a model still reads: zero-width characters and
// joiners, bidi controls that reorder what is shown, Unicode tag characters (they can spell a
// whole hidden sentence), interlinear annotations, and control characters such as terminal
// escapes. Tabs and line breaks stay, and so does the soft hyphen (harmless, and common in pasted
// text); a zero-width joiner stays only inside an emoji sequence (👩‍💻), where it hides nothing.
const INVISIBLE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u180E\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u206F\uFEFF\uFFF9-\uFFFB\u{E0000}-\u{E007F}]|(?<!\p{Extended_Pictographic}[\uFE0F\u{1F3FB}-\u{1F3FF}]?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

/** Removes invisible and direction-changing characters; line endings become `\n`. */
export function stripInvisible(text: string): Cleaned {
  const lines = text.replace(/\r\n?/g, "\n");
  const out = lines.replace(INVISIBLE, "");
  return { text: out, removed: out.length !== lines.length };
}

/** Removes `<!-- … -->` from plain text; one left open runs to the end, as it would in HTML. */
export function stripHtmlComments(text: string): Cleaned {
  const out = text.replace(/<!--[\s\S]*?(?:-->|$)/g, "");
  return { text: out, removed: out !== text };
}

// Markdown the tracker parses but never shows: raw HTML (HTML comments included; the renderer
// drops raw HTML) and link reference definitions (`[//]: # (a hidden note)`).
const UNSHOWN = new Set(["html", "definition"]);

/** Removes what a rendered Markdown description does not show, so an agent reads what people read. */
export function stripUnshownMarkdown(markdown: string): Cleaned {
  const ranges = markdown.includes("<") || markdown.includes("]:") ? markdownRanges(markdown, UNSHOWN) : [];
  // What was cut often stood alone between blank lines: keep one blank line where it was.
  return ranges.length ? { text: cutRanges(markdown, ranges).replace(/\n{3,}/g, "\n\n"), removed: true } : { text: markdown, removed: false };
}

/** Both guards for text quoted into a prompt: invisible characters first, so they cannot disguise a comment. */
export function cleanQuoted(text: string, kind: "markdown" | "plain"): Cleaned {
  const visible = stripInvisible(text);
  const shown = kind === "markdown" ? stripUnshownMarkdown(visible.text) : stripHtmlComments(visible.text);
  return { text: shown.text, removed: visible.removed || shown.removed };
}

/**
 * Breaks every run of three `<` or `>` (`<<<` becomes `< <<`), so no text placed in a prompt can
 * write a quote marker (`<<<END QUOTED …>>>`), whatever nonce it guesses.
 */
export function breakMarkers(text: string): string {
  return text.replace(/([<>])(?=\1\1)/g, "$1 ");
}

/** A per-prompt secret for the quote markers: quoted text cannot know it in advance. */
export function promptNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
