/**
 * Syntax highlighting for the diff view, loaded with `import()` only when a diff opens. lowlight
 * returns a hast tree of highlight.js tokens; it is turned into React elements here, so the
 * (untrusted) patch text is only ever a text child and never parsed as HTML.
 */
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import css from "highlight.js/lib/languages/css";
import dockerfile from "highlight.js/lib/languages/dockerfile";
import go from "highlight.js/lib/languages/go";
import ini from "highlight.js/lib/languages/ini";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import makefile from "highlight.js/lib/languages/makefile";
import markdown from "highlight.js/lib/languages/markdown";
import php from "highlight.js/lib/languages/php";
import python from "highlight.js/lib/languages/python";
import ruby from "highlight.js/lib/languages/ruby";
import rust from "highlight.js/lib/languages/rust";
import scss from "highlight.js/lib/languages/scss";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";
import type { ElementContent, Root } from "hast";
import { createLowlight } from "lowlight";
import type { ReactNode } from "react";
import type { DiffLine } from "@/lib/sessions/diff";

const lowlight = createLowlight({ bash, c, cpp, css, dockerfile, go, ini, java, javascript, json, makefile, markdown, php, python, ruby, rust, scss, sql, typescript, xml, yaml });

const BY_EXTENSION: Record<string, string> = {
  ts: "typescript", tsx: "typescript", mts: "typescript", cts: "typescript",
  js: "javascript", jsx: "javascript", mjs: "javascript", cjs: "javascript",
  json: "json", jsonc: "json",
  css: "css", scss: "scss",
  html: "xml", htm: "xml", xml: "xml", svg: "xml", vue: "xml",
  md: "markdown", mdx: "markdown", markdown: "markdown",
  py: "python", go: "go", rs: "rust", rb: "ruby", php: "php", java: "java",
  c: "c", h: "c", cc: "cpp", cpp: "cpp", hpp: "cpp",
  sh: "bash", bash: "bash", zsh: "bash",
  yml: "yaml", yaml: "yaml", toml: "ini", ini: "ini", cfg: "ini", env: "bash",
  sql: "sql",
};

const BY_NAME: Record<string, string> = { dockerfile: "dockerfile", makefile: "makefile", gnumakefile: "makefile", ".bashrc": "bash", ".zshrc": "bash" };

export function languageFor(path: string): string | undefined {
  const name = (path.split("/").at(-1) ?? "").toLowerCase();
  if (BY_NAME[name]) return BY_NAME[name];
  if (name.startsWith("dockerfile.") || name.endsWith(".dockerfile")) return "dockerfile";
  const dot = name.lastIndexOf(".");
  return dot >= 0 ? BY_EXTENSION[name.slice(dot + 1)] : undefined;
}

// highlight.js scopes to Tailwind colours (a light, GitHub-like palette); unlisted scopes stay plain.
const SCOPE_CLASS: Record<string, string> = {
  keyword: "text-rose-700", doctag: "text-rose-700", "template-tag": "text-rose-700", "template-variable": "text-rose-700", type: "text-rose-700", meta: "text-blue-700",
  title: "text-violet-700", "selector-id": "text-violet-700", "selector-class": "text-violet-700",
  attr: "text-blue-700", attribute: "text-blue-700", literal: "text-blue-700", number: "text-blue-700", operator: "text-blue-700", variable: "text-blue-700", "selector-attr": "text-blue-700", property: "text-blue-700", params: "text-slate-800",
  string: "text-sky-900", regexp: "text-sky-900", "meta-string": "text-sky-900",
  built_in: "text-orange-700", symbol: "text-orange-700",
  comment: "text-slate-500 italic", code: "text-slate-500", formula: "text-slate-500",
  name: "text-green-700", quote: "text-green-700", "selector-tag": "text-green-700", "selector-pseudo": "text-green-700", tag: "text-slate-700",
  section: "text-blue-700 font-semibold", bullet: "text-amber-700", emphasis: "italic", strong: "font-semibold", link: "underline",
};

type Token = { text: string; className?: string };

/** Longer hunk sides (or minified one-line files) are left plain: highlighting them costs more than it helps. */
const MAX_SIDE_CHARS = 200_000;
const MAX_LINE_CHARS = 4_000;

/**
 * One highlighted node per diff line, or null when the file's language is unknown. The old side
 * (context + removed lines) and the new side (context + added lines) are highlighted as whole
 * blocks, so a comment or string spanning lines keeps its colour; each line takes its tokens
 * from the side it belongs to.
 */
export function highlightHunk(path: string, lines: DiffLine[]): ReactNode[] | null {
  const language = languageFor(path);
  if (!language) return null;
  const oldSide: string[] = [];
  const newSide: string[] = [];
  for (const l of lines) {
    if (l.text.length > MAX_LINE_CHARS) return null;
    if (l.kind === "ctx" || l.kind === "del") oldSide.push(l.text);
    if (l.kind === "ctx" || l.kind === "add") newSide.push(l.text);
  }
  const oldTokens = tokenLines(language, oldSide);
  const newTokens = tokenLines(language, newSide);
  if (!oldTokens || !newTokens) return null;
  let o = 0;
  let n = 0;
  return lines.map((l) => {
    if (l.kind === "note") return l.text;
    const tokens = l.kind === "del" ? oldTokens[o++] : l.kind === "add" ? newTokens[n++] : (o++, newTokens[n++]);
    return tokens ? renderTokens(tokens) : l.text;
  });
}

function tokenLines(language: string, lines: string[]): Token[][] | null {
  if (lines.length === 0) return [];
  const text = lines.join("\n");
  if (text.length > MAX_SIDE_CHARS) return null;
  let tree: Root;
  try {
    tree = lowlight.highlight(language, text);
  } catch {
    return null;
  }
  const out: Token[][] = [[]];
  const walk = (nodes: ElementContent[], className: string | undefined) => {
    for (const node of nodes) {
      if (node.type === "text") {
        const parts = node.value.split("\n");
        parts.forEach((part, i) => {
          if (i > 0) out.push([]);
          if (part) out.at(-1)!.push({ text: part, className });
        });
      } else if (node.type === "element") {
        walk(node.children, scopeClass(node.properties.className) ?? className);
      }
    }
  };
  walk(tree.children as ElementContent[], undefined);
  return out;
}

function scopeClass(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const c of value) {
    if (typeof c === "string" && c.startsWith("hljs-")) return SCOPE_CLASS[c.slice("hljs-".length)];
  }
  return undefined;
}

function renderTokens(tokens: Token[]): ReactNode {
  return tokens.map((t, i) =>
    t.className ? (
      <span key={i} className={t.className}>
        {t.text}
      </span>
    ) : (
      t.text
    ),
  );
}
