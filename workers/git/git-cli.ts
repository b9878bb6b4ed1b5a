import { execFile } from "node:child_process";
import type { FailureCode } from "@/lib/sessions/failure";

/** A git step that failed, named so the session can say which one (clone, push, …) and why. */
export class GitStepError extends Error {
  constructor(
    readonly step: "clone" | "commit" | "push" | "pull_request" | "access",
    message: string,
  ) {
    super(message);
    this.name = "GitStepError";
  }
}

/** The failure a session ends with when this step fails. */
export const gitFailureCode = (err: GitStepError): FailureCode =>
  err.step === "pull_request" ? "pull_request_failed" : err.step === "push" || err.step === "commit" ? "push_failed" : err.step === "access" ? "forge_access" : "clone_failed";

export type GitAuth = { token: string } | null;

/**
 * The environment git runs with: nothing inherited that could redirect it (GIT_DIR, hooks,
 * askpass, ssh), no prompts, and the credential as an HTTP header given through GIT_CONFIG_*
 * so it is in neither argv (visible to `ps`), the remote URL nor any config file on disk.
 */
export function gitEnv(auth: GitAuth): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: "/nonexistent",
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    LC_ALL: "C",
  };
  const config: [string, string][] = [
    // The checkout was writable by the agent: nothing in it may make the worker run code.
    ["core.hooksPath", "/dev/null"],
    ["core.fsmonitor", "false"],
    ["safe.directory", "*"],
    ["protocol.allow", "never"],
    ["protocol.https.allow", "always"],
    ["protocol.http.allow", "always"],
  ];
  if (auth) config.push(["http.extraHeader", `Authorization: Basic ${Buffer.from(`x-access-token:${auth.token}`).toString("base64")}`]);
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  return env;
}

/** Runs git without a shell; rejects with git's own message (last lines of stderr), credential-free. */
export function git(args: string[], opts: { auth?: GitAuth; cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      args,
      { cwd: opts.cwd, env: gitEnv(opts.auth ?? null) as unknown as NodeJS.ProcessEnv, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const said = stderr
          .split("\n")
          .map((l) => l.trim())
          .filter((l) => l && !l.startsWith("hint:"))
          .slice(-3)
          .join(" ");
        const killed = (err as { killed?: boolean }).killed;
        reject(new Error(killed ? "git took too long and was stopped" : said || err.message));
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}
