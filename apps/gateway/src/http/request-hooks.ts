import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { callerOf } from '../callers/caller';
import { problemOf, sourcesOf } from '../common/request-log';
import type { LifecycleService } from '../health/lifecycle.service';
import type { MetricsService } from '../metrics/metrics.service';
import { isQuietRoute, traceFieldsOf } from '../tracing/request-spans';
import { StreamCut, onStreamCut } from './stream-cut';

/**
 * Every answer carries its request id; while draining, every answer closes its connection (a kept-alive socket would
 * hold the shutdown open); every request is counted, and all but probes and scrapes get one access line with the
 * caller, the remote address, the provider outcomes and the trace id.
 */
export function addRequestHooks(fastify: FastifyInstance, deps: { metrics: MetricsService; lifecycle: LifecycleService; logger: Logger }): void {
  // Callback hooks, not async ones: no promise per hook per request.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (deps.lifecycle.phase === 'draining') reply.header('Connection', 'close');
    onStreamCut(reply, payload, (why) => countAndLog(request, reply, deps, why));
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    countAndLog(request, reply, deps);
    done();
  });
}

const COUNTED = Symbol('counted');

function countAndLog(request: FastifyRequest, reply: FastifyReply, deps: { metrics: MetricsService; logger: Logger }, cut?: StreamCut): void {
  // Once per request, whichever of onResponse (on finish or error) and the close of a cut stream comes first.
  const marked = reply as unknown as Record<symbol, boolean>;
  if (marked[COUNTED]) return;
  marked[COUNTED] = true;
  const route = routeOf(request);
  const latencyMs = reply.elapsedTime;
  deps.metrics.onHttpResponse(request.method, route, reply.statusCode, latencyMs);
  if (isQuietRoute(route)) return;
  // Undefined fields are left out of the line; no spread, so the literal keeps V8's fast path.
  const traced = traceFieldsOf(request);
  deps.logger.info(
    {
      reqId: request.id, method: request.method, url: loggableUrl(request.url), route, status: reply.statusCode, latencyMs: Math.round(latencyMs),
      caller: callerOf(request)?.name, remoteAddress: request.ip, sources: sourcesOf(request), problem: problemOf(request),
      traceId: traced?.traceId, spanId: traced?.spanId, cut,
    },
    'request',
  );
}

/** A query parameter whose value the access log never shows: a caller may put a credential where it does not belong. */
const SECRET_PARAMETER = /key|token|ticket|secret|passw|signature|auth|credential|session/i;

export function loggableUrl(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const pairs = url.slice(start + 1).split('&').map((pair) => {
    const name = pair.split('=', 1)[0];
    // Tested as the query parser reads it: `%74icket` is a ticket too.
    return SECRET_PARAMETER.test(decodedName(name)) ? `${name}=[REDACTED]` : pair;
  });
  return `${url.slice(0, start)}?${pairs.join('&')}`;
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? 'unmatched';
}
