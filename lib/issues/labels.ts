import type { Db } from "@/db/client";
import { deleteLabel, insertLabel, listLabels, updateLabel } from "@/db/queries/labels";
import type { Label } from "@/db/schema";
import { DispatchError, notFound } from "@/lib/errors";
import { isUniqueViolation, isUuid, parseInput } from "@/lib/validation";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { labelInputSchema, labelPatchSchema } from "./schemas";

export const getLabels = (db: Db, ctx: WorkspaceContext): Promise<Label[]> => listLabels(db, ctx.workspace.id);

/** Members create labels (in settings or while labelling an issue); a name is unique ignoring case. */
export async function createLabel(db: Db, ctx: WorkspaceContext, input: unknown): Promise<Label> {
  requireRole(ctx, "member");
  const values = parseInput(labelInputSchema, input, "label");
  try {
    return await insertLabel(db, { workspaceId: ctx.workspace.id, ...values });
  } catch (err) {
    if (isUniqueViolation(err, "labels_workspace_name_key")) throw nameTaken(values.name);
    throw err;
  }
}

const nameTaken = (name: string) => new DispatchError("conflict:label_name", `A label named "${name}" already exists.`, { field: "name" });

/** Members rename and recolour labels, as they create them; every issue carrying it shows the change. */
export async function editLabel(db: Db, ctx: WorkspaceContext, id: string, input: unknown): Promise<Label> {
  requireRole(ctx, "member");
  const values = parseInput(labelPatchSchema, input, "label");
  if (!isUuid(id)) throw notFound("label", "This label");
  try {
    const label = await updateLabel(db, { workspaceId: ctx.workspace.id, id, values });
    if (!label) throw notFound("label", "This label");
    return label;
  } catch (err) {
    if (isUniqueViolation(err, "labels_workspace_name_key")) throw nameTaken(values.name ?? "");
    throw err;
  }
}

/** Deleting a label takes it off every issue: admins only. */
export async function removeLabel(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  requireRole(ctx, "admin");
  if (!isUuid(id) || !(await deleteLabel(db, { workspaceId: ctx.workspace.id, id }))) throw notFound("label", "This label");
}
