// DELETE /api/workspaces/[slug]/agent/config/connection/[provider] – the older path of …/connections/[provider]/connection, kept for API clients
import { connectionRoutes } from "@/lib/connections/routes";

const routes = connectionRoutes<{ slug: string; provider: string }>((p) => p.provider);
export const DELETE = routes.disconnect;
