import { mergeAttributes } from "@tiptap/core";
import Mention from "@tiptap/extension-mention";

/** What a chip picked from the `@` menu stores: an agent (provider, variant, skill) or a person (user id). */
export type MentionAttrs = {
  kind: "agent" | "user";
  /** The person's user id; null for agents. */
  id: string | null;
  label: string;
  provider: string | null;
  variant: string | null;
  skill: string | null;
};

/** The chip's text, e.g. "@Claude Opus :fix-bug", "@:review", "@Ada Lovelace". */
export function mentionChipText(a: Partial<Record<keyof MentionAttrs, unknown>>): string {
  const label = typeof a.label === "string" ? a.label : "";
  const skill = a.kind === "agent" && typeof a.skill === "string" && a.skill ? `:${a.skill}` : "";
  return `@${label}${label && skill ? " " : ""}${skill}`;
}

const dataAttr = (name: keyof MentionAttrs, attr: string) => ({
  default: null,
  parseHTML: (el: HTMLElement) => el.getAttribute(attr),
  renderHTML: (attrs: Record<string, unknown>) => (typeof attrs[name] === "string" && attrs[name] ? { [attr]: attrs[name] } : {}),
});

/**
 * A mention as one atomic inline node (a chip). Shared by the browser editor and the server's
 * validation and rendering; the `@` menu that inserts it lives in the browser (AgentMention), so
 * Mention's own suggestion plugin is off.
 */
export const MentionChip = Mention.extend({
  addAttributes() {
    return {
      kind: { ...dataAttr("kind", "data-kind"), default: "user" },
      id: dataAttr("id", "data-user-id"),
      label: dataAttr("label", "data-label"),
      provider: dataAttr("provider", "data-provider"),
      variant: dataAttr("variant", "data-variant"),
      skill: dataAttr("skill", "data-skill"),
    };
  },
  renderHTML({ node, HTMLAttributes }) {
    return ["span", mergeAttributes({ "data-type": this.name }, HTMLAttributes), mentionChipText(node.attrs)];
  },
  renderText({ node }) {
    return mentionChipText(node.attrs);
  },
  // ProseMirror's textBetween (the server's plain text, the prompt) reads a leaf's leafText.
  extendNodeSchema(extension) {
    return extension.name === "mention" ? { leafText: (node: { attrs: Record<string, unknown> }) => mentionChipText(node.attrs) } : {};
  },
  addKeyboardShortcuts() {
    return {
      // One Backspace removes the whole chip (Mention's own turns it back into "@").
      Backspace: () =>
        this.editor.commands.command(({ tr, state }) => {
          const { empty, from } = state.selection;
          const before = empty ? state.doc.resolve(from).nodeBefore : null;
          if (!before || before.type.name !== this.name) return false;
          tr.delete(from - before.nodeSize, from);
          return true;
        }),
    };
  },
  addProseMirrorPlugins() {
    return [];
  },
});
