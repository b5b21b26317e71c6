import type { ServerResponse } from 'node:http';
import { Transform, pipeline, type Readable } from 'node:stream';

/**
 * The vendor's body on its way to the caller, closed (both sides) once the caller has read nothing for `stallMs`: the
 * socket is full (`writableNeedDrain`) and no byte has moved since. A slow vendor is not a stalled caller.
 * `onClose` runs once, when the transfer ends in any way.
 */
export function watchForStall(body: Readable, response: ServerResponse, stallMs: number, onClose: () => void): Readable {
  let movedAt = Date.now();
  // A chunk enters the relay only while the caller keeps up: once the relay is full, nothing moves.
  const relay = new Transform({
    transform(chunk, _encoding, done) {
      movedAt = Date.now();
      done(null, chunk);
    },
  });
  const timer = setInterval(() => {
    if (response.writableNeedDrain && Date.now() - movedAt >= stallMs) {
      body.destroy();
      relay.destroy();
      response.destroy();
    }
  }, Math.max(50, Math.min(1000, Math.floor(stallMs / 4))));
  timer.unref();
  const finish = () => {
    clearInterval(timer);
    onClose();
  };
  response.once('close', finish);
  // pipeline, not pipe: when Fastify destroys the relay (the caller left), the vendor's stream is destroyed too.
  pipeline(body, relay, () => undefined);
  return relay;
}
