import { spawnSync } from 'node:child_process';
import { MetricsService } from './metrics.service';

describe('MetricsService', () => {
  it('gives the first 50 unknown vendor codes of a provider their own series and folds the rest into "other"', async () => {
    const metrics = new MetricsService();
    for (let i = 0; i < 80; i++) {
      metrics.onUpstreamCall({ provider: 'p', operation: 'list', method: 'GET', httpStatus: 200, problemCode: 'UPSTREAM_ERROR', vendorCode: `X${i}`, unknownVendorCode: true, latencyMs: 1 });
    }
    const text = await metrics.registry.getSingleMetricAsString('gateway_upstream_unmapped_vendor_codes_total');
    const series = text.split('\n').filter((line) => line.startsWith('gateway_upstream_unmapped_vendor_codes_total{'));
    expect(series).toHaveLength(51);
    expect(text).toContain('gateway_upstream_unmapped_vendor_codes_total{provider="p",vendor_code="other"} 30');
    expect(text).toContain('vendor_code="X0"} 1');
  });

  it('measures how late the event loop runs a 20 ms timer, and stops when the module is destroyed', async () => {
    const metrics = new MetricsService();
    await new Promise((resolve) => setTimeout(resolve, 25));
    // Measured from now: a late 25 ms timer on a loaded machine must not shorten the block.
    const block = performance.now() + 80;
    while (performance.now() < block) { /* hold the event loop */ }
    await new Promise((resolve) => setTimeout(resolve, 50));
    metrics.onModuleDestroy();
    const text = await metrics.registry.getSingleMetricAsString('gateway_event_loop_delay_seconds');
    const count = Number(/gateway_event_loop_delay_seconds_count (\d+)/.exec(text)?.[1]);
    const under25ms = Number(/gateway_event_loop_delay_seconds_bucket\{le="0.025"\} (\d+)/.exec(text)?.[1]);
    expect(count).toBeGreaterThanOrEqual(2);
    // The 80 ms block made at least one sample later than 25 ms.
    expect(under25ms).toBeLessThan(count);
  });
  it('counts each request and slice in the series of its own labels (the series are resolved once and reused)', async () => {
    const metrics = new MetricsService();
    metrics.onHttpResponse('GET', '/images', 200, 10);
    metrics.onHttpResponse('GET', '/images', 200, 30);
    metrics.onHttpResponse('GET', '/images', 304, 1);
    const requests = await metrics.registry.getSingleMetricAsString('gateway_http_requests_total');
    expect(requests).toContain('gateway_http_requests_total{method="GET",route="/images",status="200"} 2');
    expect(requests).toContain('gateway_http_requests_total{method="GET",route="/images",status="304"} 1');
    // Counts are handed over at each scrape: none lost, none counted twice.
    metrics.onHttpResponse('GET', '/images', 200, 1);
    const again = await metrics.registry.getSingleMetricAsString('gateway_http_requests_total');
    expect(again).toContain('gateway_http_requests_total{method="GET",route="/images",status="200"} 3');
    expect(again).toContain('gateway_http_requests_total{method="GET",route="/images",status="304"} 1');
    const duration = await metrics.registry.getSingleMetricAsString('gateway_http_request_duration_seconds');
    expect(duration).toContain('gateway_http_request_duration_seconds_sum{method="GET",route="/images"} 0.042');
    expect(duration).toContain('gateway_http_request_duration_seconds_count{method="GET",route="/images"} 4');

    const slice = { provider: 'p', status: 'ok', cache: 'hit', images: [{}, {}], latencyMs: 0 } as never;
    metrics.onSlice(slice);
    metrics.onSlice({ ...(slice as object), images: [{}] } as never);
    metrics.onSlice({ ...(slice as object), status: 'error', cache: 'miss', images: [] } as never);
    expect(await metrics.registry.getSingleMetricAsString('gateway_cache_requests_total')).toMatch(/outcome="hit"\} 2[\s\S]*outcome="miss"\} 1/);
    expect(await metrics.registry.getSingleMetricAsString('gateway_provider_slices_total')).toMatch(/status="ok"\} 2[\s\S]*status="error"\} 1/);
    // An error slice leaves the last size in place.
    expect(await metrics.registry.getSingleMetricAsString('gateway_catalog_images')).toContain('gateway_catalog_images{provider="p"} 1');
    metrics.onModuleDestroy();
  });

  it('names no gauge like a counter, and passes promtool check metrics where promtool is installed', async () => {
    const metrics = new MetricsService();
    try {
      metrics.onHttpResponse('GET', '/images', 200, 3);
      const gauges = (await metrics.registry.getMetricsAsJSON()).filter((metric) => String(metric.type) === 'gauge').map((metric) => metric.name);
      expect(gauges).toContain('nodejs_active_handles');
      expect(gauges.filter((name) => name.endsWith('_total'))).toEqual([]);
      const promtool = spawnSync('promtool', ['check', 'metrics'], { input: await metrics.registry.metrics(), encoding: 'utf8' });
      // CI installs Debian's prometheus package (.ci/run): there a missing promtool is a failure, not a skip.
      if (promtool.error !== undefined && process.env.CI === 'true') throw new Error(`promtool is not installed: ${promtool.error.message}`);
      if (promtool.error === undefined) expect({ status: promtool.status, output: promtool.stdout + promtool.stderr }).toEqual({ status: 0, output: '' });
    } finally {
      metrics.onModuleDestroy();
    }
  });
});
