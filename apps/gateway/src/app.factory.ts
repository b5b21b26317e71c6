import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { SecretRedactor } from '@images/core';
import { AppModule } from './app.module';
import { createLogger, NestPinoLogger } from './common/logger';
import { sourcesOf } from './common/request-log';
import { frameworkError, sendProblem } from './common/problem.filter';
import { GatewayConfig } from './config/gateway-config';
import { LifecycleService } from './health/lifecycle.service';
import { MetricsService } from './metrics/metrics.service';

const REQUEST_ID = /^[\w.:\-]{1,128}$/;

export interface GatewayApp {
  app: NestFastifyApplication;
  logger: Logger;
  /** Listens on all interfaces (or `host`) and marks the replica ready. */
  listen(host?: string): Promise<string>;
}

/** Builds the gateway exactly as production runs it; e2e tests call this too. */
export async function createGatewayApp(config: GatewayConfig, options: { logDestination?: DestinationStream } = {}): Promise<GatewayApp> {
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
    // A malformed URL or an over-long path is refused by the router, before Nest: same problem+json.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      reply.header('X-Request-Id', request.id);
      sendProblem(reply, request, frameworkError(error), redactor);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger, redactor), adapter, {
    logger: new NestPinoLogger(logger),
    bufferLogs: false,
  });

  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = routeOf(request);
    const latencyMs = reply.elapsedTime;
    metrics.onHttpResponse(request.method, route, reply.statusCode, latencyMs);
    if (route === '/metrics' || route.startsWith('/health')) return;
    logger.info({ reqId: request.id, method: request.method, url: request.url, route, status: reply.statusCode, latencyMs: Math.round(latencyMs), sources: sourcesOf(request) }, 'request');
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('images-gateway')
      .setDescription('One REST API over the VM-image catalogs of several clouds. Errors are RFC 9457 problem+json; see /problems/{type}.')
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  app.enableShutdownHooks();
  await app.init();

  return {
    app,
    logger,
    async listen(host = '0.0.0.0') {
      await app.listen(config.port, host);
      app.get(LifecycleService).markServing();
      return app.getUrl();
    },
  };
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? 'unmatched';
}
