"use client";

import type { JSONContent } from "@tiptap/core";
import { observer } from "mobx-react-lite";
import { useLayoutEffect, useState } from "react";
import { CommentEditor } from "@/components/editor/comment-editor";
import { Avatar } from "@/components/ui/avatar";
import { RelativeTime } from "@/components/ui/relative-time";
import type { TimelineComment } from "@/lib/comments/timeline";
import { useIssueStore } from "@/stores/store-provider";

type Props = {
  slug: string;
  issueKey: string;
  currentUserId: string;
  canWrite: boolean;
  createdBy: string;
  createdAt: string;
  comments: TimelineComment[];
};

export const Timeline = observer(function Timeline({ slug, issueKey, currentUserId, canWrite, createdBy, createdAt, comments }: Props) {
  const store = useIssueStore();
  // Hydrate before paint so the server-rendered list and the store agree on first render.
  const [hydrated, setHydrated] = useState(false);
  useLayoutEffect(() => {
    store.hydrate({ slug, key: issueKey, comments });
    setHydrated(true);
  }, [store, slug, issueKey, comments]);
  const list = hydrated ? store.comments : comments;

  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  async function onComment(doc: JSONContent) {
    setPending(true);
    const result = await store.addComment(doc);
    setPending(false);
    setError(result.ok ? undefined : result.error.message);
    return result.ok;
  }

  return (
    <section className="mt-10" aria-label="Activity">
      <h2 className="mb-4 text-sm font-semibold text-slate-900">Activity</h2>
      <ol className="relative space-y-4 before:absolute before:bottom-2 before:left-4 before:top-2 before:w-px before:bg-slate-200">
        <li className="relative flex items-center gap-3 pl-1 text-sm text-slate-500">
          <span className="z-10 ml-2 h-2.5 w-2.5 rounded-full bg-slate-300 ring-4 ring-slate-50" />
          <span>
            <span className="font-medium text-slate-700">{createdBy}</span> created the issue · <RelativeTime date={createdAt} />
          </span>
        </li>
        {list.map((c) => (
          <CommentItem key={c.id} comment={c} isAuthor={canWrite && c.authorUserId === currentUserId} />
        ))}
      </ol>
      <div className="mt-6">
        {canWrite ? (
          <CommentEditor submitLabel="Comment" pending={pending} error={error} onSubmit={onComment} />
        ) : (
          <p className="rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm text-slate-500">
            You have guest access: you can read this issue but not comment.
          </p>
        )}
      </div>
    </section>
  );
});

const CommentItem = observer(function CommentItem({ comment, isAuthor }: { comment: TimelineComment; isAuthor: boolean }) {
  const store = useIssueStore();
  const [editing, setEditing] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();

  async function onSave(doc: JSONContent) {
    setPending(true);
    const result = await store.editComment(comment.id, doc);
    setPending(false);
    setError(result.ok ? undefined : result.error.message);
    if (result.ok) setEditing(false);
    return result.ok;
  }

  async function onDelete() {
    if (!window.confirm("Delete this comment? This cannot be undone.")) return;
    const result = await store.deleteComment(comment.id);
    if (!result.ok) setError(result.error.message);
  }

  return (
    <li className="relative flex gap-3" aria-label={`Comment by ${comment.authorName}`}>
      <span className="z-10 rounded-full ring-4 ring-slate-50">
        <Avatar name={comment.authorName} />
      </span>
      <div className="card min-w-0 flex-1">
        <div className="flex items-center justify-between gap-2 border-b border-slate-100 px-4 py-2 text-sm">
          <p className="min-w-0 truncate">
            <span className="font-medium text-slate-900">{comment.authorName}</span>{" "}
            <span className="text-slate-500">
              · <RelativeTime date={comment.createdAt} />
              {comment.editedAt && <span title={new Date(comment.editedAt).toLocaleString()}> · edited</span>}
            </span>
          </p>
          {isAuthor && !editing && (
            <div className="flex shrink-0 gap-1">
              <button type="button" className="btn-ghost px-2 py-0.5 text-xs" onClick={() => setEditing(true)}>
                Edit
              </button>
              <button type="button" className="btn-danger px-2 py-0.5 text-xs" onClick={onDelete}>
                Delete
              </button>
            </div>
          )}
        </div>
        {editing ? (
          <div className="p-2">
            <CommentEditor
              initialContent={comment.bodyJson}
              submitLabel="Save"
              pending={pending}
              error={error}
              onSubmit={onSave}
              onCancel={() => (setEditing(false), setError(undefined))}
              autoFocus
            />
          </div>
        ) : (
          <>
            <div className="prose-comment px-4 py-3" dangerouslySetInnerHTML={{ __html: comment.bodyHtml }} />
            {error && (
              <p role="alert" className="px-4 pb-3 text-sm text-red-600">
                {error}
              </p>
            )}
          </>
        )}
      </div>
    </li>
  );
});
