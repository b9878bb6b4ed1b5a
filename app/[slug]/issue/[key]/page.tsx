import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db/client";
import { IssueDetails } from "@/components/issue/issue-details";
import { IssueProperties } from "@/components/issue/issue-properties";
import { ScrollToSession } from "@/components/issue/scroll-to-session";
import { Timeline } from "@/components/issue/timeline";
import { getAgentPicker } from "@/lib/agents/picker";
import { getComments } from "@/lib/comments/service";
import { toTimelineComment } from "@/lib/comments/timeline";
import { getAssignments, getIssueForPage } from "@/lib/issues/page";
import { getLabels } from "@/lib/issues/labels";
import { isTerminal } from "@/lib/sessions/status";
import { issueKey } from "@/lib/issues/schemas";
import { renderMarkdown } from "@/lib/markdown/render";
import { getSessionCards } from "@/lib/sessions/service";
import { hasRole } from "@/lib/workspaces/access";
import { requireWorkspacePage } from "@/lib/workspaces/page-context";

type Params = { slug: string; key: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  return { title: (await params).key.toUpperCase() };
}

export default async function IssuePage({ params }: { params: Promise<Params> }) {
  const { slug, key: rawKey } = await params;
  const { ctx, user } = await requireWorkspacePage(slug, `/${slug}/issue/${rawKey}`);
  const db = getDb();
  const { issue, project } = await getIssueForPage(db, ctx, rawKey);
  const key = issueKey(project.identifier, issue.number);
  const [comments, sessions, picker, assignments, workspaceLabels] = await Promise.all([
    getComments(db, ctx, issue.id).then((rows) => rows.map(toTimelineComment)),
    getSessionCards(db, ctx, issue.id),
    getAgentPicker(db, ctx, project.id),
    getAssignments(db, ctx, issue.id),
    getLabels(db, ctx),
  ]);
  // The run the current agent assignee was started with: moving away from it asks whether to stop it.
  const current = issue.assignee?.kind === "agent" ? assignments.at(-1) : undefined;
  const currentSession = current?.sessionId ? sessions.find((s) => s.id === current.sessionId) : undefined;
  const assignedSession = currentSession ? { id: currentSession.id, active: !isTerminal(currentSession.status) } : null;
  const canWrite = hasRole(ctx, "member");
  // The issue row was read before the comments and cards: an entry recorded in between is replayed, and the stores upsert by id.
  const liveFrom = { id: issue.id, activitySeq: issue.activitySeq };

  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex items-center gap-2 border-b border-slate-200 bg-white px-8 py-3 text-sm text-slate-500">
        <Link href={`/${slug}/projects/${project.identifier}`} className="hover:text-slate-900">
          {project.name}
        </Link>
        <span aria-hidden>›</span>
        <span className="font-mono text-slate-700">{key}</span>
      </header>
      <div className="flex flex-1 flex-col lg:flex-row">
        <main className="min-w-0 flex-1 px-8 py-8">
          <div className="mx-auto max-w-3xl">
            <IssueDetails
              slug={slug}
              issueKey={key}
              canWrite={canWrite}
              title={issue.title}
              description={issue.description}
              descriptionHtml={renderMarkdown(issue.description)}
            />
            <Timeline
              slug={slug}
              issueKey={key}
              issue={liveFrom}
              currentUserId={user.id}
              canWrite={canWrite}
              createdBy={issue.authorName ?? "Someone"}
              createdAt={issue.createdAt.toISOString()}
              comments={comments}
              sessions={sessions}
              assignments={assignments}
              picker={picker}
            />
            <ScrollToSession />
          </div>
        </main>
        <IssueProperties
          slug={slug}
          issueKey={key}
          canWrite={canWrite}
          state={issue.state}
          priority={issue.priority}
          assignee={issue.assignee}
          assignedSession={assignedSession}
          labels={issue.labels}
          workspaceLabels={workspaceLabels.map((l) => ({ id: l.id, name: l.name, color: l.color }))}
          picker={picker}
          project={{ name: project.name, identifier: project.identifier, repository: project.repository }}
          createdBy={issue.authorName ?? "Someone"}
          createdAt={issue.createdAt.toISOString()}
          updatedAt={issue.updatedAt.toISOString()}
        />
      </div>
    </div>
  );
}
