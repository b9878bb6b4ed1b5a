import { getSchema, type JSONContent } from "@tiptap/core";
import { generateHTML } from "@tiptap/html";
import { Node as PmNode } from "@tiptap/pm/model";
import { commentExtensions } from "@/lib/editor/extensions";
import { DispatchError } from "@/lib/errors";
import { sanitizeHtml } from "@/lib/markdown/render";

const MAX_JSON_BYTES = 200_000;
const extensions = commentExtensions();
const schema = getSchema(extensions);

/** A leaf's text: a mention chip's own ("@Claude Opus :fix-bug"), a space for anything else (a line break). */
const leafText = (n: PmNode) => n.type.spec.leafText?.(n) ?? " ";

export type CommentBody = { json: JSONContent; html: string; text: string };

/** A plain-text comment from an API client: one paragraph per line. */
export function docFromText(text: string): JSONContent {
  return {
    type: "doc",
    content: text.split(/\r?\n/).map((line) => (line ? { type: "paragraph", content: [{ type: "text", text: line }] } : { type: "paragraph" })),
  };
}

/**
 * Checks an editor document against the comment schema and renders it on the server; the
 * browser's HTML is never trusted. Throws bad_request:comment naming the field.
 */
export function buildCommentBody(json: unknown, field = "body"): CommentBody {
  if (JSON.stringify(json ?? null).length > MAX_JSON_BYTES) {
    throw new DispatchError("bad_request:comment", "The comment is too long (at most about 200 KB).", { field });
  }
  let node: PmNode;
  try {
    node = PmNode.fromJSON(schema, json as Record<string, unknown>);
    node.check();
  } catch {
    throw new DispatchError("bad_request:comment", "The comment is not a valid editor document.", { field });
  }
  if (node.type.name !== "doc") {
    throw new DispatchError("bad_request:comment", "The comment is not a valid editor document.", { field });
  }
  const text = node.textBetween(0, node.content.size, "\n", leafText).trim();
  if (!text) throw new DispatchError("bad_request:comment", "Write something before sending the comment.", { field });
  const clean = node.toJSON() as JSONContent;
  return { json: clean, html: sanitizeHtml(generateHTML(clean, extensions)), text };
}

/** The plain text of a stored editor document (for prompts); "" for anything unreadable. */
export function commentText(json: unknown): string {
  try {
    const node = PmNode.fromJSON(schema, json as Record<string, unknown>);
    return node.textBetween(0, node.content.size, "\n", leafText).trim();
  } catch {
    return "";
  }
}
