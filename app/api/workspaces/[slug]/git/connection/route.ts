// GET, DELETE /api/workspaces/[slug]/git/connection – the older path of …/connections/github/connection, kept for API clients
import { connectionRoutes } from "@/lib/connections/routes";

const routes = connectionRoutes<{ slug: string }>(() => "github");
export const GET = routes.view;
export const DELETE = routes.disconnect;
