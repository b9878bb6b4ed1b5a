// PUT /api/workspaces/[slug]/git/token – connect GitHub with a pasted GitHub App installation token (admins; never a personal access token)
import { readJson, withWorkspace } from "@/lib/api/handler";
import { pasteTokenWithLimit } from "@/lib/auth/limited-attempts";
import { connectGitWithToken } from "@/lib/git/connection";
import { clientIp } from "@/lib/rate-limit/client-ip";

export const PUT = withWorkspace(
  async (req, { db, ctx }) => {
    const input = await readJson(req);
    const connection = await pasteTokenWithLimit(ctx.workspace.id, clientIp(req.headers), () => connectGitWithToken(db, ctx, input));
    return Response.json({ connection });
  },
  { role: "admin" },
);
