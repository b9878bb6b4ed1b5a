import { DispatchError } from "@/lib/errors";

/** The largest JSON body read: the biggest legitimate one (a ~200 KB comment document) fits five times. */
export const MAX_JSON_BODY_BYTES = 1_000_000;

/**
 * `application/json`, optionally with `charset=utf-8`, in any case. The types an HTML form can
 * send across sites without a preflight (text/plain, form-urlencoded, multipart) are not it.
 */
export function isJsonContentType(header: string | null): boolean {
  if (!header) return false;
  const [type, ...params] = header.split(";").map((s) => s.replace(/\s+/g, "").toLowerCase());
  return type === "application/json" && params.every((p) => p === "" || /^charset="?utf-8"?$/.test(p));
}

const shown = (v: string) => JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);

/** The request body as JSON: 415 unless it says it is JSON, 413 past the size limit, 400 unless it parses. */
export async function readJsonBody(req: Request, limit = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const type = req.headers.get("content-type");
  if (!isJsonContentType(type)) {
    throw new DispatchError(
      "unsupported_media_type:json",
      `Send the body as JSON with Content-Type: application/json (got ${type ? shown(type) : "no Content-Type"}).`,
    );
  }
  const text = await readText(req, limit);
  try {
    return JSON.parse(text);
  } catch {
    throw new DispatchError("bad_request:json", "The request body must be valid JSON.");
  }
}

const tooLarge = (limit: number) =>
  new DispatchError("payload_too_large:json", `The request body is too large (at most ${Math.round(limit / 1_000_000)} MB).`);

/** Counts bytes as they arrive, so a body without Content-Length (or one that lies) stops at the limit too. */
async function readText(req: Request, limit: number): Promise<string> {
  if (Number(req.headers.get("content-length")) > limit) throw tooLarge(limit);
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        void reader.cancel().catch(() => undefined);
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof DispatchError) throw err;
    throw new DispatchError("bad_request:json", "The request body could not be read.");
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
