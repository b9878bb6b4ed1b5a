import { z } from "zod";
import type { Db } from "@/db/client";
import { loadCatalog } from "@/db/queries/agents";
import { deleteSkill, getSkill, insertSkill, listSkills, updateSkill } from "@/db/queries/skills";
import { getProjectById } from "@/db/queries/projects";
import type { AgentSkill } from "@/db/schema";
import { DispatchError, notFound } from "@/lib/errors";
import { isUniqueViolation, parseInput } from "@/lib/validation";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { approvalPolicyJson, approvalPolicySchema } from "./approvals";
import { splitProviderRef } from "./resolve";

const uuid = z.string().uuid();

const fields = {
  name: z.string({ required_error: "Name is required." }).trim().min(1, "Name is required.").max(80, "Name must be at most 80 characters."),
  trigger: z
    .string({ required_error: "Trigger is required." })
    .trim()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Trigger may use lower-case letters, digits and single hyphens (e.g. fix-bug).")
    .max(60, "Trigger must be at most 60 characters."),
  description: z.string().max(2000, "Description must be at most 2,000 characters."),
  instructions: z.string().max(50_000, "Instructions must be at most 50,000 characters."),
  default_provider: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+(?:-[a-z0-9]+)*)?$/, "Default provider must look like claude or claude-opus.")
    .nullable(),
  mode: z.enum(["autonomous", "comment_only"], { errorMap: () => ({ message: "Mode must be autonomous or comment_only." }) }),
  timeout_minutes: z.number().int("Timeout must be a whole number of minutes.").min(1, "Timeout must be between 1 and 120 minutes.").max(120, "Timeout must be between 1 and 120 minutes.").nullable(),
  /** How long a question or approval waits for a member; null: 60 minutes. */
  answer_wait_minutes: z
    .number({ invalid_type_error: "answer_wait_minutes must be a whole number of minutes." })
    .int("answer_wait_minutes must be a whole number of minutes.")
    .min(1, "answer_wait_minutes must be between 1 and 1440 minutes.")
    .max(1440, "answer_wait_minutes must be between 1 and 1440 minutes.")
    .nullable(),
  /** The actions that wait for approval (snake_case policy); null: the provider's default. */
  approvals: approvalPolicySchema.nullable(),
  project_id: z.string().uuid("project_id must be a project id.").nullable(),
  include_guest_comments: z.boolean({ invalid_type_error: "include_guest_comments must be true or false." }),
  enabled: z.boolean(),
};

export const createSkillSchema = z.object({
  ...fields,
  description: fields.description.default(""),
  instructions: fields.instructions.default(""),
  default_provider: fields.default_provider.default(null),
  mode: fields.mode.default("autonomous"),
  timeout_minutes: fields.timeout_minutes.default(null),
  answer_wait_minutes: fields.answer_wait_minutes.default(null),
  approvals: fields.approvals.default(null),
  project_id: fields.project_id.default(null),
  include_guest_comments: fields.include_guest_comments.default(false),
  enabled: fields.enabled.default(true),
});
export const updateSkillSchema = z.object(fields).partial();

type SkillInput = Partial<z.infer<typeof createSkillSchema>>;

/** Checks what the schema cannot: trigger vs provider slugs, the default provider, the project. */
async function checkSkill(db: Db, ctx: WorkspaceContext, input: SkillInput) {
  const catalog = await loadCatalog(db, ctx.workspace.id);
  if (input.trigger && catalog.some((p) => p.slug === input.trigger)) {
    throw new DispatchError("bad_request:skill", `The trigger "${input.trigger}" is an agent's name; choose another.`, { field: "trigger" });
  }
  if (input.default_provider) {
    const [provider, variant] = splitProviderRef(input.default_provider);
    const p = catalog.find((c) => c.slug === provider);
    if (!p || (variant && !p.variants.some((v) => v.slug === variant))) {
      throw new DispatchError("bad_request:skill", `Unknown default provider "${input.default_provider}".`, { field: "default_provider" });
    }
  }
  if (input.project_id && !(await getProjectById(db, { workspaceId: ctx.workspace.id, id: input.project_id }))) {
    throw new DispatchError("bad_request:skill", "project_id is not a project of this workspace.", { field: "project_id" });
  }
}

