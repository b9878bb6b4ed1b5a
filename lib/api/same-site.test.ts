import { afterEach, describe, expect, it } from "vitest";
import { isJsonContentType } from "./json-body";
import { assertSameSite } from "./same-site";

const req = (method: string, headers: Record<string, string>, url = "http://localhost:3000/api/workspaces") => new Request(url, { method, headers });
const refused = (r: Request) => {
  try {
    assertSameSite(r);
    return null;
  } catch (err) {
    return (err as { code: string }).code;
  }
};

afterEach(() => void delete process.env.NEXTAUTH_URL);

describe("assertSameSite", () => {
  it("refuses a change from another port of the same host, by Origin or by Sec-Fetch-Site", () => {
    expect(refused(req("POST", { origin: "http://localhost:4000" }))).toBe("forbidden:origin");
    expect(refused(req("DELETE", { "sec-fetch-site": "same-site" }))).toBe("forbidden:origin");
    expect(refused(req("PATCH", { origin: "null" }))).toBe("forbidden:origin");
  });

  it("lets the site's own pages, the user and API clients through; reads are never checked", () => {
    expect(refused(req("POST", { origin: "http://localhost:3000", "sec-fetch-site": "same-origin" }))).toBeNull();
    expect(refused(req("POST", { "sec-fetch-site": "none" }))).toBeNull();
    expect(refused(req("PUT", {}))).toBeNull();
    expect(refused(req("GET", { origin: "http://evil.test", "sec-fetch-site": "cross-site" }))).toBeNull();
  });

  it("knows the site by NEXTAUTH_URL and by the Host the browser addressed", () => {
    process.env.NEXTAUTH_URL = "https://dispatch.example.test/";
    expect(refused(req("POST", { origin: "https://dispatch.example.test" }))).toBeNull();
    expect(refused(req("POST", { origin: "http://10.0.0.5:3000", host: "10.0.0.5:3000" }))).toBeNull();
    expect(refused(req("POST", { origin: "http://10.0.0.5:4000", host: "10.0.0.5:3000" }))).toBe("forbidden:origin");
  });
});

describe("isJsonContentType", () => {
  it("is application/json with at most a UTF-8 charset", () => {
    for (const t of ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON;charset=\"UTF-8\""]) expect(isJsonContentType(t), t).toBe(true);
    for (const t of [null, "", "text/plain", "application/jsonp", "application/json; charset=latin1", "application/json, text/plain"]) expect(isJsonContentType(t), String(t)).toBe(false);
  });
});
