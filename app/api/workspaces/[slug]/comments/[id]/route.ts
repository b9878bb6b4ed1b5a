// PATCH /api/workspaces/[slug]/comments/[id] – edit my comment; DELETE – delete my comment
import { readJson, withWorkspace } from "@/lib/api/handler";
import { commentJson } from "@/lib/api/serialize";
import { deleteComment, editComment } from "@/lib/comments/service";

type P = { slug: string; id: string };

export const PATCH = withWorkspace<P>(async (req, { db, ctx, params }) =>
  Response.json({ comment: commentJson(await editComment(db, ctx, params.id, await readJson(req))) }),
);

export const DELETE = withWorkspace<P>(async (_req, { db, ctx, params }) => {
  await deleteComment(db, ctx, params.id);
  return new Response(null, { status: 204 });
});
