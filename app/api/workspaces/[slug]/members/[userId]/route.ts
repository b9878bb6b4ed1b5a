// PATCH /api/workspaces/[slug]/members/[userId] – change a role (admins); DELETE – remove a member or leave
import { readJson, withWorkspace } from "@/lib/api/handler";
import { changeMemberRole, removeMember } from "@/lib/workspaces/service";
import { notFound } from "@/lib/errors";

type P = { slug: string; userId: string };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const PATCH = withWorkspace<P>(async (req, { db, ctx, params }) => {
  if (!UUID.test(params.userId)) throw notFound("member", "This member");
  const role = await changeMemberRole(db, ctx, params.userId, await readJson(req));
  return Response.json({ member: { user_id: params.userId, role } });
});

export const DELETE = withWorkspace<P>(async (_req, { db, ctx, params }) => {
  if (!UUID.test(params.userId)) throw notFound("member", "This member");
  await removeMember(db, ctx, params.userId);
  return new Response(null, { status: 204 });
});
