"use client";

import type { JSONContent } from "@tiptap/core";
import Placeholder from "@tiptap/extension-placeholder";
import { EditorContent, useEditor, type Editor } from "@tiptap/react";
import { useEffect, useMemo, useRef, useState } from "react";
import type { SuggestionItem } from "@/lib/agents/suggestions";
import { commentExtensions } from "@/lib/editor/extensions";
import { AgentMention } from "./agent-mention";
import { loadDraft, saveDraft } from "./draft-storage";

const DRAFT_SAVE_DELAY_MS = 300;

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
  /** localStorage key of the unsent draft (a new comment): restored on load, cleared once sent. */
  draftKey?: string;
};

export function CommentEditor({ initialContent, placeholder, submitLabel, pending, error, onSubmit, onCancel, autoFocus, mentions, onDocChange, hint, draftKey }: Props) {
  // The editor is made once; the latest callbacks are read through refs.
  const mentionsRef = useRef(mentions);
  mentionsRef.current = mentions;
  const onDocRef = useRef(onDocChange);
  onDocRef.current = onDocChange;
  const hasMentions = !!mentions;
  // While a comment is on its way the editor is read-only, so nothing typed meanwhile is cleared with it.
  const [sending, setSending] = useState(false);
  const sendingRef = useRef(false);
  const [sendError, setSendError] = useState<string>();
  const draftTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const flushDraft = useRef<() => void>(() => {});
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
    onUpdate: ({ editor }) => {
      onDocRef.current?.(editor.getJSON());
      if (!draftKey) return;
      clearTimeout(draftTimer.current);
      flushDraft.current = () => {
        clearTimeout(draftTimer.current);
        flushDraft.current = () => {};
        saveDraft(draftKey, editor.isEmpty ? null : editor.getJSON());
      };
      draftTimer.current = setTimeout(() => flushDraft.current(), DRAFT_SAVE_DELAY_MS);
    },
    onCreate: ({ editor }) => {
      const draft = draftKey && !initialContent ? loadDraft(draftKey) : null;
      if (!draft) return;
      try {
        editor.commands.setContent(draft, false);
        onDocRef.current?.(editor.getJSON());
      } catch {
        saveDraft(draftKey!, null); // a draft this schema cannot read
      }
    },
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

  // A reload or a closed tab within the save delay still keeps the last keystrokes.
  useEffect(() => {
    const flush = () => flushDraft.current();
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, []);

  async function submit() {
    if (!editor || editor.isEmpty || pending || sendingRef.current) return;
    sendingRef.current = true;
    setSending(true);
    setSendError(undefined);
    editor.setEditable(false);
    let saved = false;
    try {
      // ProseMirror's attrs objects have no prototype; a server action would pass them as opaque
      // references, not data. A JSON copy is plain.
      saved = await onSubmit(JSON.parse(JSON.stringify(editor.getJSON())) as JSONContent);
    } catch {
      setSendError("The comment could not be sent; your text is kept. Try again.");
    } finally {
      editor.setEditable(true);
      sendingRef.current = false;
      setSending(false);
    }
    // Cleared only once saved; on any error the text stays to be sent again.
    if (saved && !initialContent) {
      editor.commands.clearContent(true);
      if (draftKey) {
        flushDraft.current = () => {};
        clearTimeout(draftTimer.current);
        saveDraft(draftKey, null);
      }
    }
    editor.commands.focus("end");
  }
  const shownError = error ?? sendError;

  return (
    <div className="rounded-lg border border-slate-300 bg-white shadow-sm focus-within:border-indigo-500 focus-within:ring-2 focus-within:ring-indigo-500/20">
      <Toolbar editor={editor} />
      <EditorContent editor={editor} aria-busy={sending} />
      <div className="flex items-center justify-between gap-3 border-t border-slate-100 px-3 py-2">
        <div className="min-w-0 text-sm">
          {sending ? (
            <p role="status" className="text-xs text-slate-500">
              Sending…
            </p>
          ) : shownError ? (
            <p role="alert" className="text-red-600">
              {shownError}
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
          <button type="button" className="btn-primary py-1.5" disabled={pending || sending || !editor} onClick={() => void submit()}>
            {sending ? "Sending…" : pending ? "Saving…" : submitLabel}
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
