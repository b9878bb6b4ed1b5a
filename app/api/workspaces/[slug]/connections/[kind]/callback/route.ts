// GET /api/workspaces/[slug]/connections/[kind]/callback – the service's OAuth redirect (the URL to register with the OAuth app): store the tokens, then back to settings with the outcome
import { connectionRoutes } from "@/lib/connections/routes";

const routes = connectionRoutes<{ slug: string; kind: string }>((p) => p.kind);
export const GET = routes.callback;
