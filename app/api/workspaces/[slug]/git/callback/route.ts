// GET /api/workspaces/[slug]/git/callback – the older path of …/connections/github/callback, kept for API clients and OAuth apps registered with it
import { connectionRoutes } from "@/lib/connections/routes";

const routes = connectionRoutes<{ slug: string }>(() => "github");
export const GET = routes.callback;
