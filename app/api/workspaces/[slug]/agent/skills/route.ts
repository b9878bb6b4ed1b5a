// GET /api/workspaces/[slug]/agent/skills?project_id= – workspace skills (+ that project's); POST – create (admins)
import { readJson, withWorkspace } from "@/lib/api/handler";
import { createSkill, getSkills, skillJson } from "@/lib/agents/skills";

type P = { slug: string };

export const GET = withWorkspace<P>(async (req, { db, ctx }) => {
  const skills = await getSkills(db, ctx, new URL(req.url).searchParams.get("project_id"));
  return Response.json({ skills: skills.map(skillJson) });
});

export const POST = withWorkspace<P>(async (req, { db, ctx }) => Response.json({ skill: skillJson(await createSkill(db, ctx, await readJson(req))) }, { status: 201 }));
