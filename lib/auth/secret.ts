import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir } from "@/db/client";
import { env } from "@/lib/env";
import { logFor } from "@/lib/observability/log";

let cached: string | undefined;

/**
 * NEXTAUTH_SECRET when set; otherwise (embedded default) a random secret kept in the data folder,
 * readable only by its owner, so sessions survive restarts without any set-up.
 */
export function authSecret(): string {
  if (cached) return cached;
  const fromEnv = env().NEXTAUTH_SECRET;
  if (fromEnv) return (cached = fromEnv);
  const file = path.join(dataDir(), "auth-secret");
  try {
    cached = fs.readFileSync(file, "utf8").trim();
  } catch {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    try {
      fs.writeFileSync(file, secret, { mode: 0o600, flag: "wx" });
      logFor("auth").info(`generated a session secret in ${file} (set NEXTAUTH_SECRET to use your own)`);
    } catch {
      // Another process wrote it first; use theirs.
    }
    cached = fs.readFileSync(file, "utf8").trim();
  }
  return cached;
}
