import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { issues, projects, type Project } from "../schema";

export async function insertProject(
  db: Db,
  values: { workspaceId: string; name: string; identifier: string; repository: string | null; defaultBranch: string },
): Promise<Project> {
  const [row] = await db.insert(projects).values(values).returning();
  return row!;
}

export type ProjectSummary = Project & { openIssues: number; totalIssues: number };

export async function listProjects(db: Db, workspaceId: string): Promise<ProjectSummary[]> {
  const rows = await db
    .select({
      project: projects,
      openIssues: sql<number>`count(${issues.id}) filter (where ${issues.state} not in ('done', 'cancelled'))::int`,
      totalIssues: sql<number>`count(${issues.id})::int`,
    })
    .from(projects)
    .leftJoin(issues, eq(issues.projectId, projects.id))
    .where(eq(projects.workspaceId, workspaceId))
    .groupBy(projects.id)
    .orderBy(asc(projects.name));
  return rows.map((r) => ({ ...r.project, openIssues: r.openIssues, totalIssues: r.totalIssues }));
}

export async function getProjectByIdentifier(db: Db, workspaceId: string, identifier: string): Promise<Project | undefined> {
  const [row] = await db
    .select()
    .from(projects)
    .where(and(eq(projects.workspaceId, workspaceId), eq(projects.identifier, identifier.toUpperCase())));
  return row;
}

export async function getProjectById(db: Db, args: { workspaceId: string; id: string }): Promise<Project | undefined> {
  const [row] = await db.select().from(projects).where(and(eq(projects.workspaceId, args.workspaceId), eq(projects.id, args.id)));
  return row;
}

export async function updateProjectRepository(db: Db, id: string, values: { repository: string | null; defaultBranch: string }): Promise<Project> {
  const [row] = await db.update(projects).set(values).where(eq(projects.id, id)).returning();
  return row!;
}
