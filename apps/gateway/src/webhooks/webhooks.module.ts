import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../config/config.module';
import { GatewayConfig } from '../config/gateway-config';
import { MetricsModule } from '../metrics/metrics.module';
import { MetricsService } from '../metrics/metrics.service';
import { WebhookDispatcher, WebhookEvent } from './webhook-dispatcher';

/** WEBHOOKS_FILE's receivers, fed the events this replica computed (each event is delivered by one replica). */
@Injectable()
export class Webhooks implements OnApplicationShutdown {
  private readonly dispatcher: WebhookDispatcher;

  constructor(config: GatewayConfig, metrics: MetricsService, @Inject(LOGGER) logger: Logger) {
    const log = logger.child({ component: 'webhooks' });
    this.dispatcher = new WebhookDispatcher(config.webhooks, {
      onDelivery: (webhook, outcome) => metrics.onWebhookDelivery(webhook, outcome),
      warn: (fields, message) => log.warn(fields, message),
    });
  }

  /** Queues the deliveries and returns at once: never on the path of the request that caused the event. */
  deliver(event: WebhookEvent): void {
    this.dispatcher.dispatch(event);
  }

  onApplicationShutdown(): void {
    this.dispatcher.close();
  }
}

@Module({
  imports: [MetricsModule],
  providers: [Webhooks],
  exports: [Webhooks],
})
export class WebhooksModule {}
