import type { Root } from "mdast";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { SKIP, visit } from "unist-util-visit";

// Parse only (no rendering), with GFM like renderMarkdown, so a region means what the rendered page shows.
const parser = unified().use(remarkParse).use(remarkGfm).freeze();

export type Range = [start: number, end: number];

/**
 * Source offsets of the outermost nodes of the given mdast types (`code`, `inlineCode`, `html`, …),
 * in order. Offsets index the string as given, so callers can blank or cut exactly those characters.
 */
export function markdownRanges(markdown: string, types: ReadonlySet<string>): Range[] {
  const out: Range[] = [];
  visit(parser.parse(markdown) as Root, (node) => {
    if (!types.has(node.type)) return;
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start !== undefined && end !== undefined && end > start) out.push([start, end]);
    return SKIP;
  });
  return out;
}

/** Replaces every character of the ranges but line breaks with a space, keeping all offsets. */
export function blankRanges(text: string, ranges: readonly Range[]): string {
  if (ranges.length === 0) return text;
  let out = "";
  let at = 0;
  for (const [start, end] of ranges) {
    out += text.slice(at, start) + text.slice(start, end).replace(/[^\n]/g, " ");
    at = end;
  }
  return out + text.slice(at);
}

/** The text without the ranges. */
export function cutRanges(text: string, ranges: readonly Range[]): string {
  let out = "";
  let at = 0;
  for (const [start, end] of ranges) {
    out += text.slice(at, start);
    at = end;
  }
  return out + text.slice(at);
}
