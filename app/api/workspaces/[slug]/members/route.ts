// GET /api/workspaces/[slug]/members – list members; POST – add one by email (admins)
import { readJson, withWorkspace } from "@/lib/api/handler";
import { memberJson } from "@/lib/api/serialize";
import { addMember, getMembers } from "@/lib/workspaces/service";

type P = { slug: string };

export const GET = withWorkspace<P>(async (_req, { db, ctx }) => Response.json({ members: (await getMembers(db, ctx)).map(memberJson) }));

export const POST = withWorkspace<P>(async (req, { db, ctx }) => {
  const member = await addMember(db, ctx, await readJson(req));
  return Response.json({ member: memberJson(member) }, { status: 201 });
});
