"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import type { Db } from "@/db/client";
import { workspaceAction } from "@/lib/actions/client";
import { pasteTokenWithLimit } from "@/lib/auth/limited-attempts";
import { settingsPageOf } from "@/lib/connections/kinds";
import { changedView, connectWithToken, disconnect } from "@/lib/connections/service";
import { clientIp } from "@/lib/rate-limit/client-ip";
import type { WorkspaceContext } from "@/lib/workspaces/access";

// The connection cards' mutations on Settings → Agents and Settings → Git (admins; the services
// check the role). Each returns the connection (and a provider's settings), never a token, and
// revalidates the page so a reload agrees. Connecting by OAuth goes through
// POST /api/workspaces/[slug]/connections/[kind]/connect, since the browser leaves for the service.

async function changed(db: Db, ctx: WorkspaceContext, slug: string, kind: string) {
  revalidatePath(`/${slug}/settings/${settingsPageOf(kind)}`);
  return changedView(db, ctx, kind);
}

export async function connectWithTokenAction(slug: string, kind: string, input: { token: string }) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    await pasteTokenWithLimit(ctx.workspace.id, clientIp(await headers()), () => connectWithToken(db, ctx, kind, input));
    return changed(db, ctx, slug, kind);
  });
}

export async function disconnectAction(slug: string, kind: string) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    await disconnect(db, ctx, kind);
    return changed(db, ctx, slug, kind);
  });
}
