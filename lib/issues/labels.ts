import type { Db } from "@/db/client";
import { deleteLabel, insertLabel, listLabels } from "@/db/queries/labels";
import type { Label } from "@/db/schema";
import { DispatchError, notFound } from "@/lib/errors";
import { isUniqueViolation, isUuid, parseInput } from "@/lib/validation";
import { requireRole, type WorkspaceContext } from "@/lib/workspaces/access";
import { labelInputSchema } from "./schemas";

export const getLabels = (db: Db, ctx: WorkspaceContext): Promise<Label[]> => listLabels(db, ctx.workspace.id);

/** Members create labels (in settings or while labelling an issue); a name is unique ignoring case. */
export async function createLabel(db: Db, ctx: WorkspaceContext, input: unknown): Promise<Label> {
  requireRole(ctx, "member");
  const values = parseInput(labelInputSchema, input, "label");
  try {
    return await insertLabel(db, { workspaceId: ctx.workspace.id, ...values });
  } catch (err) {
    if (isUniqueViolation(err, "labels_workspace_name_key")) {
      throw new DispatchError("conflict:label_name", `A label named "${values.name}" already exists.`, { field: "name" });
    }
    throw err;
  }
}

/** Deleting a label takes it off every issue: admins only. */
export async function removeLabel(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  requireRole(ctx, "admin");
  if (!isUuid(id) || !(await deleteLabel(db, { workspaceId: ctx.workspace.id, id }))) throw notFound("label", "This label");
}
