import { Stream } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** Why a streamed answer ended before it finished: the caller left, or its source failed after the headers went. */
export type StreamCut = 'caller' | 'source';

/**
 * Calls `cut` once if a streamed answer (an event stream, a download) closes before it finished. Fastify's onResponse
 * never runs for those, so whatever it does at the end of a request (the access line, the request metric, the span)
 * is done here instead. Answers that are not streams are left alone.
 */
export function onStreamCut(reply: FastifyReply, payload: unknown, cut: (why: StreamCut) => void): void {
  if (!(payload instanceof Stream)) return;
  let sourceFailed = false;
  payload.once('error', () => (sourceFailed = true));
  reply.raw.once('close', () => reply.raw.writableFinished || cut(sourceFailed ? 'source' : 'caller'));
}
