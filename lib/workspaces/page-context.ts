import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db/client";
import { requireUser } from "@/lib/auth/session";
import { DispatchError } from "@/lib/errors";
import { loadWorkspaceContext, type WorkspaceContext } from "./access";

/** The membership for a page render, loaded once per request; null means the page answers 404. */
export const getWorkspacePageContext = cache(async (slug: string, userId: string): Promise<WorkspaceContext | null> => {
  try {
    return await loadWorkspaceContext(getDb(), slug, userId);
  } catch (err) {
    if (err instanceof DispatchError && err.type === "not_found") return null;
    throw err;
  }
});

/** For pages under /[slug]: the signed-in user and their membership, or a 404 page. */
export async function requireWorkspacePage(slug: string, returnTo: string) {
  const user = await requireUser(returnTo);
  const ctx = await getWorkspacePageContext(slug, user.id);
  if (!ctx) notFound();
  return { user, ctx };
}
