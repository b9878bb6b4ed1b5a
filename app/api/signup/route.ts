// POST /api/signup – create an account with email and password
import { getDb } from "@/db/client";
import { readJson, withRequest } from "@/lib/api/handler";
import { signUp } from "@/lib/users/service";

export const POST = withRequest(async (req) => {
  const user = await signUp(getDb(), await readJson(req));
  return Response.json({ user: { id: user.id, email: user.email, name: user.name } }, { status: 201 });
});
