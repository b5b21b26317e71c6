import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Context, type Tracer } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SPAN_ATTRIBUTES } from '@images/core';
import { onStreamCut } from '../http/stream-cut';

const TRACE_CONTEXT = Symbol('traceContext');

type Traced = FastifyRequest & { [TRACE_CONTEXT]?: Context };

/** Probes and scrapes: frequent, and no story to tell (no access line either). */
export function isQuietRoute(route: string): boolean {
  return route === '/metrics' || route.startsWith('/health');
}

/**
 * Only while tracing is on: a SERVER span per request (but probes and scrapes), the child of the caller's
 * `traceparent` when it sent a valid one, and the active context of the route's handler, so the provider slices and
 * upstream calls it makes are its children. Its attributes are the route, never the query (it may carry a key).
 */
export function addRequestSpans(fastify: FastifyInstance, tracer: Tracer): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions?.url;
    if (route !== undefined && isQuietRoute(route)) return done();
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(route ? `${request.method} ${route}` : request.method, {
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: request.method,
        [ATTR_URL_PATH]: pathOf(request.url),
        [SPAN_ATTRIBUTES.requestId]: request.id,
        ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}),
      },
    }, parent);
    (request as Traced)[TRACE_CONTEXT] = trace.setSpan(parent, span);
    done();
  });
  // After the body is read (its events run outside the request's async context): the handler runs inside the span.
  fastify.addHook('preHandler', (request, _reply, done) => {
    const traced = (request as Traced)[TRACE_CONTEXT];
    if (traced) context.with(traced, done);
    else done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (spanOf(request)) onStreamCut(reply, payload, (why) => endSpan(request, reply, why === 'source'));
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    endSpan(request, reply, false);
    done();
  });
}

function endSpan(request: FastifyRequest, reply: FastifyReply, sourceFailed: boolean): void {
  const span = spanOf(request);
  // Once: a cut stream's response may still error, which runs onResponse too.
  if (!span?.isRecording()) return;
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
  // A 4xx is the caller's mistake, not the gateway's failure (OpenTelemetry's HTTP server convention); a stream whose
  // source failed after its headers went out is the gateway's, whatever the status said.
  if (reply.statusCode >= 500 || sourceFailed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

function spanOf(request: FastifyRequest) {
  const traced = (request as Traced)[TRACE_CONTEXT];
  return traced ? trace.getSpan(traced) : undefined;
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/** A W3C traceparent: version 00, a 32-hex trace id and a 16-hex parent id, neither all zeros, and the flags. */
const TRACEPARENT = /^00-(?!0{32})([0-9a-f]{32})-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The trace fields of a request's access line: its span's ids while tracing is on; with tracing off, the trace id of
 * a valid `traceparent` the caller sent, so its line can still be found from the caller's trace.
 */
export function traceFieldsOf(request: FastifyRequest): { traceId?: string; spanId?: string } | undefined {
  const span = spanOf(request);
  if (span) {
    const { traceId, spanId } = span.spanContext();
    return { traceId, spanId };
  }
  const header = request.headers.traceparent;
  if (typeof header !== 'string') return undefined;
  const match = TRACEPARENT.exec(header.trim());
  return match ? { traceId: match[1] } : undefined;
}
