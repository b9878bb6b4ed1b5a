// PUT /api/workspaces/[slug]/git/token – the older path of …/connections/github/token, kept for API clients
import { connectionRoutes } from "@/lib/connections/routes";

const routes = connectionRoutes<{ slug: string }>(() => "github");
export const PUT = routes.token;
