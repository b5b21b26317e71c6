import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CatalogSlice, CircuitStateName, EngineObserver } from '@images/catalog';
import { GatewayError, UpstreamCallEvent, UpstreamObserver, UpstreamRetryEvent } from '@images/core';

const MAX_UNKNOWN_CODES = 50;
const LOOP_SAMPLE_MS = 20;
/** prom-client's default gauges whose names end in `_total`, the counter suffix. */
export const MISNAMED_DEFAULT_GAUGES = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];
const CIRCUIT_VALUE: Record<CircuitStateName, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Prometheus series of the gateway; a registry per app so test apps never share counters. Labels never carry secrets. */
@Injectable()
export class MetricsService implements UpstreamObserver, EngineObserver, OnModuleDestroy {
  readonly registry = new Registry();

  private readonly httpRequests = new Counter({ name: 'gateway_http_requests_total', help: 'Requests answered, by route and status', labelNames: ['method', 'route', 'status'], registers: [this.registry], collect: () => this.flushCounts() });
  private readonly httpDuration = new Histogram({ name: 'gateway_http_request_duration_seconds', help: 'Time to answer a request', labelNames: ['method', 'route'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry] });
  private readonly upstreamRequests = new Counter({ name: 'gateway_upstream_requests_total', help: 'Calls to vendor APIs, by outcome (ok or the problem code)', labelNames: ['provider', 'operation', 'outcome'], registers: [this.registry] });
  private readonly upstreamDuration = new Histogram({ name: 'gateway_upstream_request_duration_seconds', help: 'Latency of one vendor call', labelNames: ['provider', 'operation'], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry] });
  private readonly upstreamErrors = new Counter({ name: 'gateway_upstream_errors_total', help: 'Failed vendor calls by problem code and vendor code', labelNames: ['provider', 'code', 'vendor_code'], registers: [this.registry] });
  private readonly upstreamRetries = new Counter({ name: 'gateway_upstream_retries_total', help: 'Vendor reads tried again, by the problem that caused the retry', labelNames: ['provider', 'operation', 'code'], registers: [this.registry] });
  private readonly unmappedVendorCodes = new Counter({ name: 'gateway_upstream_unmapped_vendor_codes_total', help: 'Vendor error codes missing from the translation tables', labelNames: ['provider', 'vendor_code'], registers: [this.registry] });
  private readonly cacheOutcomes = new Counter({ name: 'gateway_cache_requests_total', help: 'Catalog cache outcomes per provider slice (hit, miss, stale, bypass)', labelNames: ['provider', 'outcome'], registers: [this.registry], collect: () => this.flushCounts() });
  private readonly webhookDeliveries = new Counter({ name: 'gateway_webhook_deliveries_total', help: 'Webhook delivery attempts by outcome: delivered, retried (a failed attempt to be tried again), failed (given up), dropped (queue full, or trimmed from the events stream while pending)', labelNames: ['webhook', 'outcome'], registers: [this.registry] });
  private readonly slices = new Counter({ name: 'gateway_provider_slices_total', help: 'Provider slices served, by status (ok, stale, error)', labelNames: ['provider', 'status'], registers: [this.registry], collect: () => this.flushCounts() });
  private readonly catalogFetches = new Histogram({ name: 'gateway_catalog_fetch_duration_seconds', help: 'Time to fetch a whole provider catalog (all pages)', labelNames: ['provider', 'outcome'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry] });
  private readonly catalogSize = new Gauge({ name: 'gateway_catalog_images', help: 'Images in the last catalog served per provider', labelNames: ['provider'], registers: [this.registry], collect: () => this.flushCounts() });
  private readonly eventLoopDelay = new Histogram({ name: 'gateway_event_loop_delay_seconds', help: 'How late a 20 ms timer fires: time the event loop was blocked', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry] });
  private readonly chunkReclaims = new Histogram({ name: 'gateway_download_reclaim_duration_seconds', help: 'Young-generation collections forced by downloads (DOWNLOAD_RECLAIM_EVERY_MIB): their time, the price of a bounded RSS', buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1], registers: [this.registry] });
  private readonly circuit = new Gauge({ name: 'gateway_circuit_state', help: 'Circuit per provider: 0 closed, 1 half-open, 2 open', labelNames: ['provider'], registers: [this.registry] });

  private readonly unknownCodes = new Map<string, Set<string>>();
  /**
   * Per-request series resolved once per label set, their counts kept as numbers until a scrape (flushCounts):
   * prom-client hashes and checks the labels on every call, even through a child from `labels()`.
   */
  private readonly httpSeries = new Map<string, { requests: PendingCount; duration: Histogram.Internal<string> }>();
  private readonly sliceSeries = new Map<string, { cache: PendingCount; slices: PendingCount }>();
  private readonly pendingCounts: PendingCount[] = [];
  /** The last catalog size served per provider, set on the gauge at a scrape. */
  private readonly catalogSizes = new Map<string, number>();

  private readonly loopSampler: NodeJS.Timeout;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters (promtool refuses them); the same counts stay in their per-type gauges.
    for (const name of MISNAMED_DEFAULT_GAUGES) this.registry.removeSingleMetric(name);
    // A timer's lateness is the time something held the event loop: every request waited that long too.
    let expected = performance.now() + LOOP_SAMPLE_MS;
    this.loopSampler = setInterval(() => {
      const now = performance.now();
      this.eventLoopDelay.observe(Math.max(0, now - expected) / 1000);
      expected = now + LOOP_SAMPLE_MS;
    }, LOOP_SAMPLE_MS);
    this.loopSampler.unref();
  }

  onWebhookDelivery(webhook: string, outcome: string): void {
    this.webhookDeliveries.inc({ webhook, outcome });
  }

  onChunkReclaim(seconds: number): void {
    this.chunkReclaims.observe(seconds);
  }

  onModuleDestroy(): void {
    clearInterval(this.loopSampler);
  }

  /**
   * Codes outside the tables come from the vendor, unbounded: the first MAX_UNKNOWN_CODES of each provider get their
   * own series, the rest share `other`, so a vendor cannot blow up the series count.
   */
  private unknownCodeLabel(provider: string, code: string | undefined): string {
    const label = boundLabel(code);
    const seen = this.unknownCodes.get(provider) ?? new Set<string>();
    this.unknownCodes.set(provider, seen);
    if (seen.has(label)) return label;
    if (seen.size >= MAX_UNKNOWN_CODES) return 'other';
    seen.add(label);
    return label;
  }

  initProviders(ids: readonly string[]): void {
    for (const id of ids) this.circuit.set({ provider: id }, 0);
  }

  onUpstreamCall(event: UpstreamCallEvent): void {
    const outcome = event.cancelled ? 'cancelled' : (event.problemCode ?? 'ok');
    this.upstreamRequests.inc({ provider: event.provider, operation: event.operation, outcome });
    this.upstreamDuration.observe({ provider: event.provider, operation: event.operation }, event.latencyMs / 1000);
    if (event.problemCode) {
      const vendorCode = event.unknownVendorCode ? this.unknownCodeLabel(event.provider, event.vendorCode) : boundLabel(event.vendorCode);
      this.upstreamErrors.inc({ provider: event.provider, code: event.problemCode, vendor_code: vendorCode });
      if (event.unknownVendorCode) this.unmappedVendorCodes.inc({ provider: event.provider, vendor_code: vendorCode });
    }
  }

  onUpstreamRetry(event: UpstreamRetryEvent): void {
    this.upstreamRetries.inc({ provider: event.provider, operation: event.operation, code: event.problemCode });
  }

  onSlice(slice: CatalogSlice): void {
    const key = `${slice.provider} ${slice.cache} ${slice.status}`;
    let series = this.sliceSeries.get(key);
    if (!series) {
      series = { cache: this.pending(this.cacheOutcomes.labels(slice.provider, slice.cache)), slices: this.pending(this.slices.labels(slice.provider, slice.status)) };
      this.sliceSeries.set(key, series);
    }
    series.cache.count++;
    series.slices.count++;
    if (slice.status !== 'error') this.catalogSizes.set(slice.provider, slice.images.length);
  }

  private pending(child: Counter.Internal): PendingCount {
    const count = { child, count: 0 };
    this.pendingCounts.push(count);
    return count;
  }

  /** Before any of the counted series is read: the counts since the last scrape go to prom-client. */
  private flushCounts(): void {
    for (const pending of this.pendingCounts) {
      if (pending.count === 0) continue;
      pending.child.inc(pending.count);
      pending.count = 0;
    }
    for (const [provider, size] of this.catalogSizes) this.catalogSize.set({ provider }, size);
  }

  onCircuitChange(provider: string, state: CircuitStateName): void {
    this.circuit.set({ provider }, CIRCUIT_VALUE[state]);
  }

  onFetch(provider: string, durationMs: number, error?: GatewayError): void {
    this.catalogFetches.observe({ provider, outcome: error?.code ?? 'ok' }, durationMs / 1000);
  }

  /** `route` is the matched route pattern (or `unmatched`), `method` Fastify's known verbs: the label sets are bounded. */
  onHttpResponse(method: string, route: string, status: number, durationMs: number): void {
    const key = `${method} ${route} ${status}`;
    let series = this.httpSeries.get(key);
    if (!series) {
      series = { requests: this.pending(this.httpRequests.labels(method, route, String(status))), duration: this.httpDuration.labels(method, route) };
      this.httpSeries.set(key, series);
    }
    series.requests.count++;
    series.duration.observe(durationMs / 1000);
  }
}

/** A counter's child and the increments not yet given to it. */
interface PendingCount {
  readonly child: Counter.Internal;
  count: number;
}

/** Vendor codes come from outside: keep labels short and printable so a vendor cannot blow up the series. */
function boundLabel(value: string | undefined): string {
  if (!value) return 'none';
  return value.replace(/[^\w.\-]/g, '_').slice(0, 48);
}
