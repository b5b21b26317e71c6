import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { DynamicModule, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { DestinationStream, Logger } from 'pino';
import { GatewayError, SecretRedactor } from '@images/core';
import { AppModule } from './app.module';
import { Authenticator } from './callers/authenticator';
import { createLogger, NestPinoLogger } from './common/logger';
import { GatewayConfig } from './config/gateway-config';
import { buildOpenApiDocument } from './docs/openapi';
import { LifecycleService } from './health/lifecycle.service';
import { BARE_ANSWER_HEADERS, secureForBrowsers } from './http/browser';
import { compressAnswers } from './http/compression';
import { guardDocs } from './http/docs-access';
import { acceptJsonBodiesOnly } from './http/json-body';
import { addRequestHooks } from './http/request-hooks';
import { gatewayServerFactory } from './http/server';
import { MetricsService } from './metrics/metrics.service';
import { PROBLEM_CONTENT_TYPE, frameworkError, sendProblem } from './problems/problem.filter';
import { addRequestSpans } from './tracing/request-spans';
import { GatewayTracing } from './tracing/tracing';

const BARE_HEADER_LINES = Object.entries(BARE_ANSWER_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join('');
const REQUEST_ID = /^[\w.:\-]{1,128}$/;

export interface GatewayApp {
  app: NestFastifyApplication;
  logger: Logger;
  /** The OpenAPI document served at /docs-json. */
  document: OpenAPIObject;
  /** Listens on all interfaces (or `host`) and marks the replica ready. */
  listen(host?: string): Promise<string>;
  /**
   * Readiness turns 503 at once; after SHUTDOWN_DELAY_MS the listener closes, in-flight requests finish
   * (up to SHUTDOWN_GRACE_MS, then their connections are cut), and Redis is closed last.
   * True when everything finished within the grace period.
   */
  shutdown(reason: string, options?: { delay?: boolean }): Promise<boolean>;
}

export interface GatewayAppOptions {
  /** Where log lines go (stdout by default). */
  logDestination?: DestinationStream;
  /** Makes the Nest app from the root module; a test passes one built by `Test.createTestingModule` to override a provider. */
  createApp?: (root: DynamicModule, adapter: FastifyAdapter, options: NestApplicationOptions) => Promise<NestFastifyApplication>;
  /** Sees every answer the router sends, serialized but not yet compressed; the e2e tests check them against the document. */
  observeAnswer?: (request: FastifyRequest, reply: FastifyReply, payload: unknown) => void;
  /** Turns tracing on with this span processor instead of OTLP export; the e2e tests pass an in-memory exporter's. */
  spanProcessor?: SpanProcessor;
}

/** Builds the gateway exactly as production runs it; e2e tests call this too. */
export async function createGatewayApp(config: GatewayConfig, options: GatewayAppOptions = {}): Promise<GatewayApp> {
  const redactor = new SecretRedactor(config.secrets);
  const logger = createLogger(config.logLevel, redactor, options.logDestination);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One access line per request is written by the onResponse hook below, with the provider outcomes.
    logController: new LogController({ disableRequestLogging: true }),
    // The caller's request id is kept when it is a sane token; otherwise a new one is made.
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 1024 },
    trustProxy: config.callers.trustProxy,
    // Over BODY_LIMIT_BYTES is a 413 before the body is read; the server bounds slow senders and open sockets.
    bodyLimit: config.limits.bodyLimitBytes,
    serverFactory: gatewayServerFactory(config.limits),
    // Requests still arriving while draining are answered normally (with Connection: close), not with Fastify's bare 503.
    return503OnClosing: false,
    // A request the HTTP parser refuses (bad header bytes, headers too large) never reaches a route: same problem+json.
    clientErrorHandler: answerUnparsableRequest,
    // A malformed URL or an over-long path is refused by the router, before Nest: same problem+json.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      reply.headers(BARE_ANSWER_HEADERS).header('X-Request-Id', request.id);
      sendProblem(reply, request, frameworkError(error), redactor);
    },
  });
  const createApp = options.createApp ?? ((root, fastifyAdapter, nestOptions) => NestFactory.create<NestFastifyApplication>(root, fastifyAdapter, nestOptions));
  // bodyParser false: Nest would register a urlencoded parser (a cross-site form could then write); JSON only, below.
  const tracing = GatewayTracing.start(config.otlpEndpoint, logger, options.spanProcessor);
  const app = await createApp(AppModule.forRoot(config, logger, redactor, tracing), adapter, { logger: new NestPinoLogger(logger), bufferLogs: false, bodyParser: false });

  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const { observeAnswer } = options;
  // First of the onSend hooks, so compression has not yet turned the body into bytes.
  if (observeAnswer) fastify.addHook('onSend', (request, reply, payload, done) => { observeAnswer(request, reply, payload); done(null, payload); });
  // Off: no hook at all, so a request pays nothing for tracing.
  if (tracing.tracer) addRequestSpans(fastify, tracing.tracer);
  addRequestHooks(fastify, { metrics: app.get(MetricsService), lifecycle: app.get(LifecycleService), logger });
  acceptJsonBodiesOnly(fastify, config.limits.bodyLimitBytes);
  await secureForBrowsers(fastify, config.callers);
  compressAnswers(fastify);
  guardDocs(fastify, config.callers, app.get(Authenticator), redactor);

  // JSON only (no /docs-yaml to guard, or to render again per request); a key given to "Authorize" is not kept in the browser.
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', raw: ['json'] });
  // No enableShutdownHooks(): Nest would close at once and re-raise the signal; `shutdown` drains instead.
  await app.init();

  return {
    app,
    logger,
    document,
    async listen(host = '0.0.0.0') {
      await app.listen(config.port, host);
      app.get(LifecycleService).markServing();
      return app.getUrl();
    },
    async shutdown(reason: string, { delay = true }: { delay?: boolean } = {}) {
      app.get(LifecycleService).markDraining();
      logger.info({ reason, delayMs: config.shutdownDelayMs, graceMs: config.shutdownGraceMs }, 'draining: readiness answers 503');
      if (delay && config.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
      // Fastify stops accepting, closes idle keep-alive sockets and waits for the requests in flight; Nest then closes Redis.
      const closed = app.close().then(() => true);
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), config.shutdownGraceMs)));
      const clean = await Promise.race([closed, graceOver]);
      clearTimeout(timer);
      if (!clean) {
        logger.warn('grace period over: cutting the connections still open');
        fastify.server.closeAllConnections();
        await Promise.race([closed.catch(() => false), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      }
      logger.info({ clean }, 'closed');
      return clean;
    },
  };
}

function answerUnparsableRequest(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const detail = error.code === 'HPE_HEADER_OVERFLOW' ? 'the request headers are too large'
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'the request did not arrive in time'
    : 'the request is not valid HTTP';
  const requestId = randomUUID();
  const body = JSON.stringify({ ...new GatewayError('VALIDATION_FAILED', { detail }).toProblem(), requestId });
  socket.end(
    `HTTP/1.1 400 Bad Request\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\n${BARE_HEADER_LINES}Connection: close\r\n\r\n${body}`,
  );
}

