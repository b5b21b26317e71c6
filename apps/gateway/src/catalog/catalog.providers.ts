import type { Logger } from 'pino';
import {
  CatalogCoordination, CatalogEngine, CatalogStore, EngineObserver, LocalCoordination, MemoryCatalogStore, RedisCatalogStore, RedisCoordination, TieredCatalogStore,
} from '@images/catalog';
import { GatewayConfig } from '../config/gateway-config';
import { EventPublisher } from '../events/event-publisher';
import { MetricsService } from '../metrics/metrics.service';
import { ProviderDirectory } from '../providers/provider-directory';
import { connectSubscriber } from '../redis/redis-client';
import { RedisConnection } from '../redis/redis-connection';
import { GatewayTracing } from '../tracing/tracing';

// How the catalog module builds its parts from the config and the replica's Redis (or its absence).

export const CATALOG_STORE = Symbol('CATALOG_STORE');
export const CATALOG_COORDINATION = Symbol('CATALOG_COORDINATION');

/** Memory in front of Redis, or memory alone. */
export function catalogStore(redis: RedisConnection, config: GatewayConfig, logger: Logger): CatalogStore {
  const freshMs = config.cacheTtlSeconds * 1000;
  return redis.choose<CatalogStore>({
    redis: (client) => new TieredCatalogStore(new MemoryCatalogStore(), new RedisCatalogStore(client, logger), freshMs, freshMs + config.cacheStaleSeconds * 1000),
    memory: () => new MemoryCatalogStore(),
  });
}

/** Replicas sharing Redis fetch each catalog once and hear each other's writes. */
export function catalogCoordination(redis: RedisConnection, config: GatewayConfig, logger: Logger): CatalogCoordination {
  return redis.choose<CatalogCoordination>({
    redis: (client) => new RedisCoordination(client, connectSubscriber(client), config.cacheKeyPrefix, logger.child({ component: 'coordination' })),
    memory: () => new LocalCoordination(),
  });
}

export function catalogEngine(
  directory: ProviderDirectory, store: CatalogStore, config: GatewayConfig, metrics: MetricsService, logger: Logger, coordination: CatalogCoordination, tracing: GatewayTracing, events: EventPublisher,
): CatalogEngine {
  metrics.initProviders(directory.ids);
  const options = {
    cacheTtlSeconds: config.cacheTtlSeconds,
    cacheStaleSeconds: config.cacheStaleSeconds,
    staleWaitMs: config.staleWaitMs,
    providerTimeoutMs: config.providerTimeoutMs,
    circuitFailureThreshold: config.circuitFailureThreshold,
    circuitHalfOpenAfterMs: config.circuitHalfOpenAfterMs,
    keyPrefix: config.cacheKeyPrefix,
    tracer: tracing.tracer,
  };
  return new CatalogEngine(directory.all, store, options, observeForEvents(metrics, events), logger.child({ component: 'engine' }), coordination);
}

/** The metrics observe every engine step; the events, the catalogs this replica stored and its circuits. */
function observeForEvents(metrics: MetricsService, events: EventPublisher): EngineObserver {
  return {
    onSlice: (slice) => metrics.onSlice(slice),
    onFetch: (provider, durationMs, error) => metrics.onFetch(provider, durationMs, error),
    onCircuitChange: (provider, state) => {
      metrics.onCircuitChange(provider, state);
      events.circuitChanged(provider, state);
    },
    onCatalogStored: (provider, images) => void events.catalogStored(provider, images),
  };
}
