// GET /api/workspaces/[slug]/agent/config – per-provider settings (admins); PUT – change them
import { readJson, withWorkspace } from "@/lib/api/handler";
import { getAgentConfig, updateAgentConfig } from "@/lib/agents/providers";

type P = { slug: string };

export const GET = withWorkspace<P>(async (_req, { db, ctx }) => Response.json({ providers: await getAgentConfig(db, ctx) }), { role: "admin" });

export const PUT = withWorkspace<P>(async (req, { db, ctx }) => Response.json({ providers: await updateAgentConfig(db, ctx, await readJson(req)) }), {
  role: "admin",
});
