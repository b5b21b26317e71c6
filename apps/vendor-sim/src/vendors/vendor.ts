import { Socket } from 'node:net';
import { FastifyInstance, FastifyReply, FastifyRequest, fastify } from 'fastify';
import { FaultBoard, FaultSpec } from '../faults';
import { StatsBoard } from '../stats';
import { SimCredentials, VendorName } from '../types';

/** Shared state of one running simulator. */
export interface SimContext {
  credentials: SimCredentials;
  huaweiRegion: string;
  stats: StatsBoard;
  faults: FaultBoard;
  /** Added before every vendor answer; changed at run time by the admin API. */
  latency: { ms: number };
  /** Aborted when the simulator closes, so waits end at once. */
  lifetime: AbortSignal;
  /** How long vendor work (a created image, a DiDi job) stays in each intermediate state. */
  stepMs: number;
  /** CECSTACK's own-image count (SimOptions.cecstackPrivateImages). */
  cecstackPrivateImages?: number;
}

export interface CatalogView {
  /** Distinct image ids over every list of the vendor. */
  ids: string[];
  /** The raw items of every list, in list order (an image in two lists appears twice). */
  items: unknown[];
  /** Each list's image ids in the order the vendor serves them. */
  lists: Record<string, string[]>;
  /** Huawei only: the region the simulated endpoint stands for (its items name none). */
  region?: string;
  /** DiDi only: the snapUuids a cimg/create may name, per region. */
  snapshots?: Record<string, string[]>;
}

export interface VendorSimulator {
  readonly name: VendorName;
  /** Name under which a request is counted in the stats. */
  operationOf(request: FastifyRequest): string;
  registerRoutes(app: FastifyInstance): void;
  /** Any request no route takes. */
  notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply;
  /** The vendor's error for `fault.code`, in its own envelope and status. */
  errorAnswer(reply: FastifyReply, fault: FaultSpec): FastifyReply;
  throttleAnswer(reply: FastifyReply): FastifyReply;
  /** HTTP 200, valid JSON, but not the shape the API promises. */
  badShapeAnswer(reply: FastifyReply): FastifyReply;
  catalog(): CatalogView;
}

export function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Body as raw bytes: the vendors decode it themselves (Huawei signs the exact bytes). */
export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

export function rawQueryOf(request: FastifyRequest): string {
  const url = request.raw.url ?? request.url;
  const start = url.indexOf('?');
  return start < 0 ? '' : url.slice(start + 1);
}

export function pathOf(request: FastifyRequest): string {
  const url = request.raw.url ?? request.url;
  const start = url.indexOf('?');
  return start < 0 ? url : url.slice(0, start);
}

const GARBAGE_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

function statusPage(status: number): string {
  return `<html><head><title>${status}</title></head><body><h1>${status}</h1><p>The upstream server is temporarily unable to service your request.</p></body></html>`;
}

/** Stops handling a request without answering it; the socket is destroyed now (`reset`) or when the sim closes (`hang`). */
function abandon(request: FastifyRequest, reply: FastifyReply, destroySocket: boolean): FastifyReply {
  reply.hijack();
  if (destroySocket) request.raw.socket.destroy();
  return reply;
}

/**
 * One vendor's listener: every request is counted, delayed by the global latency, and then either answered by
 * the active fault or passed on to the vendor's routes.
 */
export function createVendorApp(simulator: VendorSimulator, context: SimContext, options: { logger: boolean; sockets: Set<Socket> }): FastifyInstance {
  const app = fastify({ logger: options.logger, forceCloseConnections: true, exposeHeadRoutes: false });
  app.server.on('connection', (socket: Socket) => {
    options.sockets.add(socket);
    socket.once('close', () => options.sockets.delete(socket));
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('preHandler', async (request, reply) => {
    context.stats.recordRequest(simulator.name, simulator.operationOf(request));
    const fault = context.faults.take(simulator.name, { pathAndQuery: request.url, body: rawBody(request).toString('utf8') });
    await delay(context.latency.ms, context.lifetime);
    if (fault?.kind === 'latency') await delay(fault.latencyMs ?? 0, context.lifetime);
    if (context.lifetime.aborted) return abandon(request, reply, true);
    if (fault === null || fault.kind === 'latency') return;
    switch (fault.kind) {
      case 'error':
        return simulator.errorAnswer(reply, fault);
      case 'throttle':
        return simulator.throttleAnswer(reply);
      case 'badshape':
        return simulator.badShapeAnswer(reply);
      case 'garbage':
        return reply.code(200).type('text/html; charset=utf-8').send(GARBAGE_PAGE);
      case 'status': {
        const status = fault.httpStatus ?? 503;
        return reply.code(status).type('text/html; charset=utf-8').send(statusPage(status));
      }
      case 'hang':
        return abandon(request, reply, false);
      case 'reset':
        return abandon(request, reply, true);
    }
  });

  simulator.registerRoutes(app);
  app.all('*', (request, reply) => simulator.notFound(request, reply));
  return app;
}

/** For `echoCredentials` faults: every credential-bearing part of the request, repeated back. */
export function echoedCredentials(reply: FastifyReply, fault: { echoCredentials?: boolean }): string | undefined {
  if (!fault.echoCredentials) return undefined;
  const request = reply.request;
  const parts = [request.headers.authorization, request.headers['x-auth-token'], request.url, rawBody(request).toString('utf8')];
  return `request carried ${parts.filter((part) => typeof part === 'string' && part.length > 0).join(' ')}`;
}

/** `429` with `Retry-After: 1` and a plain-text body, for vendors that document no throttling answer. */
export function plainThrottleAnswer(reply: FastifyReply): FastifyReply {
  return reply.code(429).header('retry-after', '1').type('text/plain; charset=utf-8').send('Too Many Requests');
}

export function plainNotFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').send('404 page not found');
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `^\d+$` as a number; null for anything else (negative, fractional, empty, huge). */
export function parseNonNegativeInteger(text: string | null | undefined): number | null {
  if (text === null || text === undefined || !/^\d{1,9}$/.test(text)) return null;
  return Number(text);
}

export function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}
