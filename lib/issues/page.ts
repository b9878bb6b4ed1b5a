import "server-only";
import { notFound } from "next/navigation";
import type { Db } from "@/db/client";
import type { Project } from "@/db/schema";
import { DispatchError } from "@/lib/errors";
import { getProjectOrThrow } from "@/lib/projects/service";
import type { WorkspaceContext } from "@/lib/workspaces/access";
import { listAssignments } from "@/db/queries/issue-assignments";
import { getIssueByKeyOrThrow, type IssueWithProject } from "./service";
import { toTimelineAssignment, type TimelineAssignment } from "./timeline";

export { findIssues, getIssueCounts, getIssues } from "./service";

/** The issue's assignee changes for its timeline, oldest first. */
export const getAssignments = async (db: Db, ctx: WorkspaceContext, issueId: string): Promise<TimelineAssignment[]> =>
  (await listAssignments(db, { workspaceId: ctx.workspace.id, issueId })).map(toTimelineAssignment);

/** Page loaders: a missing project or issue renders the 404 page. */
async function orNotFound<T>(load: Promise<T>): Promise<T> {
  try {
    return await load;
  } catch (err) {
    if (err instanceof DispatchError && err.type === "not_found") notFound();
    throw err;
  }
}

export const getProjectOrThrowForPage = (db: Db, ctx: WorkspaceContext, identifier: string): Promise<Project> =>
  orNotFound(getProjectOrThrow(db, ctx, identifier));

export const getIssueForPage = (db: Db, ctx: WorkspaceContext, key: string): Promise<IssueWithProject> => orNotFound(getIssueByKeyOrThrow(db, ctx, key));
export type { IssueAssignee } from "@/db/queries/issues";
