// POST /api/workspaces/[slug]/agent/config/connect/[provider] – the older path of …/connections/[provider]/connect, kept for API clients
import { connectionRoutes } from "@/lib/connections/routes";

const routes = connectionRoutes<{ slug: string; provider: string }>((p) => p.provider);
export const POST = routes.connect;
