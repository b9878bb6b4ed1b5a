import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { FlatCompat } from "@eslint/eslintrc";

/** One restriction object, repeated in each block below: a later block's rule replaces an earlier one, it does not add to it. */
const drizzleOnlyInDb = { group: ["drizzle-orm", "drizzle-orm/*"], message: "Import drizzle-orm only inside db/." };

const noWorkers = { group: ["@/workers", "@/workers/*", "**/workers/*"], message: "Web code never imports workers/ (the bridge is instrumentation-background.ts)." };

const compat = new FlatCompat({ baseDirectory: dirname(fileURLToPath(import.meta.url)) });

const config = [
  { ignores: [".next/**", "node_modules/**", ".data/**", "db/migrations/**", "next-env.d.ts"] },
  ...compat.extends("next/core-web-vitals", "next/typescript"),
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Queries live in db/: everything else goes through db/queries, so data access stays in one place.
    files: ["**/*.ts", "**/*.tsx"],
    ignores: ["db/**", "tests/**", "scripts/**", "bench/**", "drizzle.config.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [drizzleOnlyInDb] }] },
  },
  {
    // Web code never imports the worker; the one bridge (instrumentation-background.ts) sits outside these folders.
    files: ["lib/**/*.ts", "lib/**/*.tsx", "stores/**/*.ts", "stores/**/*.tsx"],
    rules: { "no-restricted-imports": ["error", { patterns: [drizzleOnlyInDb, noWorkers] }] },
  },
  {
    // Pages, routes and components reach data through lib/ services, never the queries themselves.
    files: ["app/**/*.ts", "app/**/*.tsx", "components/**/*.ts", "components/**/*.tsx"],
    rules: { "no-restricted-imports": ["error", { patterns: [drizzleOnlyInDb, noWorkers, { group: ["@/db/queries/*"], message: "Call a lib/ service; db/queries is theirs." }] }] },
  },
  {
    // The worker must not depend on the web app. A rule set here replaces the one above for these files, so it repeats it.
    files: ["workers/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [drizzleOnlyInDb, { group: ["@/app/*", "@/components/*"], message: "The worker never imports the web app." }] }] },
  },
];

export default config;
