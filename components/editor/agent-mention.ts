import { Extension } from "@tiptap/core";
import { PluginKey } from "@tiptap/pm/state";
import { ReactRenderer } from "@tiptap/react";
import Suggestion from "@tiptap/suggestion";
import type { SuggestionItem } from "@/lib/agents/suggestions";
import { MentionMenu, type MentionMenuHandle } from "./mention-menu";

type Options = { items: (query: string) => SuggestionItem[] };

/**
 * `@` suggestions for people, agents and (after an agent, or `:`) skills. Picking a person or a
 * complete agent inserts a chip (a `mention` node the server reads by its attributes); an agent
 * with skills still to pick is typed text until then. Typed mentions keep working as text.
 */
export const AgentMention = Extension.create<Options>({
  name: "agentMention",
  addOptions: () => ({ items: () => [] }),
  addProseMirrorPlugins() {
    return [
      Suggestion<SuggestionItem, SuggestionItem>({
        editor: this.editor,
        pluginKey: new PluginKey("agentMention"),
        char: "@",
        items: ({ query }) => this.options.items(query),
        command: ({ editor, range, props }) => {
          const content = props.chip ? [{ type: "mention", attrs: props.chip }, { type: "text", text: " " }] : props.insert;
          editor.chain().focus().insertContentAt(range, content).run();
        },
        render: () => {
          let renderer: ReactRenderer<MentionMenuHandle> | null = null;
          let popup: HTMLDivElement | null = null;
          const place = (rect: DOMRect | null | undefined) => {
            if (!popup || !rect) return;
            popup.style.left = `${Math.min(rect.left, window.innerWidth - 300)}px`;
            popup.style.top = `${rect.bottom + 6}px`;
          };
          return {
            onStart: (props) => {
              renderer = new ReactRenderer(MentionMenu, { props, editor: props.editor });
              popup = document.createElement("div");
              popup.style.position = "fixed";
              popup.style.zIndex = "50";
              popup.appendChild(renderer.element);
              document.body.appendChild(popup);
              place(props.clientRect?.());
            },
            onUpdate: (props) => {
              renderer?.updateProps(props);
              place(props.clientRect?.());
            },
            onKeyDown: ({ event }) => {
              if (event.key === "Escape") {
                popup?.remove();
                return true;
              }
              return renderer?.ref?.onKeyDown(event) ?? false;
            },
            onExit: () => {
              popup?.remove();
              renderer?.destroy();
              popup = null;
              renderer = null;
            },
          };
        },
      }),
    ];
  },
});
