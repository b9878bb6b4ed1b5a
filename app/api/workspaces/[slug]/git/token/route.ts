// PUT /api/workspaces/[slug]/git/token – connect GitHub with a pasted GitHub App installation token (admins; never a personal access token)
import { readJson, withWorkspace } from "@/lib/api/handler";
import { connectGitWithToken } from "@/lib/git/connection";

export const PUT = withWorkspace(async (req, { db, ctx }) => Response.json({ connection: await connectGitWithToken(db, ctx, await readJson(req)) }), { role: "admin" });
