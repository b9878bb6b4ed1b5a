"use server";

import { revalidatePath } from "next/cache";
import { workspaceAction } from "@/lib/actions/client";
import { labelJson } from "@/lib/api/serialize";
import { createLabel, editLabel, removeLabel } from "@/lib/issues/labels";

export async function createLabelAction(slug: string, input: { name: string; color: string }) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const label = await createLabel(db, ctx, input);
    revalidatePath(`/${slug}`, "layout");
    return labelJson(label);
  });
}

export async function updateLabelAction(slug: string, id: string, input: { name?: string; color?: string }) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const label = await editLabel(db, ctx, id, input);
    revalidatePath(`/${slug}`, "layout");
    return labelJson(label);
  });
}

export async function deleteLabelAction(slug: string, id: string) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    await removeLabel(db, ctx, id);
    revalidatePath(`/${slug}`, "layout");
    return { id };
  });
}
