import { AsyncLocalStorage } from "node:async_hooks";

// Next's request stores are AsyncLocalStorage instances made from this global, which its server
// sets before loading anything; import this before any `next/*` module to do the same in a test.
(globalThis as { AsyncLocalStorage?: typeof AsyncLocalStorage }).AsyncLocalStorage ??= AsyncLocalStorage;
