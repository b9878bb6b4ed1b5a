import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { issueLabels, labels, type Label } from "../schema";

export type LabelRef = Pick<Label, "id" | "name" | "color">;

export async function listLabels(db: Db, workspaceId: string): Promise<Label[]> {
  return db.select().from(labels).where(eq(labels.workspaceId, workspaceId)).orderBy(asc(sql`lower(${labels.name})`));
}

export async function insertLabel(db: Db, values: { workspaceId: string; name: string; color: string }): Promise<Label> {
  const [row] = await db.insert(labels).values(values).returning();
  return row!;
}

export async function updateLabel(db: Db, args: { workspaceId: string; id: string; values: Partial<Pick<Label, "name" | "color">> }): Promise<Label | null> {
  const [row] = await db
    .update(labels)
    .set(args.values)
    .where(and(eq(labels.workspaceId, args.workspaceId), eq(labels.id, args.id)))
    .returning();
  return row ?? null;
}

export async function deleteLabel(db: Db, args: { workspaceId: string; id: string }): Promise<boolean> {
  const rows = await db
    .delete(labels)
    .where(and(eq(labels.workspaceId, args.workspaceId), eq(labels.id, args.id)))
    .returning({ id: labels.id });
  return rows.length > 0;
}

/** The ids among `ids` that are labels of this workspace. */
export async function existingLabelIds(db: Db, args: { workspaceId: string; ids: string[] }): Promise<Set<string>> {
  if (args.ids.length === 0) return new Set();
  const rows = await db
    .select({ id: labels.id })
    .from(labels)
    .where(and(eq(labels.workspaceId, args.workspaceId), inArray(labels.id, args.ids)));
  return new Set(rows.map((r) => r.id));
}

/** Replaces an issue's labels; true when the set changed. */
export async function setIssueLabels(db: Db, args: { issueId: string; labelIds: string[] }): Promise<boolean> {
  const before = await db.select({ id: issueLabels.labelId }).from(issueLabels).where(eq(issueLabels.issueId, args.issueId));
  const had = new Set(before.map((r) => r.id));
  const want = new Set(args.labelIds);
  if (had.size === want.size && [...want].every((id) => had.has(id))) return false;
  await db.delete(issueLabels).where(eq(issueLabels.issueId, args.issueId));
  if (want.size) await db.insert(issueLabels).values([...want].map((labelId) => ({ issueId: args.issueId, labelId })));
  return true;
}

/** Labels of each given issue, by issue id, alphabetical. */
export async function labelsOfIssues(db: Db, issueIds: string[]): Promise<Map<string, LabelRef[]>> {
  const out = new Map<string, LabelRef[]>();
  if (issueIds.length === 0) return out;
  const rows = await db
    .select({ issueId: issueLabels.issueId, id: labels.id, name: labels.name, color: labels.color })
    .from(issueLabels)
    .innerJoin(labels, eq(labels.id, issueLabels.labelId))
    .where(inArray(issueLabels.issueId, issueIds))
    .orderBy(asc(sql`lower(${labels.name})`));
  for (const { issueId, ...label } of rows) out.set(issueId, [...(out.get(issueId) ?? []), label]);
  return out;
}
