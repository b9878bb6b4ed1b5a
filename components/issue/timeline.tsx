"use client";

import { useRouter } from "next/navigation";
import type { JSONContent } from "@tiptap/core";
import { observer } from "mobx-react-lite";
import { Fragment, useEffect, useLayoutEffect, useState } from "react";
import { AgentModeBar } from "@/components/agents/agent-mode-bar";
import { SessionCard } from "@/components/agents/session-card";
import { CommentEditor } from "@/components/editor/comment-editor";
import { draftKey } from "@/components/editor/draft-storage";
import { Avatar } from "@/components/ui/avatar";
import { RelativeTime } from "@/components/ui/relative-time";
import type { AgentPicker } from "@/lib/agents/picker";
import { suggestionItems } from "@/lib/agents/suggestions";
import type { TimelineComment } from "@/lib/comments/timeline";
import type { TimelineAssignment } from "@/lib/issues/timeline";
import type { TimelineSession } from "@/lib/sessions/timeline";
import { useAgentStore, useIssueStore } from "@/stores/store-provider";

type Props = {
  slug: string;
  issueKey: string;
  currentUserId: string;
  canWrite: boolean;
  createdBy: string;
  createdAt: string;
  comments: TimelineComment[];
  sessions: TimelineSession[];
  /** Assignee changes, shown among the comments in time order, each with the run it started. */
  assignments: TimelineAssignment[];
  picker: AgentPicker;
  /** The issue's id and the last activity entry this render includes: the live connection continues from there. */
  issue: { id: string; activitySeq: number };
};

export const Timeline = observer(function Timeline({ slug, issueKey, issue, currentUserId, canWrite, createdBy, createdAt, comments, sessions, assignments, picker }: Props) {
  const store = useIssueStore();
  const router = useRouter();
  const agents = useAgentStore();
  // Hydrate before paint so the server-rendered list and the store agree on first render.
  const [hydrated, setHydrated] = useState(false);
  useLayoutEffect(() => {
    store.hydrate({ slug, key: issueKey, comments });
    setHydrated(true);
  }, [store, slug, issueKey, comments]);
  useLayoutEffect(() => {
    agents.hydrate({ slug, picker, sessions, issue });
  }, [agents, slug, picker, sessions, issue]);
  useEffect(() => {
    store.onIssueChanged = () => router.refresh();
  }, [store, router]);
  // A layout cleanup, so it runs before a remounted timeline's hydrate: a passive one ran after it and
  // emptied the store that the new timeline had just filled (seen when a refresh remounted the page).
  useLayoutEffect(() => () => agents.dispose(), [agents]);
  const list = hydrated ? store.comments : comments;
  // An agent's answer comment is shown inside its session's card, not twice.
  const shownInCard = new Set(sessions.map((s) => s.id));
  for (const id of agents.sessions.keys()) shownInCard.add(id);
  const startedByAssignment = new Set(assignments.map((a) => a.sessionId).filter((id): id is string => !!id));
  const entries: ({ kind: "comment"; at: string; comment: TimelineComment } | { kind: "assignment"; at: string; assignment: TimelineAssignment })[] = [
    ...list.map((c) => ({ kind: "comment" as const, at: c.createdAt, comment: c })),
    ...assignments.map((a) => ({ kind: "assignment" as const, at: a.createdAt, assignment: a })),
  ].sort((a, b) => a.at.localeCompare(b.at));

  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const [draft, setDraft] = useState<JSONContent | null>(null);
  const agentCount = agents.countAgents(draft);
  async function onComment(doc: JSONContent) {
    setPending(true);
    try {
      const result = await store.addComment(doc, agents.modeBar.request);
      setError(result.ok ? undefined : result.error.message);
      if (result.ok) agents.modeBar.clear();
      return result.ok;
    } catch {
      // The request itself failed (network, server error): the editor keeps the text.
      setError("The comment could not be sent; your text is kept. Try again.");
      return false;
    } finally {
      setPending(false);
    }
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
        {entries.map((e) => {
          if (e.kind === "assignment") {
            const card = e.assignment.sessionId ? agents.sessions.get(e.assignment.sessionId) : undefined;
            return (
              <Fragment key={e.assignment.id}>
                <AssignmentItem assignment={e.assignment} />
                {card && <SessionCard model={card} canCancel={canWrite} />}
              </Fragment>
            );
          }
          const c = e.comment;
          return c.authorSessionId && shownInCard.has(c.authorSessionId) ? null : (
            <Fragment key={c.id}>
              <CommentItem comment={c} isAuthor={canWrite && c.authorUserId === currentUserId} />
              {agents.sessionsForComment(c.id).map((m) => (
                <SessionCard key={m.id} model={m} canCancel={canWrite} />
              ))}
            </Fragment>
          );
        })}
        {agents.orphanSessions
          .filter((m) => !startedByAssignment.has(m.id))
          .map((m) => (
            <SessionCard key={m.id} model={m} canCancel={canWrite} />
          ))}
      </ol>
      <div className="mt-6">
        {canWrite ? (
          <>
            <AgentModeBar slug={slug} />
            <CommentEditor
              submitLabel={agentCount > 0 ? `Send to ${agentCount} agent${agentCount === 1 ? "" : "s"}` : "Comment"}
              pending={pending}
              error={error}
              onSubmit={onComment}
              mentions={(q) => suggestionItems(agents.picker, q)}
              onDocChange={setDraft}
              draftKey={draftKey(slug, issueKey)}
              hint={<p className="text-xs text-slate-400">Type @ for people and agents · Ctrl+Enter to send</p>}
            />
          </>
        ) : (
          <p className="rounded-lg border border-slate-200 bg-white px-4 py-3 text-sm text-slate-500">
            You have guest access: you can read this issue but not comment.
          </p>
        )}
      </div>
    </section>
  );
});

/** "Ada assigned Claude Opus · 2 minutes ago", in the quiet style of the "created the issue" line. */
function AssignmentItem({ assignment: a }: { assignment: TimelineAssignment }) {
  return (
    <li className="relative flex items-center gap-3 pl-1 text-sm text-slate-500" aria-label="Assignment">
      <span className="z-10 ml-2 h-2.5 w-2.5 rounded-full bg-slate-300 ring-4 ring-slate-50" />
      <span className="min-w-0">
        {a.assignee ? (
          <>
            assigned to <span className="font-medium text-slate-700">{a.assignee.name}</span>
            {a.assignee.skill && <span className="font-mono text-xs text-slate-500"> :{a.assignee.skill}</span>} by{" "}
          </>
        ) : (
          "unassigned by "
        )}
        <span className="font-medium text-slate-700">{a.actorName}</span> · <RelativeTime date={a.createdAt} />
      </span>
    </li>
  );
}

const CommentItem = observer(function CommentItem({ comment, isAuthor }: { comment: TimelineComment; isAuthor: boolean }) {
  const store = useIssueStore();
  const agents = useAgentStore();
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
    <li id={`comment-${comment.id}`} className="relative flex scroll-mt-6 gap-3" aria-label={`Comment by ${comment.authorName}`}>
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
              mentions={(q) => suggestionItems(agents.picker, q)}
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
