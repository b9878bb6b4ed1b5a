// GET /api/workspaces/[slug]/agent/skills/[id] – one skill; PATCH – edit (admins); DELETE – delete (admins)
import { readJson, withWorkspace } from "@/lib/api/handler";
import { editSkill, getSkillOrThrow, removeSkill, skillJson } from "@/lib/agents/skills";

type P = { slug: string; id: string };

export const GET = withWorkspace<P>(async (_req, { db, ctx, params }) => Response.json({ skill: skillJson(await getSkillOrThrow(db, ctx, params.id)) }));

export const PATCH = withWorkspace<P>(async (req, { db, ctx, params }) =>
  Response.json({ skill: skillJson(await editSkill(db, ctx, params.id, await readJson(req))) }),
);

export const DELETE = withWorkspace<P>(async (_req, { db, ctx, params }) => {
  await removeSkill(db, ctx, params.id);
  return new Response(null, { status: 204 });
});
