import { formatWithOptions } from "node:util";
import { redactSecrets } from "./redact";

const METHODS = ["log", "info", "warn", "error", "debug"] as const;
let installed = false;

/**
 * Routes the process's console through the token scrubber: a provider's error echoing a
 * credential, or a library printing a request, never puts a token in the logs.
 */
export function scrubConsole(target: Pick<Console, (typeof METHODS)[number]> = console): void {
  if (installed && target === console) return;
  if (target === console) installed = true;
  for (const m of METHODS) {
    const original = target[m].bind(target);
    target[m] = (...args: unknown[]) => original(redactSecrets(formatWithOptions({ colors: false }, ...args)));
  }
}
