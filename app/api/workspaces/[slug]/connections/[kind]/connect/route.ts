// POST /api/workspaces/[slug]/connections/[kind]/connect – start connecting a service by OAuth (admins): the authorization URL to send the browser to
import { connectionRoutes } from "@/lib/connections/routes";

const routes = connectionRoutes<{ slug: string; kind: string }>((p) => p.kind);
export const POST = routes.connect;
