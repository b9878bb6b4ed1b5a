// POST /api/signup – create an account with email and password
import { getDb } from "@/db/client";
import { readJson } from "@/lib/api/handler";
import { assertSameSite } from "@/lib/api/same-site";
import { toDispatchError } from "@/lib/errors";
import { signUp } from "@/lib/users/service";

export async function POST(req: Request) {
  try {
    assertSameSite(req);
    const user = await signUp(getDb(), await readJson(req));
    return Response.json({ user: { id: user.id, email: user.email, name: user.name } }, { status: 201 });
  } catch (err) {
    return toDispatchError(err).toResponse();
  }
}
