import type { Db } from "@/db/client";
import { getProjectByIdentifier, insertProject, listProjects, updateProjectRepository } from "@/db/queries/projects";
import type { Project } from "@/db/schema";
import { DispatchError, notFound } from "@/lib/errors";
import { isUniqueViolation, parseInput } from "@/lib/validation";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { createProjectSchema, isProjectIdentifierShape, projectRepositorySchema } from "./schemas";

export async function createProject(db: Db, ctx: WorkspaceContext, input: unknown): Promise<Project> {
  requireRole(ctx, "member");
  const values = parseInput(createProjectSchema, input, "project");
  try {
    return await insertProject(db, { workspaceId: ctx.workspace.id, ...values });
  } catch (err) {
    if (isUniqueViolation(err, "projects_workspace_identifier_key")) {
      throw new DispatchError("conflict:project_identifier", `A project with identifier ${values.identifier} already exists here.`, {
        field: "identifier",
      });
    }
    throw err;
  }
}

export function getProjects(db: Db, ctx: WorkspaceContext) {
  return listProjects(db, ctx.workspace.id);
}

export async function getProjectOrThrow(db: Db, ctx: WorkspaceContext, identifier: string): Promise<Project> {
  const project = isProjectIdentifierShape(identifier) ? await getProjectByIdentifier(db, ctx.workspace.id, identifier) : undefined;
  if (!project) throw notFound("project", "This project");
  return project;
}

/** Admins: which GitHub repository the project's agents clone, push to and open pull requests on. */
export async function setProjectRepository(db: Db, ctx: WorkspaceContext, identifier: string, input: unknown): Promise<Project> {
  requireRole(ctx, "admin");
  const project = await getProjectOrThrow(db, ctx, identifier);
  const values = parseInput(projectRepositorySchema, input, "project");
  return updateProjectRepository(db, project.id, values);
}
