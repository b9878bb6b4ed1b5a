import type { NextConfig } from "next";

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Frame-Options", value: "DENY" },
];

// `npm start` (scripts/start.mjs) and the e2e setup set this: `npm test` runs tsc and ESLint on their
// own, and running them again inside `next build` made the first start take minutes. A plain
// `next build` (`npm run build`) still checks both.
const fastBuild = process.env.DISPATCH_FAST_BUILD === "1";

// The app image (docker/app/Dockerfile) sets this: a standalone server.js with only the files it
// needs. `npm start` runs `next start`, which standalone output does not support, so it stays off there.
const standalone = process.env.DISPATCH_STANDALONE === "1";

const nextConfig: NextConfig = {
  ...(standalone ? { output: "standalone" as const } : {}),
  // A second build folder lets a dev server run beside the test suite's production build.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // PGlite loads its WASM and data files relative to its own module; bundling breaks that.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "dockerode", "ssh2", "bullmq", "ioredis", "pino", "pino-pretty", "prom-client"],
  // Compression would buffer Server-Sent Events (see shared/pitfalls.md); put a reverse proxy in front for gzip.
  compress: false,
  poweredByHeader: false,
  typedRoutes: false,
  eslint: { ignoreDuringBuilds: fastBuild },
  typescript: { ignoreBuildErrors: fastBuild },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
