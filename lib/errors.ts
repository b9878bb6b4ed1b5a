import { describeError } from "@/lib/log/describe-error";

/**
 * One error class for everything a user can be told. The code is `type:surface`; the type
 * decides the HTTP status. Messages are written for people; the UI branches on `code`.
 */
export type ErrorType =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limit"
  | "internal";

export type ErrorCode = `${ErrorType}:${string}`;

const statusByType: Record<ErrorType, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limit: 429,
  internal: 500,
};

export type ErrorBody = { code: ErrorCode; message: string; field?: string };

export class DispatchError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  /** For rate_limit refusals: when to try again, sent as the Retry-After header. */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, options: { field?: string; cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = "DispatchError";
    this.code = code;
    this.field = options.field;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get type(): ErrorType {
    return this.code.split(":")[0] as ErrorType;
  }

  get status(): number {
    return statusByType[this.type];
  }

  toJSON(): ErrorBody {
    return this.field ? { code: this.code, message: this.message, field: this.field } : { code: this.code, message: this.message };
  }

  toResponse(): Response {
    const headers: Record<string, string> = this.retryAfterSeconds === undefined ? {} : { "retry-after": String(this.retryAfterSeconds) };
    return Response.json({ error: this.toJSON() }, { status: this.status, headers });
  }
}

/**
 * Anything that is not a DispatchError is logged and shown as a generic failure: no database
 * details leak, to the user or to the log (a database error quotes the row it was writing). The
 * reference ties the user's report to the log line.
 */
export function toDispatchError(err: unknown): DispatchError {
  if (err instanceof DispatchError) return err;
  const ref = crypto.randomUUID().slice(0, 8);
  console.error(`[dispatch] unexpected error (ref ${ref}): ${describeError(err)}`);
  return new DispatchError("internal:server", `Something went wrong on our side. Please try again (reference ${ref}).`);
}

export function notFound(surface: string, what = "This page"): DispatchError {
  return new DispatchError(`not_found:${surface}`, `${what} does not exist or you do not have access to it.`);
}
