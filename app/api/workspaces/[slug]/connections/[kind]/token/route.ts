// PUT /api/workspaces/[slug]/connections/[kind]/token – connect a service with a pasted token (admins; never an API key or a personal access token)
import { connectionRoutes } from "@/lib/connections/routes";

const routes = connectionRoutes<{ slug: string; kind: string }>((p) => p.kind);
export const PUT = routes.token;
