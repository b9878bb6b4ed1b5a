"use server";

import { workspaceAction } from "@/lib/actions/client";
import { getProviderConfig, updateAgentConfig } from "@/lib/agents/providers";
import { createSkill, editSkill, removeSkill, skillJson } from "@/lib/agents/skills";
import { DispatchError } from "@/lib/errors";

// The agent settings page's mutations. Each returns the changed provider or skill (never a token),
// which the page shows at once. None calls revalidatePath: on Next 15 a revalidating action can
// leave the caller's transition pending for good (vercel/next.js#95714); the pages are dynamic anyway.

export type ProviderSettingsInput = {
  enabled?: boolean;
  max_concurrent_sessions?: number;
  timeout_minutes?: number;
  when_full?: "queue" | "refuse";
  /** The snake_case policy or null; updateAgentConfig validates it. */
  approvals?: unknown;
  variants?: { slug: string; enabled: boolean }[];
};

export async function updateProviderSettingsAction(slug: string, providerSlug: string, input: ProviderSettingsInput) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    try {
      await updateAgentConfig(db, ctx, { providers: [{ ...input, provider_slug: providerSlug }] });
    } catch (err) {
      // The form has one provider: `providers.0.timeout_minutes` is its `timeout_minutes` field.
      if (err instanceof DispatchError && err.field?.startsWith("providers.0.")) {
        throw new DispatchError(err.code, err.message, { field: err.field.slice("providers.0.".length) });
      }
      throw err;
    }
    return getProviderConfig(db, ctx, providerSlug);
  });
}

export async function createSkillAction(slug: string, input: unknown) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const skill = skillJson(await createSkill(db, ctx, input));
    return skill;
  });
}

export async function editSkillAction(slug: string, id: string, input: unknown) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    const skill = skillJson(await editSkill(db, ctx, id, input));
    return skill;
  });
}

export async function deleteSkillAction(slug: string, id: string) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    await removeSkill(db, ctx, id);
    return { id };
  });
}
