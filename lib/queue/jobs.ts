import { z } from "zod";

/** A job carries only the session id; the worker reads everything else from the database. Job id = session id. */
export const runSessionJobSchema = z.object({ sessionId: z.string().uuid() });
export type RunSessionJob = z.infer<typeof runSessionJobSchema>;
