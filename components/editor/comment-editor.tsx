"use client";

import type { JSONContent } from "@tiptap/core";
import Placeholder from "@tiptap/extension-placeholder";
import { EditorContent, useEditor, type Editor } from "@tiptap/react";
import { useMemo, useRef } from "react";
import type { SuggestionItem } from "@/lib/agents/suggestions";
import { commentExtensions } from "@/lib/editor/extensions";
import { AgentMention } from "./agent-mention";

type Props = {
  initialContent?: JSONContent;
  placeholder?: string;
  submitLabel: string;
  pending?: boolean;
  error?: string;
  /** Resolve true when the comment was saved: the editor then clears. On false the text stays. */
  onSubmit: (doc: JSONContent) => Promise<boolean>;
  onCancel?: () => void;
  autoFocus?: boolean;
  /** `@` suggestions (people, agents, skills); without it `@` is plain text. */
  mentions?: (query: string) => SuggestionItem[];
  /** The document after every change (the send button counts the agents it mentions, as the server will). */
  onDocChange?: (doc: JSONContent) => void;
  /** Shown left of the buttons when there is no error. */
  hint?: React.ReactNode;
};

export function CommentEditor({ initialContent, placeholder, submitLabel, pending, error, onSubmit, onCancel, autoFocus, mentions, onDocChange, hint }: Props) {
  // The editor is made once; the latest callbacks are read through refs.
  const mentionsRef = useRef(mentions);
  mentionsRef.current = mentions;
  const onDocRef = useRef(onDocChange);
  onDocRef.current = onDocChange;
  const hasMentions = !!mentions;
  const extensions = useMemo(
    () => [
      ...commentExtensions(),
      Placeholder.configure({ placeholder: placeholder ?? "Leave a comment…" }),
      ...(hasMentions ? [AgentMention.configure({ items: (q: string) => mentionsRef.current?.(q) ?? [] })] : []),
    ],
    [placeholder, hasMentions],
  );
  const editor = useEditor({
    extensions,
    onUpdate: ({ editor }) => onDocRef.current?.(editor.getJSON()),
    content: initialContent ?? "",
    immediatelyRender: false,
    autofocus: autoFocus ? "end" : false,
    editorProps: {
      attributes: { class: "prose-comment px-3 py-2", "aria-label": "Comment", role: "textbox", "aria-multiline": "true" },
      handleKeyDown: (_view, event) => {
        if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
          void submit();
          return true;
        }
        return false;
      },
    },
  });

  async function submit() {
    if (!editor || editor.isEmpty || pending) return;
    const saved = await onSubmit(editor.getJSON());
    if (saved && !initialContent) editor.commands.clearContent(true);
  }

  return (
    <div className="rounded-lg border border-slate-300 bg-white shadow-sm focus-within:border-indigo-500 focus-within:ring-2 focus-within:ring-indigo-500/20">
      <Toolbar editor={editor} />
      <EditorContent editor={editor} />
      <div className="flex items-center justify-between gap-3 border-t border-slate-100 px-3 py-2">
        <div className="min-w-0 text-sm">
          {error ? (
            <p role="alert" className="text-red-600">
              {error}
            </p>
          ) : (
            (hint ?? <p className="text-xs text-slate-400">Markdown shortcuts work · Ctrl+Enter to send</p>)
          )}
        </div>
        <div className="flex shrink-0 gap-2">
          {onCancel && (
            <button type="button" className="btn-ghost py-1.5" onClick={onCancel}>
              Cancel
            </button>
          )}
          <button type="button" className="btn-primary py-1.5" disabled={pending || !editor} onClick={() => void submit()}>
            {pending ? "Saving…" : submitLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

function Toolbar({ editor }: { editor: Editor | null }) {
  if (!editor) return <div className="h-9 border-b border-slate-100" />;
  const button = (label: React.ReactNode, title: string, active: boolean, run: () => void) => (
    <button
      type="button"
      title={title}
      aria-label={title}
      aria-pressed={active}
      onMouseDown={(e) => e.preventDefault()}
      onClick={run}
      className={`h-7 min-w-7 rounded px-1.5 text-sm ${active ? "bg-slate-200 text-slate-900" : "text-slate-500 hover:bg-slate-100 hover:text-slate-900"}`}
    >
      {label}
    </button>
  );
  const chain = () => editor.chain().focus();
  const setLink = () => {
    const previous = editor.getAttributes("link").href as string | undefined;
    const url = window.prompt("Link address (https://…)", previous ?? "https://");
    if (url === null) return;
    if (url.trim() === "") chain().extendMarkRange("link").unsetLink().run();
    else chain().extendMarkRange("link").setLink({ href: url.trim() }).run();
  };
  return (
    <div className="flex items-center gap-0.5 border-b border-slate-100 px-2 py-1" role="toolbar" aria-label="Formatting">
      {button(<b>B</b>, "Bold", editor.isActive("bold"), () => chain().toggleBold().run())}
      {button(<i className="font-serif">I</i>, "Italic", editor.isActive("italic"), () => chain().toggleItalic().run())}
      {button("</>", "Inline code", editor.isActive("code"), () => chain().toggleCode().run())}
      <span className="mx-1 h-4 w-px bg-slate-200" />
      {button("•", "Bullet list", editor.isActive("bulletList"), () => chain().toggleBulletList().run())}
      {button("1.", "Numbered list", editor.isActive("orderedList"), () => chain().toggleOrderedList().run())}
      {button("{ }", "Code block", editor.isActive("codeBlock"), () => chain().toggleCodeBlock().run())}
      <span className="mx-1 h-4 w-px bg-slate-200" />
      {button("Link", "Link", editor.isActive("link"), setLink)}
    </div>
  );
}
