"use client";

import { useCallback, useEffect, useReducer, useRef } from "react";
import { VersionedValue } from "./versioned-value";

/** A field's value kept by VersionedValue: `commit` saves, `latest` reads past a stale closure. */
export function useVersionedValue<T>(server: T, serverVersion: string, same: (a: T, b: T) => boolean) {
  const box = useRef<VersionedValue<T> | null>(null);
  box.current ??= new VersionedValue(server, serverVersion, same);
  const [, rerender] = useReducer((n: number) => n + 1, 0);

  useEffect(() => {
    if (box.current!.serverRendered(server, serverVersion)) rerender();
  }, [server, serverVersion]);

  /** Shows `next` at once and runs `save`, which returns the saved version or null when it failed. */
  const commit = useCallback(async (next: T, save: (next: T) => Promise<string | null>) => {
    const end = box.current!.begin(next);
    rerender();
    let version: string | null = null;
    try {
      version = await save(next);
    } finally {
      end(version);
      rerender();
    }
  }, []);

  const latest = useCallback(() => box.current!.current, []);
  return { value: box.current.current, commit, latest };
}
