// GET, DELETE /api/workspaces/[slug]/git/connection – the workspace's GitHub connection (never its token); disconnect (admins)
import { withWorkspace } from "@/lib/api/handler";
import { disconnectGit, getGitConnectionView } from "@/lib/git/connection";

export const GET = withWorkspace(async (_req, { db, ctx }) => Response.json({ connection: await getGitConnectionView(db, ctx) }));

export const DELETE = withWorkspace(async (_req, { db, ctx }) => Response.json({ connection: await disconnectGit(db, ctx) }), { role: "admin" });
