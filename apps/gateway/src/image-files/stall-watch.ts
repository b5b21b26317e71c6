import type { ServerResponse } from 'node:http';
import { Transform, finished, pipeline, type Readable } from 'node:stream';

export interface RelayOptions {
  stallMs: number;
  /** Runs once, when the transfer ends in any way. */
  onClose: () => void;
  /** Each chunk's size as it passes (ChunkReclaimer counts them). */
  onRelayed: (bytes: number) => void;
}

/**
 * The vendor's body on its way to the caller, closed (both sides) once no byte has moved for `stallMs`: the caller
 * stopped reading (the relay is full), or the vendor stopped sending (the relay is empty). Either way the transfer holds
 * a download slot and two sockets for nothing.
 */
export function watchForStall(body: Readable, response: ServerResponse, { stallMs, onClose, onRelayed }: RelayOptions): Readable {
  let movedAt = Date.now();
  // A chunk enters the relay only while the caller keeps up and the vendor keeps sending.
  const relay = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      movedAt = Date.now();
      onRelayed(chunk.length);
      done(null, chunk);
    },
  });
  const timer = setInterval(() => {
    if (Date.now() - movedAt < stallMs) return;
    body.destroy();
    relay.destroy();
    response.destroy();
  }, Math.max(50, Math.min(1000, Math.floor(stallMs / 4))));
  timer.unref();
  // `finished`, not a 'close' listener: it also reports a response that closed before this was called.
  finished(response, () => {
    clearInterval(timer);
    onClose();
  });
  // pipeline, not pipe: when Fastify destroys the relay (the caller left), the vendor's stream is destroyed too.
  pipeline(body, relay, () => undefined);
  return relay;
}
