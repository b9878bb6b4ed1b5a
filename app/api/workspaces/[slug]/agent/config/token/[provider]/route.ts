// PUT /api/workspaces/[slug]/agent/config/token/[provider] – the older path of …/connections/[provider]/token, kept for API clients
import { connectionRoutes } from "@/lib/connections/routes";

const routes = connectionRoutes<{ slug: string; provider: string }>((p) => p.provider);
export const PUT = routes.token;
