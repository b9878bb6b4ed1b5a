// A workspace's skills (workspace-wide or per project).
import { and, asc, eq, isNull, or } from "drizzle-orm";
import type { Db } from "../client";
import { agentSkills, type AgentSkill } from "../schema";

export async function listSkills(db: Db, args: { workspaceId: string; projectId?: string }): Promise<AgentSkill[]> {
  const scope =
    args.projectId === undefined ? undefined : or(isNull(agentSkills.projectId), eq(agentSkills.projectId, args.projectId));
  return db
    .select()
    .from(agentSkills)
    .where(and(eq(agentSkills.workspaceId, args.workspaceId), scope))
    .orderBy(asc(agentSkills.trigger));
}

export async function getSkill(db: Db, args: { workspaceId: string; id: string }): Promise<AgentSkill | undefined> {
  const [row] = await db.select().from(agentSkills).where(and(eq(agentSkills.workspaceId, args.workspaceId), eq(agentSkills.id, args.id)));
  return row;
}

export type SkillValues = Omit<typeof agentSkills.$inferInsert, "id" | "workspaceId" | "createdAt" | "updatedAt" | "createdBy">;

export async function insertSkill(db: Db, values: SkillValues & { workspaceId: string; createdBy: string }): Promise<AgentSkill> {
  const [row] = await db.insert(agentSkills).values(values).returning();
  return row!;
}

export async function updateSkill(db: Db, args: { workspaceId: string; id: string; patch: Partial<SkillValues> }) {
  const [row] = await db
    .update(agentSkills)
    .set({ ...args.patch, updatedAt: new Date() })
    .where(and(eq(agentSkills.workspaceId, args.workspaceId), eq(agentSkills.id, args.id)))
    .returning();
  return row;
}

export async function deleteSkill(db: Db, args: { workspaceId: string; id: string }): Promise<boolean> {
  const rows = await db
    .delete(agentSkills)
    .where(and(eq(agentSkills.workspaceId, args.workspaceId), eq(agentSkills.id, args.id)))
    .returning({ id: agentSkills.id });
  return rows.length > 0;
}
