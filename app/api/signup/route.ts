// POST /api/signup – create an account with email and password
import { getDb } from "@/db/client";
import { readJson } from "@/lib/api/handler";
import { signUpWithLimit } from "@/lib/auth/limited-attempts";
import { toDispatchError } from "@/lib/errors";
import { clientIp } from "@/lib/rate-limit/client-ip";

export async function POST(req: Request) {
  try {
    const user = await signUpWithLimit(getDb(), await readJson(req), clientIp(req.headers));
    return Response.json({ user: { id: user.id, email: user.email, name: user.name } }, { status: 201 });
  } catch (err) {
    return toDispatchError(err).toResponse();
  }
}
