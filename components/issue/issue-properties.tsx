"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { updateIssueAction } from "@/app/actions/update-issue";
import type { IssueAssignee } from "@/lib/issues/page";
import type { IssuePriority, IssueState } from "@/db/schema";
import type { AgentPicker } from "@/lib/agents/picker";
import { RelativeTime } from "@/components/ui/relative-time";
import { useServerAction } from "@/components/ui/use-server-action";
import { ISSUE_PRIORITIES, ISSUE_STATES } from "@/lib/issues/schemas";
import { AssigneeField } from "./assignee-field";
import { LabelsField } from "./labels-field";
import { PRIORITY_LABELS, PriorityIcon } from "./priority";
import { STATE_LABELS, StateBadge } from "./state";

type Props = {
  slug: string;
  issueKey: string;
  canWrite: boolean;
  state: IssueState;
  priority: IssuePriority;
  assignee: IssueAssignee | null;
  assignedSession: { id: string; active: boolean } | null;
  labels: { id: string; name: string; color: string }[];
  workspaceLabels: { id: string; name: string; color: string }[];
  picker: AgentPicker;
  project: { name: string; identifier: string; repository: string | null };
  createdBy: string;
  createdAt: string;
  updatedAt: string;
};

export function IssueProperties(props: Props) {
  const router = useRouter();
  const [state, setState] = useState(props.state);
  const action = useServerAction((next: IssueState) => updateIssueAction(props.slug, props.issueKey, { state: next }));
  const [priority, setPriority] = useState(props.priority);
  const priorityAction = useServerAction((next: IssuePriority) => updateIssueAction(props.slug, props.issueKey, { priority: next }));

  async function onPriority(next: IssuePriority) {
    const previous = priority;
    setPriority(next);
    const result = await priorityAction.run(next);
    if (!result.ok) setPriority(previous);
    else router.refresh();
  }

  async function onChange(next: IssueState) {
    const previous = state;
    setState(next);
    const result = await action.run(next);
    if (!result.ok) setState(previous);
    else router.refresh();
  }

  return (
    <aside className="w-full shrink-0 border-t border-slate-200 bg-white/60 px-6 py-6 lg:w-72 lg:border-l lg:border-t-0" aria-label="Properties">
      <dl className="space-y-5 text-sm">
        <div>
          <dt className="mb-1.5 text-xs font-medium uppercase tracking-wide text-slate-400">State</dt>
          <dd>
            {props.canWrite ? (
              <select aria-label="State" className="input py-1.5" value={state} disabled={action.pending} onChange={(e) => onChange(e.target.value as IssueState)}>
                {ISSUE_STATES.map((s) => (
                  <option key={s} value={s}>
                    {STATE_LABELS[s]}
                  </option>
                ))}
              </select>
            ) : (
              <StateBadge state={state} />
            )}
            {action.error && (
              <p role="alert" className="mt-1 text-xs text-red-600">
                {action.error.message}
              </p>
            )}
          </dd>
        </div>
        <div>
          <dt className="mb-1.5 text-xs font-medium uppercase tracking-wide text-slate-400">Assignee</dt>
          <dd>
            <AssigneeField
              slug={props.slug}
              issueKey={props.issueKey}
              canWrite={props.canWrite}
              assignee={props.assignee}
              assignedSession={props.assignedSession}
              picker={props.picker}
            />
          </dd>
        </div>
        <div>
          <dt className="mb-1.5 text-xs font-medium uppercase tracking-wide text-slate-400">Priority</dt>
          <dd>
            {props.canWrite ? (
              <select aria-label="Priority" className="input py-1.5" value={priority} disabled={priorityAction.pending} onChange={(e) => onPriority(e.target.value as IssuePriority)}>
                {ISSUE_PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {PRIORITY_LABELS[p]}
                  </option>
                ))}
              </select>
            ) : (
              <span className="inline-flex items-center gap-1.5 text-slate-700">
                <PriorityIcon priority={priority} />
                {PRIORITY_LABELS[priority]}
              </span>
            )}
            {priorityAction.error && (
              <p role="alert" className="mt-1 text-xs text-red-600">
                {priorityAction.error.message}
              </p>
            )}
          </dd>
        </div>
        <div>
          <dt className="mb-1.5 text-xs font-medium uppercase tracking-wide text-slate-400">Labels</dt>
          <dd>
            <LabelsField
              slug={props.slug}
              issueKey={props.issueKey}
              canWrite={props.canWrite}
              labels={props.labels}
              updatedAt={props.updatedAt}
              workspaceLabels={props.workspaceLabels}
            />
          </dd>
        </div>
        <div>
          <dt className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-400">Project</dt>
          <dd className="text-slate-700">
            {props.project.name} <span className="font-mono text-xs text-slate-400">{props.project.identifier}</span>
          </dd>
          {props.project.repository && <dd className="mt-0.5 truncate font-mono text-xs text-slate-500">{props.project.repository}</dd>}
        </div>
        <div>
          <dt className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-400">Created</dt>
          <dd className="text-slate-700">
            {props.createdBy}, <RelativeTime date={props.createdAt} />
          </dd>
        </div>
        <div>
          <dt className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-400">Updated</dt>
          <dd className="text-slate-700">
            <RelativeTime date={props.updatedAt} />
          </dd>
        </div>
      </dl>
    </aside>
  );
}
