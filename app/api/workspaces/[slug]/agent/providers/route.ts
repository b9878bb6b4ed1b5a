// GET /api/workspaces/[slug]/agent/providers – enabled providers and variants, with this workspace's connection (never a token)
import { withWorkspace } from "@/lib/api/handler";
import { listAvailableProviders } from "@/lib/agents/providers";

export const GET = withWorkspace<{ slug: string }>(async (_req, { db, ctx }) => Response.json({ providers: await listAvailableProviders(db, ctx) }));
