import "./next-async-storage";
import { workAsyncStorage } from "next/dist/server/app-render/work-async-storage.external";
import { workUnitAsyncStorage } from "next/dist/server/app-render/work-unit-async-storage.external";
import { RequestCookies } from "next/dist/server/web/spec-extension/cookies";

/**
 * Runs a server action the way Next does for a POST from the browser, as far as the action can
 * tell: inside a request scope whose `cookies()`/`headers()` carry the session cookie, with a work
 * store that takes `revalidatePath`. Only the stores' fields these actions touch are filled in.
 */
export function runAsServerAction<T>(cookie: string | null, action: () => Promise<T>): Promise<T> {
  const headers = new Headers(cookie ? { cookie } : {});
  const cookies = new RequestCookies(headers);
  const workStore = { route: "/[slug]/server-action-test", page: "/", isStaticGeneration: false, incrementalCache: {}, pendingRevalidatedTags: [] };
  const requestStore = {
    type: "request",
    phase: "action",
    implicitTags: { tags: [], expirationsByCacheKind: new Map() },
    url: { pathname: "/", search: "" },
    headers,
    cookies,
    // In the action phase `cookies()` reads these; the actions here only read.
    mutableCookies: cookies,
    userspaceMutableCookies: cookies,
    rootParams: {},
    renderResumeDataCache: null,
  };
  return workAsyncStorage.run(workStore as unknown as Parameters<typeof workAsyncStorage.run>[0], () =>
    workUnitAsyncStorage.run(requestStore as unknown as Parameters<typeof workUnitAsyncStorage.run>[0], action),
  );
}
