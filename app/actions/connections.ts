"use server";

import { headers } from "next/headers";
import { workspaceAction } from "@/lib/actions/client";
import { pasteTokenWithLimit } from "@/lib/auth/limited-attempts";
import { changedView, connectWithToken, disconnect } from "@/lib/connections/service";
import { clientIp } from "@/lib/rate-limit/client-ip";

// The connection cards' mutations on Settings → Agents and Settings → Git (admins; the services
// check the role). Each returns the connection (and a provider's settings), never a token; the
// caller refreshes what the server computes from it (no revalidatePath, see agent-settings.ts).
// Connecting by OAuth goes through POST /api/workspaces/[slug]/connections/[kind]/connect, since the browser leaves for the service.

export async function connectWithTokenAction(slug: string, kind: string, input: { token: string }) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    await pasteTokenWithLimit(ctx.workspace.id, clientIp(await headers()), () => connectWithToken(db, ctx, kind, input));
    return changedView(db, ctx, kind);
  });
}

export async function disconnectAction(slug: string, kind: string) {
  return workspaceAction(slug, async ({ db, ctx }) => {
    await disconnect(db, ctx, kind);
    return changedView(db, ctx, kind);
  });
}
