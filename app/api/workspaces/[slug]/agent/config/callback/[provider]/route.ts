// GET /api/workspaces/[slug]/agent/config/callback/[provider] – the older path of …/connections/[provider]/callback, kept for API clients and OAuth apps registered with it
import { connectionRoutes } from "@/lib/connections/routes";

const routes = connectionRoutes<{ slug: string; provider: string }>((p) => p.provider);
export const GET = routes.callback;
