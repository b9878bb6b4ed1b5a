import "server-only";
import { getDb, type Db } from "@/db/client";
import type { WorkspaceRole } from "@/db/schema";
import { getRequestUser } from "@/lib/auth/session";
import { DispatchError, notFound, toDispatchError } from "@/lib/errors";
import { withLogContext } from "@/lib/observability/log-context";
import { findUnstorableString } from "@/lib/storable-text";
import type { PublicUser } from "@/lib/users/service";
import { readJsonBody } from "./json-body";
import { assertSameSite } from "./same-site";
import { loadWorkspaceContext, requireRole, type WorkspaceContext } from "@/lib/workspaces/access";

type RouteContext<P> = { params: Promise<P> };
type RequestHandler<P> = (req: Request, args: { params: P }) => Promise<Response>;
type UserHandler<P> = (req: Request, args: { user: PublicUser; params: P; db: Db }) => Promise<Response>;
type WorkspaceHandler<P> = (req: Request, args: { user: PublicUser; params: P; db: Db; ctx: WorkspaceContext }) => Promise<Response>;

/**
 * Every route handler, signed in or not: a change must not come from another site's page, a
 * path segment no record can have is a 404, and every error becomes
 * `{ error: { code, message, field? } }` with its status (never a bare 500).
 */
export function withRequest<P>(handler: RequestHandler<P>) {
  return async (req: Request, route: RouteContext<P>): Promise<Response> => {
    const requestId = requestIdOf(req);
    const response = await withLogContext({ requestId }, async () => {
      try {
        assertSameSite(req);
        const params = await route.params;
        // `%00` or a lone surrogate in a path names nothing: a 404 before a loader sends it to the database.
        if (findUnstorableString(params)) throw notFound("page");
        return await handler(req, { params });
      } catch (err) {
        return toDispatchError(err).toResponse();
      }
    });
    // The id a log line carries, so a report ("it failed at 10:02") finds its lines. Streams keep their headers.
    try {
      response.headers.set("x-request-id", requestId);
    } catch {
      /* immutable headers (a redirect): the id stays in the log only */
    }
    return response;
  };
}

/** A proxy's X-Request-Id when it looks like one (letters, digits, dashes), else a new id. */
function requestIdOf(req: Request): string {
  const given = req.headers.get("x-request-id");
  return given && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : crypto.randomUUID();
}

/** Signed-in user required. */
export function withUser<P>(handler: UserHandler<P>) {
  return withRequest<P>(async (req, { params }) => {
    const user = await getRequestUser(req);
    if (!user) throw new DispatchError("unauthorized:session", "Sign in to use this API.");
    return handler(req, { user, params, db: getDb() });
  });
}

/** Membership of the workspace in the path (404 otherwise), and at least `role` when given. */
export function withWorkspace<P extends { slug: string }>(handler: WorkspaceHandler<P>, options: { role?: WorkspaceRole } = {}) {
  return withUser<P>(async (req, args) => {
    const ctx = await loadWorkspaceContext(args.db, args.params.slug, args.user.id);
    if (options.role) requireRole(ctx, options.role);
    return handler(req, { ...args, ctx });
  });
}

/** The JSON body: 415 unless sent as application/json, 413 over 1 MB, 400 unless it parses. */
export const readJson = (req: Request): Promise<unknown> => readJsonBody(req);
