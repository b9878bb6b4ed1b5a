// PATCH /api/workspaces/[slug]/members/[userId] – change a role (admins); DELETE – remove a member or leave
import { readJson, withWorkspace } from "@/lib/api/handler";
import { changeMemberRole, removeMember } from "@/lib/workspaces/service";

type P = { slug: string; userId: string };

export const PATCH = withWorkspace<P>(async (req, { db, ctx, params }) => {
  const role = await changeMemberRole(db, ctx, params.userId, await readJson(req));
  return Response.json({ member: { user_id: params.userId, role } });
});

export const DELETE = withWorkspace<P>(async (_req, { db, ctx, params }) => {
  await removeMember(db, ctx, params.userId);
  return new Response(null, { status: 204 });
});
