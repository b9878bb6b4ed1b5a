// GET /api/workspaces/[slug]/agent/images – whether the agent images are being prepared (with progress), failed, or Docker is missing
import { withWorkspace } from "@/lib/api/handler";
import { getImageNotices } from "@/lib/agents/image-status";

export const dynamic = "force-dynamic";

export const GET = withWorkspace<{ slug: string }>(async (_req, { db }) => Response.json({ notices: await getImageNotices(db) }));
