import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { FlatCompat } from "@eslint/eslintrc";

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
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["drizzle-orm", "drizzle-orm/*"], message: "Import drizzle-orm only inside db/." }] }],
    },
  },
  {
    // The worker must not depend on the web app, and the web must not import the worker.
    files: ["workers/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["@/app/*", "@/components/*"] }] },
  },
];

export default config;
