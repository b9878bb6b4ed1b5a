import type { Extensions } from "@tiptap/core";
import Link from "@tiptap/extension-link";
import StarterKit from "@tiptap/starter-kit";
import { MentionChip } from "./mention-node";

/**
 * The comment editor's document schema, without React: the browser editor and the server's
 * validation and rendering use the same list, so what one accepts the other can render.
 */
export function commentExtensions(): Extensions {
  return [
    StarterKit.configure({ heading: { levels: [2, 3] }, horizontalRule: false }),
    Link.configure({ openOnClick: false, autolink: true, protocols: ["http", "https", "mailto"] }),
    MentionChip,
  ];
}
