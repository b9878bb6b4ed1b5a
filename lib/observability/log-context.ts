import { AsyncLocalStorage } from "node:async_hooks";

/** What a log line says about where it comes from; set once around a request or a session run. */
export type LogContext = { sessionId?: string; workspaceId?: string; workerId?: string; requestId?: string; component?: string };

// On globalThis: Next bundles a module into several chunks, and every copy must see the same store.
const globalForLog = globalThis as unknown as { __dispatchLogContext?: AsyncLocalStorage<LogContext> };
const storage = (globalForLog.__dispatchLogContext ??= new AsyncLocalStorage<LogContext>());

/** Runs `fn` with these fields on every line it logs (added to the fields already in force). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/** Adds fields to the context in force (e.g. the workspace, once the session's row is read). */
export function addLogContext(fields: LogContext): void {
  const store = storage.getStore();
  if (store) Object.assign(store, fields);
}

// Fields of the whole process (a worker's id), under whatever context is in force.
const processFields: LogContext = {};

export function setProcessLogFields(fields: LogContext): void {
  Object.assign(processFields, fields);
}

export function currentLogContext(): LogContext {
  return { ...processFields, ...storage.getStore() };
}
