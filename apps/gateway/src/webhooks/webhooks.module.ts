import { Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../config/config.module';
import { GatewayConfig } from '../config/gateway-config';
import { eventStreamKey } from '../events/event-bus';
import { MetricsModule } from '../metrics/metrics.module';
import { MetricsService } from '../metrics/metrics.service';
import { RedisConnection } from '../redis/redis-connection';
import { RedisModule } from '../redis/redis.module';
import { DEFAULT_DISPATCHER_OPTIONS, DispatcherOptions, WebhookDispatcher, WebhookEvent } from './webhook-dispatcher';
import { DEFAULT_STREAM_READER_OPTIONS, StreamReaderOptions, WebhookStreamReader } from './webhook-stream-reader';

export interface WebhookOptions {
  dispatcher: DispatcherOptions;
  stream: StreamReaderOptions;
}

/** Internal timings (no variables): the e2e tests override this provider to see retries and takeovers in a second. */
export const WEBHOOK_OPTIONS = Symbol('WEBHOOK_OPTIONS');

/**
 * WEBHOOKS_FILE's receivers. With Redis, every replica reads the events stream as a consumer of one group per
 * receiver, and deliveries survive restarts (webhook-stream-reader.ts); without it, this replica's own events, in
 * memory.
 */
@Injectable()
export class Webhooks implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly dispatcher: WebhookDispatcher;
  private readonly reader: WebhookStreamReader | null;
  /** Without Redis, the events this replica published go here; null with Redis (the stream feeds every replica). */
  readonly deliverPublished: ((events: readonly WebhookEvent[]) => void) | null;

  constructor(config: GatewayConfig, metrics: MetricsService, @Inject(LOGGER) logger: Logger, redis: RedisConnection, @Inject(WEBHOOK_OPTIONS) options: WebhookOptions) {
    const log = logger.child({ component: 'webhooks' });
    const observer = {
      onDelivery: (webhook: string, outcome: string) => metrics.onWebhookDelivery(webhook, outcome),
      warn: (fields: Record<string, unknown>, message: string) => log.warn(fields, message),
    };
    this.dispatcher = new WebhookDispatcher(config.webhooks, observer, options.dispatcher);
    this.reader = config.webhooks.length === 0 ? null : redis.choose<WebhookStreamReader | null>({
      redis: (client) => new WebhookStreamReader(client, eventStreamKey(config.cacheKeyPrefix), config.webhooks, this.dispatcher, observer, options.dispatcher, options.stream),
      memory: () => null,
    });
    this.deliverPublished = redis.backend === 'redis' ? null : (events) => events.forEach((event) => this.dispatcher.dispatch(event));
  }

  /** The groups exist once the app has started (when Redis answers): what is published from then on is delivered. */
  async onApplicationBootstrap(): Promise<void> {
    await this.reader?.start();
  }

  /** After the server has closed, before Redis does: the acknowledgements of attempts in flight still reach it. */
  async onApplicationShutdown(): Promise<void> {
    await (this.reader ? this.reader.close() : this.dispatcher.close());
  }
}

@Module({
  imports: [MetricsModule, RedisModule],
  providers: [Webhooks, { provide: WEBHOOK_OPTIONS, useValue: { dispatcher: DEFAULT_DISPATCHER_OPTIONS, stream: DEFAULT_STREAM_READER_OPTIONS } satisfies WebhookOptions }],
  exports: [Webhooks],
})
export class WebhooksModule {}
