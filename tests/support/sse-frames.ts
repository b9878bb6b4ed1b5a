/** One Server-Sent Events frame as a test reads it. */
export type SseFrame = { event: string | null; id: string | null; data: string };

/**
 * Reads a response body as Server-Sent Events, calling `onFrame` for each frame with data, until
 * the stream ends or is aborted. Resolves then (an abort is not an error here).
 */
export async function readSseFrames(body: ReadableStream<Uint8Array>, onFrame: (f: SseFrame) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const text = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = /^data: (.*)$/m.exec(text)?.[1];
        if (data !== undefined) onFrame({ event: /^event: (.*)$/m.exec(text)?.[1] ?? null, id: /^id: (.*)$/m.exec(text)?.[1] ?? null, data });
      }
    }
  } catch {
    /* aborted */
  }
}
