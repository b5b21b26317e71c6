import type { FastifyInstance } from 'fastify';
import { GatewayError } from '@images/core';

/** No request body of the API nests deeper than 3; a small bound keeps every later step (validation, hashing) shallow. */
export const MAX_JSON_DEPTH = 16;

/**
 * Request bodies are JSON and nothing else (API.md section 8): every other content type is refused with 415 before it
 * is read, so a plain HTML form on another site cannot write. A body nested deeper than MAX_JSON_DEPTH is a 400,
 * found by one linear scan before JSON.parse, so it costs what any other bad body costs.
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    // Compressed bodies are not taken: inflating them would undo the body limit.
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      done(new GatewayError('UNSUPPORTED_MEDIA_TYPE', { detail: `the body is ${encoding}-encoded: send JSON without a Content-Encoding` }), undefined);
      return;
    }
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      done(new GatewayError('VALIDATION_FAILED', { detail: `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`, errors: [{ field: 'body', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }] }), undefined);
      return;
    }
    parse(request, body as string, done);
  });
}

/** Brackets outside strings, counted in one pass; true as soon as the depth passes `max`. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      if (++depth > max) return true;
    } else if (code === 0x7d || code === 0x5d) {
      depth--;
    }
  }
  return false;
}
