import { getSchema } from "@tiptap/core";
import type { Schema } from "@tiptap/pm/model";
import { DispatchError } from "@/lib/errors";
import { commentExtensions } from "./extensions";

/** Deeper than any document a person writes; far below what would overflow the renderer's recursion. */
export const MAX_DOC_DEPTH = 64;

type AttrRule = (v: unknown) => string | null;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const shortString = (max: number, nullable = true): AttrRule => (v) =>
  (v === null && nullable) || (typeof v === "string" && v.length <= max) ? null : `must be ${nullable ? "null or " : ""}text of at most ${max} characters`;
const integer = (min: number, max: number): AttrRule => (v) => (Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? null : `must be a whole number from ${min} to ${max}`);

/** An href the renderer can take: text, no spaces or control characters (its scheme is filtered when it renders). */
const href: AttrRule = (v) => (typeof v === "string" && v.length > 0 && v.length <= 2048 && !/[\s\p{Cc}]/u.test(v) ? null : "must be a URL (text of at most 2,048 characters without spaces)");

const slug = (pattern: RegExp): AttrRule => (v) => (v === null || (typeof v === "string" && v.length <= 60 && pattern.test(v)) ? null : `must be null or a slug like ${pattern.source}`);
const oneOf = (...values: string[]): AttrRule => (v) => (typeof v === "string" && values.includes(v) ? null : `must be one of ${values.join(", ")}`);

/** Attributes whose type the renderers rely on, by `node-or-mark.attribute`. */
const RULES: Record<string, AttrRule> = {
  "link.href": href,
  "link.target": shortString(20),
  "link.rel": shortString(100),
  "link.class": shortString(100),
  "heading.level": integer(1, 6),
  "codeBlock.language": shortString(40),
  "orderedList.start": integer(0, 1_000_000_000),
  "orderedList.type": shortString(10),
  // A mention chip: the parser reads provider, variant and skill as a typed mention's parts.
  "mention.kind": oneOf("agent", "user"),
  "mention.id": shortString(100),
  "mention.label": shortString(100),
  "mention.provider": slug(/^[a-z][a-z0-9]*$/),
  "mention.variant": slug(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  "mention.skill": slug(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
};
/** Anything else the schema declares (a later extension's attributes): a plain value. */
const plainValue: AttrRule = (v) =>
  v === null || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && v.length <= 1000) ? null : "must be a plain value";

const invalid = (field: string, message: string) => new DispatchError("bad_request:comment", message, { field });

function checkAttrs(owner: string, declared: Record<string, unknown>, attrs: unknown, field: string) {
  if (attrs === undefined) return;
  if (!isObject(attrs)) throw invalid(field, `The comment's ${owner} attributes must be an object.`);
  for (const [name, value] of Object.entries(attrs)) {
    if (!(name in declared)) continue; // ProseMirror drops attributes its schema does not declare
    const problem = (RULES[`${owner}.${name}`] ?? plainValue)(value);
    if (problem) throw invalid(`${field}.${name}`, `The ${owner} attribute ${name} ${problem}.`);
  }
}

/**
 * Checks an editor document's shape against the schema before anything else reads it: known node
 * and mark types, attributes of the types the renderers assume, and at most MAX_DOC_DEPTH levels
 * (ProseMirror and the HTML renderer recurse per level). Throws bad_request:comment naming the field.
 */
export function validateEditorDoc(json: unknown, field = "body", schema: Schema = defaultSchema()): void {
  const visit = (node: unknown, path: string, depth: number): void => {
    if (depth > MAX_DOC_DEPTH) throw invalid(field, `The comment is nested too deeply (at most ${MAX_DOC_DEPTH} levels).`);
    if (!isObject(node)) throw invalid(path, "The comment is not a valid editor document: every node must be an object.");
    const type = typeof node.type === "string" ? schema.nodes[node.type] : undefined;
    if (!type || !Object.hasOwn(schema.nodes, node.type as string)) throw invalid(path, "The comment contains a kind of block the editor does not have.");
    checkAttrs(type.name, type.spec.attrs ?? {}, node.attrs, `${path}.attrs`);
    if (type.name === "text" && typeof node.text !== "string") throw invalid(`${path}.text`, "The comment's text must be text.");
    if (node.marks !== undefined) {
      if (!Array.isArray(node.marks)) throw invalid(`${path}.marks`, "The comment's marks must be a list.");
      node.marks.forEach((mark: unknown, i) => {
        const markPath = `${path}.marks.${i}`;
        const markType = isObject(mark) && typeof mark.type === "string" && Object.hasOwn(schema.marks, mark.type) ? schema.marks[mark.type] : undefined;
        if (!markType || !isObject(mark)) throw invalid(markPath, "The comment contains a kind of formatting the editor does not have.");
        checkAttrs(markType.name, markType.spec.attrs ?? {}, mark.attrs, `${markPath}.attrs`);
      });
    }
    if (node.content !== undefined) {
      if (!Array.isArray(node.content)) throw invalid(`${path}.content`, "The comment's content must be a list.");
      node.content.forEach((child: unknown, i) => visit(child, `${path}.content.${i}`, depth + 1));
    }
  };
  visit(json, field, 1);
}

let cached: Schema | undefined;
const defaultSchema = () => (cached ??= getSchema(commentExtensions()));
