// GET, DELETE /api/workspaces/[slug]/connections/[kind]/connection – the connection (never its token); disconnect (admins)
import { connectionRoutes } from "@/lib/connections/routes";

const routes = connectionRoutes<{ slug: string; kind: string }>((p) => p.kind);
export const GET = routes.view;
export const DELETE = routes.disconnect;
