// POST /api/workspaces/[slug]/git/connect – the older path of …/connections/github/connect, kept for API clients
import { connectionRoutes } from "@/lib/connections/routes";

const routes = connectionRoutes<{ slug: string }>(() => "github");
export const POST = routes.connect;