const toColumns = (v: SkillInput) => ({
  ...(v.name !== undefined && { name: v.name }),
  ...(v.trigger !== undefined && { trigger: v.trigger }),
  ...(v.description !== undefined && { description: v.description }),
  ...(v.instructions !== undefined && { instructions: v.instructions }),
  ...(v.default_provider !== undefined && { defaultProvider: v.default_provider }),
  ...(v.mode !== undefined && { mode: v.mode }),
  ...(v.timeout_minutes !== undefined && { timeoutMinutes: v.timeout_minutes }),
  ...(v.answer_wait_minutes !== undefined && { answerWaitMinutes: v.answer_wait_minutes }),
  ...(v.approvals !== undefined && { approvals: v.approvals }),
  ...(v.project_id !== undefined && { projectId: v.project_id }),
  ...(v.include_guest_comments !== undefined && { includeGuestComments: v.include_guest_comments }),
  ...(v.enabled !== undefined && { enabled: v.enabled }),
});

const triggerTaken = (trigger?: string) =>
  new DispatchError("conflict:skill_trigger", `A skill with the trigger "${trigger}" already exists in this workspace.`, { field: "trigger" });

export async function createSkill(db: Db, ctx: WorkspaceContext, input: unknown): Promise<AgentSkill> {
  requireRole(ctx, "admin");
  const values = parseInput(createSkillSchema, input, "skill");
  await checkSkill(db, ctx, values);
  try {
    const cols = toColumns(values) as Required<ReturnType<typeof toColumns>>;
    return await insertSkill(db, { ...cols, workspaceId: ctx.workspace.id, createdBy: ctx.userId });
  } catch (err) {
    if (isUniqueViolation(err, "agent_skills_workspace_trigger_key")) throw triggerTaken(values.trigger);
    throw err;
  }
}

/** Workspace skills, and a project's when named; a project of another workspace (or no project) is a 404, not an empty list. */
export async function getSkills(db: Db, ctx: WorkspaceContext, projectId: string | null): Promise<AgentSkill[]> {
  if (projectId !== null && (!uuid.safeParse(projectId).success || !(await getProjectById(db, { workspaceId: ctx.workspace.id, id: projectId })))) {
    throw new DispatchError("not_found:project", "This project does not exist or you do not have access to it.", { field: "project_id" });
  }
  return listSkills(db, { workspaceId: ctx.workspace.id, projectId: projectId ?? undefined });
}

export async function getSkillOrThrow(db: Db, ctx: WorkspaceContext, id: string): Promise<AgentSkill> {
  const skill = uuid.safeParse(id).success ? await getSkill(db, { workspaceId: ctx.workspace.id, id }) : undefined;
  if (!skill) throw notFound("skill", "This skill");
  return skill;
}

export async function editSkill(db: Db, ctx: WorkspaceContext, id: string, input: unknown): Promise<AgentSkill> {
  requireRole(ctx, "admin");
  await getSkillOrThrow(db, ctx, id);
  const patch = parseInput(updateSkillSchema, input, "skill");
  await checkSkill(db, ctx, patch);
  try {
    const row = await updateSkill(db, { workspaceId: ctx.workspace.id, id, patch: toColumns(patch) });
    if (!row) throw notFound("skill", "This skill");
    return row;
  } catch (err) {
    if (isUniqueViolation(err, "agent_skills_workspace_trigger_key")) throw triggerTaken(patch.trigger);
    throw err;
  }
}

export async function removeSkill(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  requireRole(ctx, "admin");
  await getSkillOrThrow(db, ctx, id);
  if (!(await deleteSkill(db, { workspaceId: ctx.workspace.id, id }))) throw notFound("skill", "This skill");
}

export const skillJson = (s: AgentSkill) => ({
  id: s.id,
  name: s.name,
  trigger: s.trigger,
  description: s.description,
  instructions: s.instructions,
  default_provider: s.defaultProvider,
  mode: s.mode,
  timeout_minutes: s.timeoutMinutes,
  /** Null: 60 minutes. */
  answer_wait_minutes: s.answerWaitMinutes,
  /** Null: the provider's default policy. */
  approvals: approvalPolicyJson(s.approvals),
  project_id: s.projectId,
  include_guest_comments: s.includeGuestComments,
  enabled: s.enabled,
  created_at: s.createdAt,
  updated_at: s.updatedAt,
});
