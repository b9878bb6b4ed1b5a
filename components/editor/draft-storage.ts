import type { JSONContent } from "@tiptap/core";

/** An unsent comment, kept in the browser per workspace and issue so a reload or a crash does not lose it. */
export const draftKey = (slug: string, issueKey: string) => `dispatch:comment-draft:${slug}:${issueKey}`;

export function loadDraft(key: string): JSONContent | null {
  try {
    const raw = window.localStorage.getItem(key);
    const json: unknown = raw ? JSON.parse(raw) : null;
    return json && typeof json === "object" && (json as JSONContent).type === "doc" ? (json as JSONContent) : null;
  } catch {
    return null;
  }
}

/** Saves the document, or forgets the draft when `doc` is null (sent, or emptied). */
export function saveDraft(key: string, doc: JSONContent | null) {
  try {
    if (doc) window.localStorage.setItem(key, JSON.stringify(doc));
    else window.localStorage.removeItem(key);
  } catch {
    // Storage full or disabled: the draft lives only in the editor.
  }
}
