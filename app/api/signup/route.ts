// POST /api/signup – create an account with email and password
import { getDb } from "@/db/client";
import { readJson, withRequest } from "@/lib/api/handler";
import { signUpWithLimit } from "@/lib/auth/limited-attempts";
import { clientIp } from "@/lib/rate-limit/client-ip";

export const POST = withRequest(async (req) => {
  const user = await signUpWithLimit(getDb(), await readJson(req), clientIp(req.headers));
  return Response.json({ user: { id: user.id, email: user.email, name: user.name } }, { status: 201 });
});
